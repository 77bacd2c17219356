import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

interface RunJson {
  runId: string;
  status: string;
  trigger: string;
  tags: Record<string, string>;
  parentRunId: string | null;
}

/** Run tags through the built CLI: given with --tag or by automation, found with `assets runs --tag`, shown everywhere a run is. */
describe('run tags', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let env: Record<string, string>;
  const assets = (...args: string[]) => runCli(args, { cwd: workspace.dir, env });
  const listed = async (...args: string[]) => (JSON.parse((await assets('runs', '--json', ...args)).stdout) as { runs: RunJson[] }).runs;

  beforeEach(async () => {
    workspace = await makeWorkspace();
    env = { ...workspace.env, STRATA_DEFINITIONS: path.join(FIXTURES, 'gated-step-definitions.mjs') };
  });
  afterEach(() => workspace.cleanup());

  it('records --tag flags with the run and shows them in runs, logs and --json', async () => {
    const run = await assets('materialize', '--tag', 'team=growth', '--tag', 'ticket=42', '--tag', 'note=a=b', '--json');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as RunJson;
    expect(result.tags).toEqual({ team: 'growth', ticket: '42', note: 'a=b' });
    expect(result.parentRunId).toBeNull();

    const table = await assets('runs');
    expect(table.stdout.split('\n')[0]).toMatch(/ tags\s*$/);
    expect(table.stdout).toContain('note=a=b, team=growth, ticket=42');
    expect((await listed()).map((listedRun) => listedRun.tags)).toEqual([{ team: 'growth', ticket: '42', note: 'a=b' }]);

    const logs = await assets('logs', 'latest');
    expect(logs.stdout).toContain('\n  tags note=a=b, team=growth, ticket=42\n');
    const logsJson = JSON.parse((await assets('logs', 'latest', '--json')).stdout) as { run: RunJson };
    expect(logsJson.run.tags).toEqual({ team: 'growth', ticket: '42', note: 'a=b' });
  });

  it('lists only the runs carrying every --tag asked for', async () => {
    const ids: Record<string, string> = {};
    for (const [name, tags] of [['growth-42', ['team=growth', 'ticket=42']], ['growth', ['team=growth']], ['data-42', ['team=data', 'ticket=42']]] as const) {
      const run = await assets('materialize', '--force', ...tags.flatMap((tag) => ['--tag', tag]), '--json');
      ids[name] = (JSON.parse(run.stdout) as RunJson).runId;
    }
    expect((await listed('--tag', 'team=growth')).map((run) => run.runId)).toEqual([ids.growth, ids['growth-42']]);
    expect((await listed('--tag', 'team=growth', '--tag', 'ticket=42')).map((run) => run.runId)).toEqual([ids['growth-42']]);
    expect((await listed('--tag', 'ticket=42', '--limit', '1')).map((run) => run.runId)).toEqual([ids['data-42']]);
    const none = await assets('runs', '--tag', 'team=sales');
    expect({ code: none.code, stdout: none.stdout }).toEqual({ code: 0, stdout: 'No runs recorded with tag team=sales.\n' });
  });

  it('tags a queued run of a partition with strata/partition when it is queued, and keeps it once a daemon runs it', async () => {
    const days = path.join(workspace.dir, 'days');
    await mkdir(days);
    for (const day of ['2026-01-01', '2026-01-02']) await writeFile(path.join(days, `${day}.json`), '[1]');
    env = { ...env, STRATA_DEFINITIONS: path.join(FIXTURES, 'lagged-partitions-definitions.mjs'), LAGGED_SOURCE: days };
    const queued = await assets('materialize', '--select', 'readings_daily', '--partition', '2026-01-02', '--queue', '--tag', 'team=growth', '--json');
    expect(queued.code, queued.stderr).toBe(0);
    const { runId } = JSON.parse(queued.stdout) as RunJson;
    expect((await listed('--tag', 'strata/partition=2026-01-02')).map((run) => [run.runId, run.tags])).toEqual([[runId, { team: 'growth', 'strata/partition': '2026-01-02' }]]);

    expect((await assets('daemon', '--once')).code).toBe(0);
    const [ran] = await listed('--tag', 'strata/partition=2026-01-02');
    expect(ran).toMatchObject({ runId, status: 'success', tags: { team: 'growth', 'strata/partition': '2026-01-02' } });
  });

  it('refuses a tag that is not key=value, a reserved key, or one key with two values', async () => {
    const cases: [string[], RegExp][] = [
      [['materialize', '--tag', 'team'], /^error: --tag must be key=value, got "team"\.\nhint: /],
      [['materialize', '--tag', '=growth'], /^error: --tag "=growth": tag keys cannot be empty\.\n/],
      [['materialize', '--tag', 'strata/schedule=x'], /^error: --tag "strata\/schedule=x": tag key "strata\/schedule" starts with "strata\/", which Strata reserves for its own tags\.\n/],
      [['materialize', '--tag', 'team=a', '--tag', 'team=b'], /^error: --tag gives "team" two values: "a" and "b"\.\n/],
      [['runs', '--tag', 'nope'], /^error: --tag must be key=value, got "nope"\.\n/],
      [['runs', 'prune', '--older-than', '1d', '--tag', 'a=b'], /^error: --tag goes with `assets runs`, not `assets runs prune`\.\n/],
    ];
    for (const [args, message] of cases) {
      const refused = await assets(...args);
      expect({ args, code: refused.code, stdout: refused.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(refused.stderr).toMatch(message);
    }
    expect(await listed()).toEqual([]);
  });

  it("gives a job's runs the job's tags, under those given on the command line", async () => {
    const run = JSON.parse((await assets('materialize', '--job', 'through-gated', '--tag', 'ticket=7', '--json')).stdout) as RunJson;
    expect(run.tags).toEqual({ team: 'data', ticket: '7' });
    const overridden = JSON.parse((await assets('materialize', '--job', 'through-gated', '--tag', 'team=growth', '--json')).stdout) as { runId: string | null };
    // Nothing was stale: no run, so nothing to tag.
    expect(overridden.runId).toBeNull();
    await assets('wipe', 'first', '--yes');
    const forced = JSON.parse((await assets('materialize', '--job', 'through-gated', '--tag', 'team=growth', '--json')).stdout) as RunJson;
    expect(forced.tags).toEqual({ team: 'growth' });
  });

  it('tags the runs of schedules and sensors with their own tags, the job\'s, and strata/schedule or strata/sensor', async () => {
    env = { ...env, STRATA_DEFINITIONS: path.join(FIXTURES, 'tagged-automation-definitions.mjs') };
    expect((await assets('daemon', '--once', '--now', '2026-01-05T01:59:00Z')).code).toBe(0);
    expect((await assets('daemon', '--once', '--now', '2026-01-05T02:00:30Z')).code).toBe(0);
    const runs = await listed();
    expect(runs.map((run) => [run.trigger, run.tags])).toEqual([
      // The schedule's team replaces the job's.
      ['schedule:nightly', { team: 'night-shift', tier: 'gold', 'strata/schedule': 'nightly' }],
      ['sensor:poke', { ticket: '7', 'strata/sensor': 'poke' }],
    ]);
    expect((await listed('--tag', 'strata/schedule=nightly')).map((run) => run.trigger)).toEqual(['schedule:nightly']);
    expect((await listed('--tag', 'strata/sensor=poke')).map((run) => run.trigger)).toEqual(['sensor:poke']);

    // Rerun from the command line, the run keeps its tags but not the one saying a schedule launched it.
    expect((await assets('rerun', runs[0]!.runId)).code).toBe(0);
    const [rerun] = await listed();
    expect(rerun).toMatchObject({ trigger: 'cli', parentRunId: runs[0]!.runId, tags: { team: 'night-shift', tier: 'gold' } });
  });
});
