import { createHash } from 'node:crypto';

const versions = new WeakMap<(...args: never[]) => unknown, string>();

/**
 * The hash of a compute function's source: the code version of an asset
 * declared without one, which counts when the asset has no file to version
 * (see `computeCodeVersions`). Kept per function, since generated projects
 * share one compute across thousands of assets. (It stays a data property of
 * the asset rather than a getter hashed on demand: a getter per object gives
 * every asset a map of its own in V8, which made reading any field of 100k
 * assets 15 to 20 times slower and tripled their memory.)
 */
export function sourceVersionOf(compute: (...args: never[]) => unknown): string {
  let version = versions.get(compute);
  if (version === undefined) {
    version = createHash('sha256').update(compute.toString()).digest('hex').slice(0, 16);
    versions.set(compute, version);
  }
  return version;
}
