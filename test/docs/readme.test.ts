import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaffoldFiles } from '../../src/cli/init-templates/scaffold-files.js';
import { runCli } from '../cli/run-cli.js';
import { runCommand } from '../package/run-command.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = path.join(ROOT, 'README.md');

/** The README's sections on using Strata: every ```ts block in them whose first line names its file. */
async function readmeFiles(): Promise<Map<string, string>> {
  const text = await readFile(README, 'utf8');
  const start = text.indexOf('## Use Strata in your project\n');
  const end = text.indexOf('\n## ', text.indexOf('## Writing assets\n'));
  expect(start).toBeGreaterThan(-1);
  const sections = text.slice(start, end === -1 ? undefined : end);
  const files = new Map<string, string>();
  for (const match of sections.matchAll(/```ts\n\/\/ (\S+)\n([\s\S]*?)```/g)) files.set(match[1]!, `// ${match[1]}\n${match[2]}`);
  return files;
}

/**
 * The code of "Use Strata in your project" and "Writing assets", written out
 * as the project it describes and run as a user would: typechecked,
 * materialized by the CLI, configured from the config file, the environment
 * and package.json, and its test run with vitest. `strata-assets` resolves to
 * this repository (built), as an installed copy would.
 */
describe('the README\'s code', () => {
  let dir: string;
  let files: Map<string, string>;
  beforeAll(async () => {
    files = await readmeFiles();
    dir = await mkdtemp(path.join(tmpdir(), 'strata-readme-'));
    for (const [file, content] of files) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), content);
    }
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'readme-example', private: true, type: 'module' }));
    const tsconfig = scaffoldFiles('readme-example').find((file) => file.path === 'tsconfig.json')!;
    await writeFile(path.join(dir, 'tsconfig.json'), tsconfig.content);
    await mkdir(path.join(dir, 'node_modules', '@types'), { recursive: true });
    await symlink(ROOT, path.join(dir, 'node_modules', 'strata-assets'));
    for (const name of ['zod', 'vitest', '@types/node']) await symlink(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('installs and imports the package by the name it is published under', async () => {
    const { name, version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
    const text = await readFile(README, 'utf8');
    expect(text).toMatch(new RegExp(`^npm install ${name} +# or a packed tarball: npm install \\./${name}-${version}\\.tgz$`, 'm'));
    // Every import of Strata, in the README and in what `assets init` writes, by that name (`strata` alone is another package).
    const strataImports = (code: string) => [...code.matchAll(/from '(strata[^']*)';/g)].map((match) => match[1]);
    expect(new Set(strataImports(text))).toEqual(new Set([name]));
    expect(new Set(scaffoldFiles('x').flatMap((file) => strataImports(file.content)))).toEqual(new Set([name]));
  });

  it('holds the whole example project', () => {
    expect([...files.keys()].sort()).toEqual(['src/definitions.ts', 'src/fx.ts', 'src/orders.ts', 'src/totals.ts', 'strata.config.ts', 'test/totals.test.ts']);
  });

  it('typechecks', async () => {
    const result = await runCommand(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('materializes with the CLI, the resource configured by strata.config.ts', async () => {
    const result = await runCli(['materialize', '--json'], { cwd: dir });
    expect(result.stderr).not.toMatch(/error/);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'success', assets: [{ key: 'orders', action: 'materialized' }, { key: 'totals', action: 'materialized' }] });
    expect(await readFile(path.join(dir, 'output', 'totals.csv'), 'utf8')).toBe('customer,total_eur\nada,19.25\ngrace,27\n');
  });

  it('stops before running when the variable of a setting is invalid, naming it', async () => {
    const result = await runCli(['materialize', '--force'], { cwd: dir, env: { FX_USD_TO_EUR: 'a lot' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('resource "fx": FX_USD_TO_EUR: Invalid input: expected number, received NaN');
  });

  it('runs the test with vitest', async () => {
    const result = await runCommand(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: dir });
    expect(result.stdout).toMatch(/1 passed/);
    expect(result.code).toBe(0);
  });

  it('finds the definitions through the package.json field it shows, settings then from the environment', async () => {
    const field = /`("strata": \{ "definitions": "[^"]+" \})`/.exec(await readFile(README, 'utf8'))?.[1];
    expect(field).toBeDefined();
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ ...manifest, ...(JSON.parse(`{${field}}`) as object) }));
    await rename(path.join(dir, 'strata.config.ts'), path.join(dir, 'strata.config.ts.off'));

    const unset = await runCli(['materialize', '--force'], { cwd: dir });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('resource "fx": usdToEur is required: set FX_USD_TO_EUR, or resources.fx.usdToEur in the config file');

    const result = await runCli(['materialize', '--force', '--json'], { cwd: dir, env: { FX_USD_TO_EUR: '0.5' } });
    expect(result.code).toBe(0);
    expect(await readFile(path.join(dir, 'output', 'totals.csv'), 'utf8')).toBe('customer,total_eur\nada,16.25\ngrace,15\n');
  });
});
