import { readdir, readFile } from 'node:fs/promises';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject } from './project-workspace.js';
import { makeWorkspace, runCli } from './run-cli.js';

interface StatusJson {
  assets: { key: string; reasons: string[] }[];
}

const reasonsOf = (stdout: string) => Object.fromEntries((JSON.parse(stdout) as StatusJson).assets.map((asset) => [asset.key, asset.reasons]));

/** Resource settings are inputs: a changed setting makes exactly the assets that use it `config-changed`. */
describe('resource settings as inputs', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  beforeEach(async () => {
    project = await makeProject('settings-project');
  });
  afterEach(() => project.cleanup());

  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: project.dir, env });

  it('makes the assets using a resource config-changed when one of its settings changes, naming the setting and its variable', async () => {
    expect((await cli(['materialize'], { RATE: '2' })).code).toBe(0);
    expect(reasonsOf((await cli(['status', '--json'], { RATE: '2' })).stdout)).toEqual({ prices: [], converted: [] });

    const changed = await cli(['status', '--json'], { RATE: '3' });
    expect(reasonsOf(changed.stdout)).toEqual({ prices: [], converted: ['config-changed'] });
    const why = await cli(['why', 'converted'], { RATE: '3' });
    expect(why.stdout).toBe('converted is stale:\n  - The settings converted runs with changed since it was last materialized: rates.rate (RATE) changed.\n');

    const run = await cli(['materialize', '--json'], { RATE: '3' });
    expect(JSON.parse(run.stdout).assets.map((asset: { key: string; action: string }) => [asset.key, asset.action])).toEqual([['converted', 'materialized']]);
    expect(await readFile(path.join(project.dir, 'output', 'converted.csv'), 'utf8')).toBe('cents\n300\n750\n');
  });

  it('fingerprints a secret setting without storing or printing it', async () => {
    const secret = 'sk-live-0123456789abcdef';
    await cli(['materialize'], { RATES_TOKEN: secret });
    const rotated = await cli(['why', 'converted', '--json'], { RATES_TOKEN: 'sk-live-rotated' });
    expect(JSON.parse(rotated.stdout).reasons[0]).toMatchObject({ kind: 'config-changed', settings: [{ resource: 'rates', setting: 'token', variable: 'RATES_TOKEN', change: 'modified' }] });
    expect(rotated.stdout).not.toContain('sk-live');
    // Nothing the instance keeps holds the secret in clear.
    const home = path.join(project.dir, '.strata');
    for (const file of await readdir(home)) {
      expect((await readFile(path.join(home, file))).includes(secret), `${file} holds the secret`).toBe(false);
    }
  });
});

describe('switching the example source', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());

  it('re-runs the sources when STRATA_SOURCE_URL points elsewhere, and cuts off what their unchanged tables feed', async () => {
    const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: workspace.dir, env: { ...workspace.env, ...env } });
    expect((await cli(['materialize'])).code).toBe(0);
    const copy = path.join(workspace.dir, 'same-snapshot-elsewhere');
    await cp(workspace.source, copy, { recursive: true });

    const status = await cli(['status', '--json'], { STRATA_SOURCE_URL: copy });
    expect(reasonsOf(status.stdout)).toMatchObject({ users: ['config-changed'], posts: ['config-changed'], user_stats: ['upstream-planned'] });
    expect((await cli(['why', 'posts'], { STRATA_SOURCE_URL: copy })).stdout).toMatch(/placeholder_api\.url \(STRATA_SOURCE_URL\) changed/);

    const run = await cli(['materialize', '--json'], { STRATA_SOURCE_URL: copy });
    const actions = Object.fromEntries(JSON.parse(run.stdout).assets.map((asset: { key: string; action: string }) => [asset.key, asset.action]));
    expect(actions).toEqual({ posts: 'materialized', users: 'materialized', posts_enriched: 'up-to-date', user_stats: 'up-to-date', summary: 'up-to-date', top_authors: 'up-to-date' });
  });
});
