import { createRequire } from 'node:module';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const DIST_INDEX = pathToFileURL(path.resolve(import.meta.dirname, '../../dist/index.js')).href;
const ZOD = pathToFileURL(createRequire(import.meta.url).resolve('zod')).href;

/**
 * Writes a project of two real modules into `dir`, declared through the
 * built framework as a user's are: `helper.mjs` (FACTOR = 2) and
 * `definitions.mjs`, which imports it, declares `assets` (statements that
 * may use `asset`, `dailyPartitions`, `job`, `sensor`, `z` and FACTOR) and
 * exports the definitions of `keys` on a MemoryIOManager, with `more`
 * (further fields of the definitions, e.g. `sensors: [poke]`).
 */
export async function writeBuiltFrameworkProject(dir: string, assets: readonly string[], keys: readonly string[], more = ''): Promise<void> {
  await writeFile(path.join(dir, 'helper.mjs'), 'export const FACTOR = 2;\n');
  await writeFile(
    path.join(dir, 'definitions.mjs'),
    [
      `import { asset, dailyPartitions, defineDefinitions, job, MemoryIOManager, sensor } from '${DIST_INDEX}';`,
      `import { z } from '${ZOD}';`,
      `import { FACTOR } from './helper.mjs';`,
      ...assets,
      `export default defineDefinitions({ assets: [${keys.join(', ')}], ioManagers: { default: new MemoryIOManager() }${more === '' ? '' : `, ${more}`} });`,
      '',
    ].join('\n'),
  );
}
