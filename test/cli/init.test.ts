import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownDependencySpec } from '../../src/cli/init-templates/own-dependency-spec.js';
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

  it('scaffolds a new project in the folder it is given, on the versions strata-assets is tested with, depending on the clone that ran it', async () => {
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
      // Run from a clone, the project depends on that clone: `^0.1.0` may not be on the registry.
      dependencies: { 'strata-assets': `file:${path.relative(await realpath(project), await realpath(ROOT))}`, zod: strata.dependencies.zod },
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
      dependencies: { 'strata-assets': 'file:../strata-assets-0.1.0.tgz' },
      devDependencies: { typescript: '^7.1.0' },
    };
    await writeFile(path.join(dir, 'package.json'), JSON.stringify(npmInit, null, 2));
    const result = await runCli(['init'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'))).toEqual({
      ...npmInit,
      type: 'module',
      scripts: { test: 'vitest run', lint: 'eslint .', materialize: 'assets materialize', typecheck: 'tsc --noEmit' },
      dependencies: { 'strata-assets': 'file:../strata-assets-0.1.0.tgz', zod: strata.dependencies.zod },
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
    await symlink(ROOT, path.join(dir, 'node_modules', 'strata-assets'));
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

/**
 * The strata-assets dependency a project without one gets: a spec under
 * which `npm install` brings back the copy that ran `assets init`. Each case
 * lays out a copy as npm would have installed it, with npm's lockfiles.
 */
describe('the strata-assets dependency assets init writes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(path.join(tmpdir(), 'strata-spec-')));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A copy at `<dir>/shop/<packagePath>`, and `lockfiles` (name -> the `packages` entries) in `<dir>/shop`. */
  async function installed(packagePath: string, lockfiles: Record<string, Record<string, object>>): Promise<string> {
    const root = path.join(dir, 'shop', packagePath);
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, 'package.json'), JSON.stringify({ name: 'strata-assets', version: '0.3.1' }));
    for (const [name, packages] of Object.entries(lockfiles)) {
      await mkdir(path.dirname(path.join(dir, 'shop', name)), { recursive: true });
      await writeFile(path.join(dir, 'shop', name), JSON.stringify({ name: 'shop', lockfileVersion: 3, packages }));
    }
    return root;
  }

  it('is file: the tarball npm recorded, relative to the new project, for a copy installed from a tarball', async () => {
    const root = await installed('node_modules/strata-assets', { 'node_modules/.package-lock.json': { 'node_modules/strata-assets': { version: '0.3.1', resolved: 'file:../strata-assets-0.3.1.tgz' } } });
    expect(await ownDependencySpec(root, '0.3.1', path.join(dir, 'shop', 'pipelines', 'daily'))).toBe('file:../../../strata-assets-0.3.1.tgz');
    expect(await ownDependencySpec(root, '0.3.1', path.join(dir, 'shop'))).toBe('file:../strata-assets-0.3.1.tgz');
  });

  it('reads the hidden lockfile before package-lock.json, which an install may not have rewritten', async () => {
    const root = await installed('node_modules/strata-assets', {
      'package-lock.json': { 'node_modules/strata-assets': { resolved: 'file:old/strata-assets-0.3.0.tgz' } },
      'node_modules/.package-lock.json': { 'node_modules/strata-assets': { resolved: 'file:new/strata-assets-0.3.1.tgz' } },
    });
    expect(await ownDependencySpec(root, '0.3.1', path.join(dir, 'shop'))).toBe('file:new/strata-assets-0.3.1.tgz');
  });

  it('finds a copy nested under another package by its full lockfile path', async () => {
    const root = await installed('node_modules/tool/node_modules/strata-assets', {
      'package-lock.json': { 'node_modules/tool/node_modules/strata-assets': { resolved: 'file:vendor/strata-assets-0.3.1.tgz' } },
    });
    expect(await ownDependencySpec(root, '0.3.1', path.join(dir, 'next'))).toBe('file:../shop/vendor/strata-assets-0.3.1.tgz');
  });

  it('is ^ its version for a copy from the registry: a registry URL, no resolved at all, or no npm lockfile', async () => {
    const fromUrl = await installed('node_modules/strata-assets', {
      'node_modules/.package-lock.json': { 'node_modules/strata-assets': { resolved: 'https://registry.example.com/strata-assets/-/strata-assets-0.3.1.tgz' } },
    });
    expect(await ownDependencySpec(fromUrl, '0.3.1', path.join(dir, 'next'))).toBe('^0.3.1');
    await rm(path.join(dir, 'shop'), { recursive: true });
    // npm's omit-lockfile-registry-resolved leaves registry packages without `resolved`.
    const omitted = await installed('node_modules/strata-assets', { 'package-lock.json': { 'node_modules/strata-assets': { version: '0.3.1' } } });
    expect(await ownDependencySpec(omitted, '0.3.1', path.join(dir, 'next'))).toBe('^0.3.1');
    await rm(path.join(dir, 'shop'), { recursive: true });
    const pnpm = await installed('node_modules/.pnpm/strata-assets@0.3.1/node_modules/strata-assets', {});
    expect(await ownDependencySpec(pnpm, '0.3.1', path.join(dir, 'next'))).toBe('^0.3.1');
  });

  it('keeps a git source npm recorded as it is', async () => {
    const root = await installed('node_modules/strata-assets', { 'package-lock.json': { 'node_modules/strata-assets': { resolved: 'git+ssh://git@example.com/team/strata.git#0123abc' } } });
    expect(await ownDependencySpec(root, '0.3.1', path.join(dir, 'next'))).toBe('git+ssh://git@example.com/team/strata.git#0123abc');
  });

  it('is file: the folder for a copy outside node_modules, through a symlink too, even before the project folder exists', async () => {
    const clone = path.join(dir, 'src', 'strata');
    await mkdir(clone, { recursive: true });
    await symlink(clone, path.join(dir, 'linked'));
    expect(await ownDependencySpec(path.join(dir, 'linked'), '0.3.1', path.join(dir, 'work', 'not-yet', 'pipeline'))).toBe('file:../../../src/strata');
  });
});
