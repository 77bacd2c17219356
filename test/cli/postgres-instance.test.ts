import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../storage/embedded-postgres.js';
import { makeProject } from './project-workspace.js';
import { makeWorkspace, runCli } from './run-cli.js';

/** STRATA_DATABASE_URL moves the instance into Postgres: the example's commands, end to end through the built CLI. */
describe('an instance in Postgres', () => {
  let postgres: TestPostgres;
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let schema: string;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(() => postgres.stop());
  beforeEach(async () => {
    workspace = await makeWorkspace();
    schema = postgres.uniqueSchema('cli');
  });
  afterEach(() => workspace.cleanup());

  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { cwd: workspace.dir, env: { ...workspace.env, STRATA_DATABASE_URL: postgres.connectionString, STRATA_DATABASE_SCHEMA: schema, ...env } });

  it('records runs and materializations there, and plans from them', async () => {
    // In the coordinator: this is about where the instance lives, not the work pool (its own tests).
    expect((await cli(['materialize', '--executor', 'in-process'])).code).toBe(0);
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { assets: { status: string }[] };
    // The example's nine assets: its six tables, user_trends, and the 14 days of posts_daily and user_stats_daily.
    expect(status.assets.map((asset) => asset.status)).toEqual(Array(9).fill('fresh'));
    expect((await cli(['materialize'])).stdout).toBe('Everything is up to date.\n');
    const runs = JSON.parse((await cli(['runs', '--json'])).stdout) as { runs: { status: string }[] };
    // One run per day, then the unpartitioned assets' run.
    expect(runs.runs.map((run) => run.status)).toEqual(Array(15).fill('success'));

    const rows = await postgres.query<{ count: string }>(`SELECT count(*) AS count FROM "${schema}".materializations`);
    expect(Number(rows.rows[0]!.count)).toBe(7 + 2 * 14);
    expect(existsSync(path.join(workspace.env.STRATA_HOME!, 'strata.db'))).toBe(false);
  });

  it('says where the instance is in `assets info`, without the password', async () => {
    const info = JSON.parse((await cli(['info', '--json'])).stdout) as { instance: { kind: string; path: string; exists: boolean | null } };
    expect(info.instance).toMatchObject({ kind: 'postgres', exists: null });
    expect(info.instance.path).toBe(`postgres://***:***@127.0.0.1:${postgres.port}/strata_test (schema ${schema})`);
  });

  it('refuses a STRATA_DATABASE_URL that is not a postgres:// URL, naming it', async () => {
    const result = await cli(['status'], { STRATA_DATABASE_URL: 'mysql://root:hunter2@db/strata' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: STRATA_DATABASE_URL must be a postgres:// URL, got "mysql://***:***@db/strata".');
    expect(result.stderr).not.toContain('hunter2');
  });

  /** test/fixtures/postgres-config-project, whose strata.config.ts names this file's Postgres as its instance: no variable set. */
  describe('named by strata.config.ts', () => {
    let project: Awaited<ReturnType<typeof makeProject>>;
    let config: string;
    const writeConfig = (instance: string) =>
      writeFile(
        config,
        `import { defineConfig } from 'strata-assets';
import definitions from './src/definitions.mjs';

export default defineConfig({ definitions, instance: ${instance} });
`,
      );
    beforeEach(async () => {
      project = await makeProject('postgres-config-project');
      config = path.join(project.dir, 'strata.config.ts');
      await writeConfig(JSON.stringify({ postgres: { url: postgres.connectionString, schema } }));
    });
    afterEach(() => project.cleanup());
    const inProject = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: project.dir, env });

    it('records runs there, and `assets runs` and `assets logs` find them through the config', async () => {
      expect((await inProject(['materialize', '--executor', 'in-process'])).code).toBe(0);
      const status = JSON.parse((await inProject(['status', '--json'])).stdout) as { assets: { status: string }[] };
      expect(status.assets.map((asset) => asset.status)).toEqual(['fresh']);
      const runs = JSON.parse((await inProject(['runs', '--json'])).stdout) as { runs: { status: string }[] };
      expect(runs.runs.map((run) => run.status)).toEqual(['success']);
      expect((await inProject(['logs', 'latest'])).code).toBe(0);
      const rows = await postgres.query<{ count: string }>(`SELECT count(*) AS count FROM "${schema}".materializations`);
      expect(Number(rows.rows[0]!.count)).toBe(1);
      expect(existsSync(path.join(project.dir, '.strata', 'strata.db'))).toBe(false);
    });

    it('shows it in `assets info`, without the password', async () => {
      const info = JSON.parse((await inProject(['info', '--json'])).stdout) as { instance: { kind: string; path: string; exists: boolean | null } };
      expect(info.instance).toMatchObject({ kind: 'postgres', exists: null });
      expect(info.instance.path).toBe(`postgres://***:***@127.0.0.1:${postgres.port}/strata_test (schema ${schema})`);
    });

    it('gives way to STRATA_DATABASE_URL', async () => {
      expect((await inProject(['materialize', '--executor', 'in-process'])).code).toBe(0);
      const elsewhere = { STRATA_DATABASE_URL: await postgres.createDatabase() };
      expect(JSON.parse((await inProject(['runs', '--json'], elsewhere)).stdout)).toMatchObject({ runs: [] });
      expect((await inProject(['materialize', '--dry-run', '--json'], elsewhere)).stdout).toContain('"key": "prices"');
    });

    it('names the file and the field of a bad instance block, for a command that loads no definitions too', async () => {
      await writeConfig(`{ postgres: { url: 'mysql://root:hunter2@db/strata', port: 3306 } }`);
      for (const command of [['status'], ['runs']]) {
        const result = await inProject(command);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(`instance.postgres.url in ${config}: expected a postgres:// URL, got a mysql: URL`);
        expect(result.stderr).toContain(`instance.postgres.port in ${config}: unknown key; the keys are url, schema`);
        expect(result.stderr).not.toContain('hunter2');
      }
    });
  });
});

describe('assets runs prune', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());
  const cli = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });

  it('deletes old runs with their events and keeps the runs that made the latest materializations', async () => {
    expect((await cli('materialize')).code).toBe(0);
    expect((await cli('materialize', '--force')).code).toBe(0);
    const pruned = await cli('runs', 'prune', '--older-than', '0s', '--json');
    expect(pruned.code).toBe(0);
    // Each materialize is 15 runs (a run per day of the daily assets, then the rest): the first 15 go, with the 35 materializations they made.
    expect(JSON.parse(pruned.stdout)).toMatchObject({ runs: 15, materializations: 7 + 2 * 14 });
    expect(JSON.parse(pruned.stdout).events).toBeGreaterThan(0);
    const runs = JSON.parse((await cli('runs', '--json')).stdout) as { runs: unknown[] };
    expect(runs.runs).toHaveLength(15);
    expect((await cli('materialize')).stdout).toBe('Everything is up to date.\n');
    expect((await cli('runs', 'prune', '--older-than', '30d')).stdout).toMatch(/^Pruned 0 runs that started before \S+, with 0 events and 0 materializations\.\n$/);
  });

  it('needs --older-than, and --older-than needs prune', async () => {
    expect(await cli('runs', 'prune')).toMatchObject({ code: 2, stderr: expect.stringContaining('`assets runs prune` needs --older-than.') });
    expect(await cli('runs', '--older-than', '1d')).toMatchObject({ code: 2, stderr: expect.stringContaining('--older-than goes with `assets runs prune`.') });
  });
});
