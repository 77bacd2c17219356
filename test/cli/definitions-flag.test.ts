import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { makeProject } from './project-workspace.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

const FLAKY = path.join(FIXTURES, 'flaky-definitions.mjs');

/**
 * One command line's `--definitions` works with every command, so a user (or
 * a shell alias, or a Makefile variable) can pass it everywhere. Commands that
 * read no definitions accept it; `runs` and `logs` still check the path.
 */
describe('--definitions on every command', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeAll(async () => {
    workspace = await makeWorkspace();
  });
  afterAll(() => workspace.cleanup());
  const assets = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });

  for (const name of Object.keys(COMMANDS)) {
    it(`assets ${name} accepts --definitions`, async () => {
      const result = await assets(name, '--definitions', FLAKY, '--help');
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toContain('--definitions');
    });
  }

  it('lists runs and shows their logs with --definitions, as after a materialize with it', async () => {
    expect((await assets('materialize', '--definitions', FLAKY)).code).toBe(0);
    const runs = await assets('runs', '--definitions', FLAKY);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/^[0-9a-f]{8}\s+success\s/m);
    const logs = await assets('logs', 'latest', '--definitions', FLAKY);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/^Run \S+ success: 2 materialized$/m);
  });

  it('rejects a --definitions path that does not exist, even where definitions are not read', async () => {
    for (const args of [['runs'], ['logs', 'latest']]) {
      const result = await assets(...args, '--definitions', 'no-such-module.ts');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: Definitions module not found: .*no-such-module\.ts \(from --definitions no-such-module\.ts\)/);
    }
  });
});

/**
 * `--definitions` names a module of a project whose strata.config.* sets
 * its resources and instance (settings-project: `converted` multiplies
 * `prices` by the `rates` resource's rate). The config belongs to the
 * project, as dbt's project settings do whichever models a command names:
 * the module runs with its settings, in this process and in worker threads,
 * and a plain run of the project finds what it stored up to date.
 */
describe('--definitions of a module in a project with a strata.config', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  beforeEach(async () => {
    project = await makeProject('settings-project');
    await writeFile(
      path.join(project.dir, 'strata.config.mjs'),
      "import { defineConfig } from 'strata-assets';\nimport definitions from './src/definitions.mjs';\n\nexport default defineConfig({ definitions, resources: { rates: { rate: 2 } } });\n",
    );
  });
  afterEach(() => project.cleanup());
  const assets = (...args: string[]) => runCli(args, { cwd: project.dir });
  const converted = () => readFile(path.join(project.dir, 'output', 'converted.csv'), 'utf8');

  for (const executor of ['in-process', 'workers']) {
    it(`runs the module with the config's resource settings (--executor ${executor}), as a plain run of the project does`, async () => {
      const run = await assets('materialize', '--definitions', 'src/definitions.mjs', '--executor', executor);
      expect(run.code, run.stderr).toBe(0);
      expect(await converted()).toBe('cents\n200\n500\n');
      const plain = await assets('materialize');
      expect([plain.code, plain.stdout]).toEqual([0, 'Everything is up to date.\n']);
    });
  }

  it('names the config whose settings apply in assets info, with --definitions of another module of the project as without it', async () => {
    const config = path.join(project.dir, 'strata.config.mjs');
    for (const args of [['--definitions', 'src/definitions.mjs'], []]) {
      const json = await assets('info', ...args, '--json');
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ config });
      const text = await assets('info', ...args);
      expect(text.stdout).toMatch(new RegExp(`^config +${config}$`, 'm'));
    }
    // Named apart from any project with a config, a module runs with its own settings: none applies.
    const alone = await runCli(['info', '--definitions', FLAKY, '--json'], { cwd: project.dir });
    expect(JSON.parse(alone.stdout)).toMatchObject({ definitions: FLAKY, config: null });
    expect((await runCli(['info', '--definitions', FLAKY], { cwd: project.dir })).stdout).toMatch(/^config +none$/m);
  });

  it('uses the instance the config names, for commands that load definitions and for those that do not', async () => {
    await writeFile(
      path.join(project.dir, 'strata.config.mjs'),
      "import { defineConfig } from 'strata-assets';\nimport definitions from './src/definitions.mjs';\n\nexport default defineConfig({ definitions, instance: { postgres: { url: 'postgres://strata@127.0.0.1:1/pipelines' } } });\n",
    );
    const info = await assets('info', '--definitions', 'src/definitions.mjs', '--json');
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout).instance).toMatchObject({ kind: 'postgres' });
    // Nothing listens on port 1: runs tries the config's database rather than listing an SQLite instance of its own.
    const runs = await assets('runs', '--definitions', 'src/definitions.mjs');
    expect(runs.code).toBe(2);
    expect(runs.stderr).toMatch(/^error: Cannot open the instance database postgres:\/\/strata@127\.0\.0\.1:1\/pipelines/);
  });
});
