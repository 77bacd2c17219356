import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_TMP, BIN, ROOT } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';
import { maxOf } from '../lib/stats.mjs';

const MODULES = 200;
const ASSETS_PER_MODULE = 5;
const HELPERS = 50;

/**
 * What automatic code versions cost a command: a no-op `assets status` on a
 * project of 1,000 assets over 200 modules (each importing two of 50 helper
 * modules, which import each other in a chain, and zod), all materialized and
 * fresh. Three cases, in turns: the code-version cache warm (only file stats),
 * the cache removed (every file hashed and the module graph read again), and
 * one helper edited before each run (the graph read again, one file hashed).
 */
export async function run(ctx) {
  const work = await mkdtemp(path.join(BENCH_TMP, 'code-versions-'));
  ctx.cleanup.push(work);
  await writeProject(work);
  const env = { ...process.env, STRATA_HOME: path.join(work, '.strata'), NO_COLOR: '1' };
  const prepare = spawnSync(process.execPath, [BIN, 'materialize', '--json'], { env, cwd: work, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (prepare.status !== 0) throw new Error(`materializing the code-versions project failed:\n${prepare.stderr}`);

  const cacheFile = path.join(work, '.strata', 'code-versions-cache.json');
  let edits = 0;
  const cases = [
    { name: 'status, cache warm', before: async () => {} },
    { name: 'status, cache removed', before: () => rm(cacheFile, { force: true }) },
    { name: 'status, one helper edited', before: () => writeHelper(work, HELPERS - 1, ++edits) },
  ];
  const measured = cases.map(() => []);
  for (let round = 0; round <= ctx.runs; round++) {
    if (round > 0) ctx.log(`code versions round ${round}/${ctx.runs}`);
    for (const [index, entry] of cases.entries()) {
      await entry.before();
      const result = await measureOk(entry.name, process.execPath, [BIN, 'status', '--json'], { method: ctx.method, env, cwd: work });
      if (round > 0) measured[index].push(result);
    }
  }
  const rows = cases.map((entry, index) =>
    row('code-versions', `${entry.name} (${MODULES * ASSETS_PER_MODULE} assets, ${MODULES} modules)`, {
      times: measured[index].map((result) => result.wallMs),
      peakRssBytes: maxOf(measured[index].map((result) => result.peakRssBytes)),
      note: index === 2 ? 'edits make the helper\'s importers stale' : '',
    }),
  );
  return { rows, details: { modules: MODULES, assets: MODULES * ASSETS_PER_MODULE, helpers: HELPERS } };
}

/** A user-shaped project: package.json, node_modules with strata-assets (this repository, linked) and zod. */
async function writeProject(dir) {
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'code-versions-bench', private: true, type: 'module', strata: { definitions: 'definitions.mjs' } }));
  await mkdir(path.join(dir, 'node_modules'));
  await symlink(ROOT, path.join(dir, 'node_modules', 'strata-assets'), 'dir');
  await symlink(path.join(ROOT, 'node_modules', 'zod'), path.join(dir, 'node_modules', 'zod'), 'dir');
  await mkdir(path.join(dir, 'lib'));
  await mkdir(path.join(dir, 'assets'));
  for (let helper = 0; helper < HELPERS; helper++) await writeHelper(dir, helper, 0);
  const names = [];
  for (let module = 0; module < MODULES; module++) {
    const keys = Array.from({ length: ASSETS_PER_MODULE }, (_, index) => `m${module}_a${index}`);
    names.push(...keys.map((key) => [module, key]));
    const helpers = [module % HELPERS, (module * 7 + 3) % HELPERS];
    await writeFile(
      path.join(dir, 'assets', `m${module}.mjs`),
      [
        "import { asset } from 'strata-assets';",
        "import { z } from 'zod';",
        ...helpers.map((helper, index) => `import { value as h${index} } from '../lib/h${helper}.mjs';`),
        ...keys.map((key) => `export const ${key} = asset({ key: '${key}', schema: z.object({ n: z.int() }), compute: () => [{ n: h0 + h1 }] });`),
        '',
      ].join('\n'),
    );
  }
  await writeFile(
    path.join(dir, 'definitions.mjs'),
    [
      "import { defineDefinitions } from 'strata-assets';",
      ...Array.from({ length: MODULES }, (_, module) => `import * as m${module} from './assets/m${module}.mjs';`),
      `export default defineDefinitions({ assets: [${Array.from({ length: MODULES }, (_, module) => `...Object.values(m${module})`).join(', ')}] });`,
      '',
    ].join('\n'),
  );
}

/** Helper `index` imports the one before it, so a module's closure holds a chain of helpers. */
function writeHelper(dir, index, revision) {
  const previous = index === 0 ? '' : `import { value as previous } from './h${index - 1}.mjs';\n`;
  return writeFile(path.join(dir, 'lib', `h${index}.mjs`), `${previous}export const value = ${index} + ${revision}${index === 0 ? '' : ' + previous * 0'};\n`);
}
