import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** A registry tarball URL, `<registry>/<name>/-/<name>-<version>.tgz`: npm's own test for "came from a registry". */
const REGISTRY_TARBALL = /^https?:\/\/[^/]+\/.+\/-\/[^/]+-\d/;

/** The lockfiles npm writes for an install root, most current first: the hidden one is rewritten on every install. */
const LOCKFILES = ['node_modules/.package-lock.json', 'package-lock.json'];

const lockfilePackages = z.object({ packages: z.record(z.string(), z.unknown()) });
const lockfileEntry = z.object({ resolved: z.string().optional() });

/**
 * The dependency spec under which `npm install`, run in `projectDir`,
 * installs the very copy of strata-assets at `packageRoot` (version
 * `version`), for a project whose package.json does not name strata-assets
 * yet (one that does keeps its own spec: that is the most direct answer).
 *
 * - Outside any node_modules folder (a clone of the repository, or a folder
 *   installed with `npm install ../strata`, which npm links): `file:` that
 *   folder.
 * - Inside one: what npm recorded as `resolved` for that folder in the
 *   install root's lockfile. A `file:` tarball becomes `file:` the same
 *   tarball, relative to `projectDir`; a git or plain URL is kept as it is.
 * - A registry URL, no `resolved` (npm's `omit-lockfile-registry-resolved`),
 *   or no npm lockfile at all (pnpm, yarn, a global install): `^version`,
 *   the registry release this copy is.
 *
 * Not npm's `npm_package_*` / `npm_config_*` variables: under `npx` they
 * describe the project npx runs in, and they are absent when the bin runs
 * directly. The lockfile is what npm itself trusts to reinstall the tree.
 */
export async function ownDependencySpec(packageRoot: string, version: string, projectDir: string): Promise<string> {
  const root = await realpath(packageRoot);
  const segments = root.split(path.sep);
  const first = segments.indexOf('node_modules');
  if (first === -1) return fileSpec(projectDir, root);

  const installRoot = segments.slice(0, first).join(path.sep) || path.sep;
  const key = segments.slice(first).join('/');
  const resolved = await recordedResolved(installRoot, key);
  if (resolved === undefined || REGISTRY_TARBALL.test(resolved)) return `^${version}`;
  if (resolved.startsWith('file:')) return fileSpec(projectDir, path.resolve(installRoot, resolved.slice('file:'.length)));
  return resolved;
}

/** The `resolved` of `key` (`node_modules/strata-assets`, say) in the first lockfile of `installRoot` that lists it. */
async function recordedResolved(installRoot: string, key: string): Promise<string | undefined> {
  for (const name of LOCKFILES) {
    let text: string;
    try {
      text = await readFile(path.join(installRoot, name), 'utf8');
    } catch {
      // No such lockfile (or unreadable): the next one, else the registry version.
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Not ours to report (init must not fail over npm's bookkeeping), and a
      // lockfile npm itself would reject says nothing trustworthy: the next one.
      continue;
    }
    const entry = lockfilePackages.safeParse(json).data?.packages[key];
    if (entry !== undefined) return lockfileEntry.safeParse(entry).data?.resolved;
  }
  return undefined;
}

/** `file:` and the path from `projectDir` to `target`, with forward slashes as npm writes them. */
async function fileSpec(projectDir: string, target: string): Promise<string> {
  const relative = path.relative(await realpathSoFar(projectDir), target).split(path.sep).join('/');
  return `file:${relative === '' ? '.' : relative}`;
}

/**
 * `folder` with symlinks resolved as far as it exists (init may be about to
 * create it): `target` is a real path, so a symlinked temp folder (macOS's
 * /var) must not add `..` steps that lead elsewhere.
 */
async function realpathSoFar(folder: string): Promise<string> {
  const absolute = path.resolve(folder);
  try {
    return await realpath(absolute);
  } catch {
    const parent = path.dirname(absolute);
    return parent === absolute ? absolute : path.join(await realpathSoFar(parent), path.basename(absolute));
  }
}
