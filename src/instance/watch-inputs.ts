import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Observation } from '../core/asset.js';
import { readModuleGraph } from '../versioning/module-graph.js';

/**
 * The local files a watch re-plans on: every project module the definitions
 * module reaches through its imports (itself included: packages are left
 * out, their versions change only on install), and every file a source
 * asset's `observe` named as its location. The second is the general way to
 * find file sources whatever the resource: a folder source's observation
 * names the JSON file it hashed; an HTTP source names a URL, which is not a
 * file and is not watched (its changes are seen on the next re-plan).
 */
export async function watchInputs(definitionsFile: string, observations: ReadonlyMap<string, Observation>, root: string): Promise<string[]> {
  const modules = Object.keys(await readModuleGraph([definitionsFile]));
  const sources = [...observations.values()].flatMap((observation) => {
    const file = localFile(observation.location, root);
    return file === undefined ? [] : [file];
  });
  return [...new Set([definitionsFile, ...modules, ...sources])].sort();
}

/** The absolute path of a location that is an existing local file (a path or a `file:` URL), else undefined. */
function localFile(location: string | undefined, root: string): string | undefined {
  if (location === undefined || (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('file:'))) return undefined;
  const file = location.startsWith('file:') ? fileURLToPath(location) : path.resolve(root, location);
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    // Not a file (a description, or gone since it was observed): nothing to watch there.
    return undefined;
  }
}
