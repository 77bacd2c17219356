import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../package/run-command.js';
import { runCli } from './run-cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCAFFOLD = ['.gitignore', 'README.md', 'data/orders.csv', 'package.json', 'src/assets.ts', 'strata.config.ts', 'test/assets.test.ts', 'tsconfig.json'];

async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = path.posix.join(prefix, entry.name);
    if (entry.name === 'node_modules') continue;
    if (entry.isDirectory()) found.push(...(await filesUnder(dir, relative)));
    else found.push(relative);
  }
  return found.sort();
}

describe('assets init', () => {
  let dir: string;
  let strata: { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-init-'));
    strata = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as typeof strata;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('scaffolds a new project in the folder it is given, with a package.json on the versions strata is tested with', async () => {
    const result = await runCli(['init', 'my pipeline'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const project = path.join(dir, 'my pipeline');
    expect(await filesUnder(project)).toEqual(SCAFFOLD);
    expect(JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8'))).toEqual({
      name: 'my-pipeline',
      version: '0.1.0',
      private: true,
      type: 'module',
      scripts: { materialize: 'assets materialize', test: 'vitest run', typecheck: 'tsc --noEmit' },
      dependencies: { strata: `^${strata.version}`, zod: strata.dependencies.zod },
      devDependencies: { '@types/node': strata.devDependencies['@types/node'], typescript: strata.devDependencies.typescript, vitest: strata.devDependencies.vitest },
      allowScripts: { 'better-sqlite3': true, esbuild: true },
    });
    expect(result.stdout).toContain(`Created a Strata project in ${project}:\n  package.json  new\n`);
    expect(result.stdout).toContain('Next:\n  cd my pipeline\n  npm install ');
    expect(await readFile(path.join(project, 'README.md'), 'utf8')).toMatch(/^# my-pipeline\n[\s\S]*npx assets materialize[\s\S]*npm test/);
  });

  it('completes the package.json that npm init and npm install wrote, keeping what the user set', async () => {
    const npmInit = {
      name: 'shop',
      version: '1.0.0',
      main: 'index.js',
      scripts: { test: 'echo "Error: no test specified" && exit 1', lint: 'eslint .' },
      type: 'commonjs',
      dependencies: { strata: 'file:../strata-0.1.0.tgz' },
      devDependencies: { typescript: '^7.1.0' },
    };
    await writeFile(path.join(dir, 'package.json'), JSON.stringify(npmInit, null, 2));
    const result = await runCli(['init'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'))).toEqual({
      ...npmInit,
      type: 'module',
      scripts: { test: 'vitest run', lint: 'eslint .', materialize: 'assets materialize', typecheck: 'tsc --noEmit' },
      dependencies: { strata: 'file:../strata-0.1.0.tgz', zod: strata.dependencies.zod },
      devDependencies: { typescript: '^7.1.0', '@types/node': strata.devDependencies['@types/node'], vitest: strata.devDependencies.vitest },
      allowScripts: { 'better-sqlite3': true, esbuild: true },
    });
    expect(result.stdout).toContain(
      '  package.json  completed: "type": "module" (was "commonjs"); scripts: materialize, test, typecheck; dependencies: zod; devDependencies: @types/node, vitest; allowScripts: better-sqlite3, esbuild\n',
    );
    expect(result.stdout).not.toContain('  cd ');
  });

  it('refuses to overwrite any file, naming them, and writes nothing', async () => {
    await mkdir(path.join(dir, 'src'));
    await writeFile(path.join(dir, 'src', 'assets.ts'), 'mine');
    await writeFile(path.join(dir, 'README.md'), 'mine too');
    const result = await runCli(['init'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: ${dir} already has README.md, src/assets.ts; \`assets init\` never overwrites files.\nhint: Run it in an empty folder (\`assets init DIR\` creates one), or move those files aside first.\n`,
    );
    expect(await filesUnder(dir)).toEqual(['README.md', 'src/assets.ts']);
    expect(await readFile(path.join(dir, 'src', 'assets.ts'), 'utf8')).toBe('mine');
  });

  it('names a package.json it cannot complete', async () => {
    await writeFile(path.join(dir, 'package.json'), '{ "name": ');
    const result = await runCli(['init'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^error: ${path.join(dir, 'package.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON \\(.*\\), so \`assets init\` cannot complete it\\.$`, 'm'));
    expect(await filesUnder(dir)).toEqual(['package.json']);
  });

  it('scaffolds a project whose assets materialize, typecheck and pass their test at once', async () => {
    await runCli(['init'], { cwd: dir });
    await mkdir(path.join(dir, 'node_modules', '@types'), { recursive: true });
    await symlink(ROOT, path.join(dir, 'node_modules', 'strata'));
    for (const name of ['zod', 'vitest', '@types/node']) await symlink(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));

    const tsc = await runCommand(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit'], { cwd: dir });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
    const tests = await runCommand(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: dir });
    expect(tests.stdout).toMatch(/Tests +2 passed \(2\)/);
    expect(tests.code).toBe(0);

    const materialized = await runCli(['materialize', '--json'], { cwd: dir });
    expect(materialized.code).toBe(0);
    expect(JSON.parse(materialized.stdout)).toMatchObject({ status: 'success', assets: [{ key: 'orders', rows: 5 }, { key: 'customer_totals', rows: 3 }] });
    expect(await readFile(path.join(dir, 'output', 'customer_totals.csv'), 'utf8')).toBe('customer,orders,total\ngrace,2,32.25\nada,2,20\nlinus,1,5\n');
    expect((await runCli(['materialize'], { cwd: dir })).stdout).toBe('Everything is up to date.\n');

    // Editing the shipped CSV makes orders stale, through its observe hash.
    await writeFile(path.join(dir, 'data', 'orders.csv'), `${await readFile(path.join(dir, 'data', 'orders.csv'), 'utf8')}6,linus,1\n`);
    const afterEdit = await runCli(['materialize', '--json'], { cwd: dir });
    expect(JSON.parse(afterEdit.stdout)).toMatchObject({ assets: [{ key: 'orders', reasons: ['upstream-changed'] }, { key: 'customer_totals', action: 'materialized' }] });
    expect(await readFile(path.join(dir, 'output', 'customer_totals.csv'), 'utf8')).toBe('customer,orders,total\ngrace,2,32.25\nada,2,20\nlinus,2,6\n');
  });

  it('has help with examples', async () => {
    const result = await runCli(['init', '--help'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('assets init [DIR]');
    expect(result.stdout).toContain('assets init my-pipeline');
  });
});
