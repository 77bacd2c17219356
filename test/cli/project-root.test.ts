import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject } from './project-workspace.js';
import { runCli } from './run-cli.js';

/**
 * The instance belongs to the project: test/fixtures/settings-project names
 * its definitions in package.json's "strata" field, and has a src/nested
 * folder to run commands from.
 */
describe('the project root anchors the instance and the outputs', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  let nested: string;
  beforeEach(async () => {
    project = await makeProject('settings-project');
    nested = path.join(project.dir, 'src', 'nested');
  });
  afterEach(() => project.cleanup());

  it('shows the same instance from a subfolder as from the root, and creates nothing there', async () => {
    expect((await runCli(['materialize'], { cwd: project.dir })).code).toBe(0);
    const fromRoot = await runCli(['status', '--json'], { cwd: project.dir });
    const fromNested = await runCli(['status', '--json'], { cwd: nested });
    expect(fromNested).toMatchObject({ code: 0, stdout: fromRoot.stdout });
    expect(JSON.parse(fromNested.stdout).assets.map((asset: { status: string }) => asset.status)).toEqual(['fresh', 'fresh']);
    expect((await runCli(['materialize'], { cwd: nested })).stdout).toBe('Everything is up to date.\n');
    expect(existsSync(path.join(nested, '.strata'))).toBe(false);
    expect(existsSync(path.join(nested, 'output'))).toBe(false);
    expect(await readFile(path.join(project.dir, 'output', 'prices.csv'), 'utf8')).toBe('cents\n100\n250\n');
  });

  it('resolves relative STRATA_HOME and STRATA_OUTPUT_DIR against the project root', async () => {
    const env = { STRATA_HOME: 'state', STRATA_OUTPUT_DIR: 'tables' };
    expect((await runCli(['materialize'], { cwd: nested, env })).code).toBe(0);
    expect(existsSync(path.join(project.dir, 'state', 'strata.db'))).toBe(true);
    expect(existsSync(path.join(project.dir, 'tables', 'converted.csv'))).toBe(true);
    expect(existsSync(path.join(nested, 'state'))).toBe(false);
  });

  it('prints the project root, definitions module, instance, output folder and versions with `assets info`', async () => {
    const info = await runCli(['info', '--json'], { cwd: nested });
    expect(info.code).toBe(0);
    const version = (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(JSON.parse(info.stdout)).toEqual({
      projectRoot: project.dir,
      definitions: path.join(project.dir, 'src', 'definitions.mjs'),
      definitionsProblem: null,
      config: null,
      instance: { kind: 'sqlite', home: path.join(project.dir, '.strata'), path: path.join(project.dir, '.strata', 'strata.db'), exists: false },
      ioManagers: [{ key: 'default', kind: 'csv', location: path.join(project.dir, 'output') }],
      versions: { strata: version, node: process.versions.node },
    });
    const plain = await runCli(['info'], { cwd: nested });
    expect(plain.stdout).toMatch(new RegExp(`project root +${project.dir}\\n`));
    expect(plain.stdout).toMatch(/instance +sqlite .*strata\.db \(not created yet\)/);
    expect(existsSync(path.join(project.dir, '.strata'))).toBe(false);
  });
});
