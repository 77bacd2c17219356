import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * What an asset's code version was computed from, recorded once per code
 * version so `assets why` can name what changed:
 * - `explicit`: the asset's declared `codeVersion`;
 * - `files` and `packages`: the automatic version, made of the content hash of
 *   every project file its module reaches through imports (paths relative to
 *   the project root, `/`-separated) and the installed version of every
 *   package those files import;
 * - `compute`: the hash of the compute function's source, for an asset
 *   declared from code that has no file.
 */
export const codeManifestSchema = z.union([
  z.strictObject({ explicit: z.string() }),
  z.strictObject({ files: z.record(z.string(), z.string()), packages: z.record(z.string(), z.string()) }),
  z.strictObject({ compute: z.string() }),
]);
export type CodeManifest = z.infer<typeof codeManifestSchema>;

/** One difference between a recorded manifest and the current one, as `assets why` names it. */
export type CodeChange =
  | { readonly kind: 'file'; readonly file: string; readonly change: 'modified' | 'added' | 'removed' }
  | { readonly kind: 'package'; readonly name: string; readonly recorded: string | undefined; readonly current: string | undefined }
  | { readonly kind: 'explicit'; readonly recorded: string | undefined; readonly current: string | undefined }
  | { readonly kind: 'compute' }
  /** The recorded manifest is not known (recorded before manifests were kept). */
  | { readonly kind: 'unknown' };

/**
 * The code version a manifest stands for: the declared version itself when
 * explicit (so history shows what the user wrote), else a hash of the
 * manifest's entries in a canonical order.
 */
export function codeVersionOf(manifest: CodeManifest): string {
  if ('explicit' in manifest) return manifest.explicit;
  if ('compute' in manifest) return manifest.compute;
  const hash = createHash('sha256');
  for (const file of Object.keys(manifest.files).sort()) hash.update(`file\0${file}\0${manifest.files[file]}\0`);
  for (const name of Object.keys(manifest.packages).sort()) hash.update(`package\0${name}\0${manifest.packages[name]}\0`);
  return hash.digest('hex').slice(0, 16);
}

/** What differs between the manifest a materialization recorded and the current one, files first, each list sorted. */
export function diffCodeManifests(recorded: CodeManifest | undefined, current: CodeManifest): CodeChange[] {
  if (recorded === undefined) return [{ kind: 'unknown' }];
  if ('explicit' in recorded || 'explicit' in current) {
    const before = 'explicit' in recorded ? recorded.explicit : undefined;
    const after = 'explicit' in current ? current.explicit : undefined;
    return before === after ? [] : [{ kind: 'explicit', recorded: before, current: after }];
  }
  if ('compute' in recorded || 'compute' in current) return [{ kind: 'compute' }];
  const changes: CodeChange[] = [];
  for (const file of unionOfKeys(recorded.files, current.files)) {
    const before = recorded.files[file];
    const after = current.files[file];
    if (before === after) continue;
    changes.push({ kind: 'file', file, change: before === undefined ? 'added' : after === undefined ? 'removed' : 'modified' });
  }
  for (const name of unionOfKeys(recorded.packages, current.packages)) {
    const before = recorded.packages[name];
    const after = current.packages[name];
    if (before !== after) changes.push({ kind: 'package', name, recorded: before, current: after });
  }
  return changes;
}

function unionOfKeys(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
