import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandRun, runCommand } from './run-command.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One npm install compiles better-sqlite3's addon (about a minute here); the rest is quick. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const STEP_TIMEOUT_MS = 3 * 60_000;

interface NpmTree {
  readonly version?: string;
  readonly dependencies?: Record<string, NpmTree>;
}

/** Every version of @uwdata/flechette in an `npm ls --json` tree, each once: one means arquero uses the pinned copy. */
function flechetteVersions(tree: NpmTree): string[] {
  const versions = new Set<string>();
  const walk = (node: NpmTree) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      if (name === '@uwdata/flechette' && child.version !== undefined) versions.add(child.version);
      walk(child);
    }
  };
  walk(tree);
  return [...versions];
}

/** npm's advisory lines about install scripts that allowScripts does not cover. */
const installScriptWarnings = (run: CommandRun) => `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => line.includes('install-scripts'));

/**
 * Strata as a user gets it: `npm pack`, then in an empty folder `npm init -y`,
 * `npm install <tarball>`, `npx assets init`, `npx assets materialize`, and
 * the scaffold typechecked and tested. Offline, from the npm cache (CI and
 * developers' machines share it): npm runs with `offline`, so a dependency
 * missing from the cache fails the test (ENOTCACHED) rather than reaching the
 * registry. npm 11 builds the tree from full package documents, not the
 * abbreviated ones, so a cache holding only those fails here: one online
 * install of the tarball and of the scaffold's dev dependencies fills it.
 * The tarball packs dist/ as built (`npm test` builds first; run `npm run
 * build` before running this file alone).
 */
describe('strata-assets installed from its packed tarball', () => {
  let work: string;
  let project: string;
  let tarball: string;
  let installed: CommandRun;

  // npm's own variables from an enclosing `npm test` (npm_config_*, npm_package_*) would configure the inner npm: drop them.
  const env = () => Object.fromEntries([...Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)), ['npm_config_offline', 'true']].filter((entry): entry is [string, string] => entry[1] !== undefined));
  const run = (command: string, args: string[], cwd = project) => runCommand(command, args, { cwd, env: env() });

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'strata-package-'));
    // --ignore-scripts: dist/ is built already, and rebuilding it here would race the test files that spawn it.
    const packed = await runCommand('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, env: env() });
    expect(packed.code, packed.stderr).toBe(0);
    tarball = path.join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
    project = path.join(work, 'my-project');
    await mkdir(project);
    expect((await run('npm', ['init', '-y'])).code).toBe(0);
    installed = await run('npm', ['install', tarball]);
  }, INSTALL_TIMEOUT_MS);
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('is packed under the name strata-assets, which npm init -y records as a file: dependency', async () => {
    const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(path.basename(tarball)).toBe(`strata-assets-${version}.tgz`);
    expect(JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8'))).toMatchObject({ dependencies: { 'strata-assets': `file:../strata-assets-${version}.tgz` } });
  });

  it('installs with no install-script warning about strata-assets itself, only about the dependencies that build', () => {
    expect(installed.code, installed.stderr).toBe(0);
    const warnings = installScriptWarnings(installed);
    // A `prepare` script would be listed here as `strata-assets@x (prepare: npm run build)`.
    expect(warnings.filter((line) => line.includes('strata-assets'))).toEqual([]);
    expect(warnings.filter((line) => /^npm warn install-scripts {3}\S/.test(line)).map((line) => line.trim().split(/\s+/)[3]!.replace(/@[^@]*$/, '')).sort()).toEqual(['better-sqlite3', 'esbuild']);
  });

  it('installs the assets bin, dist, the sample, the daily snapshots and the README only', async () => {
    expect(installed.code, installed.stderr).toBe(0);
    expect((await run('npx', ['assets', '--version'])).stdout).toBe(`${JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).version}\n`);
    const strata = path.join(project, 'node_modules', 'strata-assets');
    expect((await readdir(strata)).sort()).toEqual(['README.md', 'data', 'dist', 'package.json']);
    // The snapshot and the 14 daily snapshots the example's daily-partitioned assets read.
    expect((await readdir(path.join(strata, 'data'))).sort()).toEqual(['daily', 'sample']);
    expect((await readdir(path.join(strata, 'dist'), { recursive: true })).filter((file) => file.endsWith('.map'))).toEqual([]);
  });

  it("installs arquero beside the flechette release Strata pins, so the dataframe layer imports from the user's project", async () => {
    expect(installed.code, installed.stderr).toBe(0);
    // arquero 8 accepts any flechette 2.x, and the newest (2.7.0) depends on a package the registry does not serve:
    // Strata's own dependency on 2.6.0 is what every install, not only this repository's, resolves it to.
    const { dependencies } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const flechette = JSON.parse(await readFile(path.join(project, 'node_modules', '@uwdata', 'flechette', 'package.json'), 'utf8')) as { version: string };
    expect(flechette.version).toBe(dependencies['@uwdata/flechette']);
    const listed = await run('npm', ['ls', '--all', '--json', '@uwdata/flechette']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(flechetteVersions(JSON.parse(listed.stdout) as NpmTree)).toEqual([flechette.version]);
    const script = "import { table, op } from 'arquero'; console.log(table({ n: [1, 2, 3] }).rollup({ total: op.sum('n') }).get('total', 0));";
    const imported = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toBe('6\n');
  }, STEP_TIMEOUT_MS);

  it('scaffolds a project with npx assets init', async () => {
    const result = await run('npx', ['assets', 'init']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Created a Strata project in ${project}:\n  package.json  completed: "type": "module" (was "commonjs"); scripts: materialize, test, typecheck;`);
    // The tarball npm install recorded stays: it is what resolves here.
    expect(JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8'))).toMatchObject({ dependencies: { 'strata-assets': `file:../${path.basename(tarball)}` } });
  }, STEP_TIMEOUT_MS);

  it('makes a project elsewhere depend on the tarball this copy was installed from, as npm recorded it', async () => {
    const result = await run('npx', ['assets', 'init', '../pipeline']);
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(work, 'pipeline', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies['strata-assets']).toBe(`file:../${path.basename(tarball)}`);
  }, STEP_TIMEOUT_MS);

  it("materializes the scaffold's assets with npx assets materialize, then finds nothing to do", async () => {
    const result = await run('npx', ['assets', 'materialize']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^orders +materialized +5 /m);
    expect(result.stdout).toMatch(/^customer_totals +materialized +3 /m);
    expect(await readFile(path.join(project, 'output', 'customer_totals.csv'), 'utf8')).toBe('customer,orders,total\ngrace,2,32.25\nada,2,20\nlinus,1,5\n');
    expect((await run('npx', ['assets', 'materialize'])).stdout).toBe('Everything is up to date.\n');
  }, STEP_TIMEOUT_MS);

  it('typechecks the scaffold, and the public API with full types, with npx tsc --noEmit', async () => {
    const install = await run('npm', ['install']);
    expect(install.code, install.stderr).toBe(0);
    // The scaffold's allowScripts covers the dependencies, and strata-assets has no install script.
    expect(installScriptWarnings(install)).toEqual([]);
    await writeFile(
      path.join(project, 'src', 'public-api.ts'),
      `import { ArrowIOManager, asArquero, asset, CsvIOManager, defineConfig, defineDefinitions, job, materializeInMemory, ParquetIOManager, resource, schedule, sensor, Table, type Definitions } from 'strata-assets';
import { z } from 'zod';

const numbers = asset({ key: 'numbers', schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }] });
const refresh = job({ name: 'refresh', select: '*' });
export const definitions: Definitions = defineConfig({
  definitions: defineDefinitions({
    assets: [numbers],
    ioManagers: { default: new CsvIOManager() },
    jobs: [refresh],
    schedules: [schedule({ name: 'nightly', cron: '0 2 * * *', job: 'refresh' })],
    sensors: [sensor({ name: 'never', intervalSeconds: 60, job: 'refresh', evaluate: () => ({ skip: 'nothing to watch' }) })],
  }),
});
export const clock = resource({ key: 'clock', create: () => ({ now: () => new Date() }) });
export const run: Promise<number> = materializeInMemory(definitions).then((result) => result.table(numbers).column('n')[0]!);
export const rowCount: number = asArquero(Table.fromRows([{ n: 1 }], ['n'])).filter((row) => row.n > 0).numRows();
export const columnar = [new ParquetIOManager({ baseDir: 'output' }), new ArrowIOManager({ baseDir: 'output' })] as const;
`,
    );
    const tsc = await run('npx', ['tsc', '--noEmit']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  }, STEP_TIMEOUT_MS);

  it("fails tsc on a type error in an asset's use of its inputs", async () => {
    const source = path.join(project, 'src', 'assets.ts');
    const original = await readFile(source, 'utf8');
    expect(original).toContain('for (const { customer, amount } of inputs.orders)');
    await writeFile(source, original.replace('for (const { customer, amount } of inputs.orders)', 'for (const { customer, amout } of inputs.orders)'));
    try {
      const tsc = await run('npx', ['tsc', '--noEmit']);
      expect(tsc.code).not.toBe(0);
      expect(tsc.stdout).toMatch(/^src\/assets\.ts\(\d+,\d+\): error TS2339: Property 'amout' does not exist on type '\{ id: number; customer: string; amount: number; \}'\.$/m);
    } finally {
      await writeFile(source, original);
    }
  }, STEP_TIMEOUT_MS);

  it("passes the scaffold's own test with npm test", async () => {
    const result = await run('npm', ['test']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Tests +2 passed \(2\)/);
  }, STEP_TIMEOUT_MS);

  it('runs the bundled example with --definitions strata-assets/example', async () => {
    const result = await run('npx', ['assets', 'materialize', '--definitions', 'strata-assets/example', '--select', 'users', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'success', assets: [{ key: 'users', rows: 10 }] });
  }, STEP_TIMEOUT_MS);

  it('says where it looked in a folder without definitions, since an installed copy never falls back to the example', async () => {
    const elsewhere = path.join(work, 'elsewhere');
    await mkdir(elsewhere);
    const result = await run(process.execPath, [path.join(project, 'node_modules', 'strata-assets', 'dist', 'cli', 'bin.js'), 'list'], elsewhere);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'error: No definitions found. Looked for, in order:\n' +
        '  --definitions: not given\n' +
        '  STRATA_DEFINITIONS: not set\n' +
        `  ${path.join(elsewhere, 'strata.config.ts')} (or .js, .mjs): none\n` +
        `  ${path.join(work, 'strata.config.ts')} (or .js, .mjs): none\n`,
    );
    expect(result.stderr).toContain('hint: Run `npx assets init` to scaffold a project here');
  }, STEP_TIMEOUT_MS);
});
