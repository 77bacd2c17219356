import { createHash } from 'node:crypto';

/**
 * Each distinct source text seen so far, with its hash. It keeps every
 * compute's whole text for the life of the process (in a daemon that
 * reloads edited definitions, the old texts too): about the size of the
 * project's source, against hashing each closure again.
 */
const versions = new Map<string, string>();

/**
 * The hash of a compute function's source: the code version of an asset
 * declared without one, which counts when the asset has no file to version
 * (see `computeCodeVersions`). Kept per source text, not per function:
 * generated projects share one compute across thousands of assets, or build
 * one closure per asset from the same source in a factory, and hashing each
 * of 100k such closures again took most of a second, where reading each
 * one's text and finding it here takes some tens of milliseconds in all.
 * (It stays a data property of the asset rather than a getter hashed on
 * demand: a getter per object gives every asset a map of its own in V8,
 * which made reading any field of 100k assets 15 to 20 times slower and
 * tripled their memory.)
 */
export function sourceVersionOf(compute: (...args: never[]) => unknown): string {
  const source = compute.toString();
  let version = versions.get(source);
  if (version === undefined) {
    version = createHash('sha256').update(source).digest('hex').slice(0, 16);
    versions.set(source, version);
  }
  return version;
}
