import { cp, readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runCli, type RunningCli, startCli } from '../cli/run-cli.js';
import { startTestPostgres, type TestPostgres } from '../storage/embedded-postgres.js';

const SLOW_STEPS = path.join(FIXTURES, 'slow-step-definitions.mjs');

/** Every file under `dir`, relative, sorted: the tables and each partitioned asset's folder of days. */
async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
}

interface StoredEvent {
  readonly type: string;
  readonly assetKey: string | null;
  readonly message: string;
  readonly data: Record<string, unknown> | null;
}

/**
 * The work pool end to end, on a real Postgres and real processes: coordinators
 * (`assets materialize --executor queue`) and `assets worker`s, spawned from
 * the built CLI as a user starts them, killed with real signals.
 */
describe('the work pool', () => {
  let postgres: TestPostgres;
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let env: Record<string, string>;
  const workers: RunningCli[] = [];
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(() => postgres.stop());
  beforeEach(async () => {
    workspace = await makeWorkspace();
    env = {
      ...workspace.env,
      STRATA_DATABASE_URL: postgres.connectionString,
      STRATA_DATABASE_SCHEMA: postgres.uniqueSchema('pool'),
      // Every worker runs on this host: the output folder is one they all see.
      STRATA_OUTPUT_SHARED: 'true',
    };
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) worker.child.kill('SIGKILL');
    await workspace.cleanup();
  });

  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: workspace.dir, env: { ...env, ...extra } });
  const start = (args: string[], extra: Record<string, string> = {}) => startCli(args, { cwd: workspace.dir, env: { ...env, ...extra } });
  async function startWorker(extra: Record<string, string> = {}): Promise<RunningCli & { readonly name: string }> {
    const worker = start(['worker', '--concurrency', '1'], extra);
    workers.push(worker);
    await worker.waitForStderr('is taking steps');
    return Object.assign(worker, { name: `${hostname()}:${worker.child.pid}` });
  }
  async function eventsOf(runId: string, extra: Record<string, string> = {}): Promise<StoredEvent[]> {
    return (JSON.parse((await cli(['logs', runId, '--json'], extra)).stdout) as { events: StoredEvent[] }).events;
  }
  async function latestRun(extra: Record<string, string> = {}): Promise<{ runId: string; status: string }> {
    return (JSON.parse((await cli(['runs', '--json'], extra)).stdout) as { runs: { runId: string; status: string }[] }).runs[0]!;
  }

  it('runs the example on three workers, its daily partitions too, with CSVs byte-identical to an in-process run', async () => {
    await Promise.all([startWorker(), startWorker(), startWorker()]);
    const queued = await cli(['materialize', '--executor', 'queue', '--json']);
    expect(queued.stderr).not.toContain('error');
    expect(queued.code).toBe(0);
    type RunJson = { runId: string; status: string; assets: { key: string; action: string }[] };
    const result = JSON.parse(queued.stdout) as RunJson & { partitions: (RunJson & { partition: string })[] };
    // The six tables and user_trends, after a run per day of posts_daily and user_stats_daily.
    expect(result.assets.map((asset) => asset.action)).toEqual(Array(7).fill('materialized'));
    expect(result.partitions).toHaveLength(14);
    for (const run of result.partitions) expect(run.assets.map((asset) => `${asset.key}:${asset.action}`)).toEqual(['posts_daily:materialized', 'user_stats_daily:materialized']);

    const alone = await makeWorkspace();
    try {
      expect((await runCli(['materialize'], { cwd: alone.dir, env: alone.env })).code).toBe(0);
      const files = await filesUnder(alone.output);
      expect(files).toHaveLength(7 + 2 * 14);
      expect(await filesUnder(workspace.output)).toEqual(files);
      for (const file of files) expect(await readFile(path.join(workspace.output, file)), file).toEqual(await readFile(path.join(alone.output, file)));
    } finally {
      await alone.cleanup();
    }

    // Each step's success names the worker that ran it; users and posts run at once, on two of them.
    const started = workers.map((worker) => `${hostname()}:${worker.child.pid}`);
    for (const run of result.partitions) {
      const ofPartition = (await eventsOf(run.runId)).filter((event) => event.type === 'step-success');
      expect(ofPartition).toHaveLength(2);
      for (const success of ofPartition) expect(success.message).toMatch(new RegExp(` on worker (${started.join('|')})$`));
    }
    const successes = (await eventsOf(result.runId)).filter((event) => event.type === 'step-success');
    expect(successes).toHaveLength(7);
    for (const success of successes) expect(success.message).toMatch(new RegExp(` on worker (${started.join('|')})$`));
    const { workers: used } = (await latestRun()) as unknown as { workers: string[] };
    expect(used.length).toBeGreaterThanOrEqual(2);
    expect(used.every((worker) => started.includes(worker))).toBe(true);
    const table = (await cli(['runs'])).stdout.split('\n');
    expect(table[0]).toMatch(/ workers$/);
    expect(table[1]).toContain(used.join(', '));
  }, 60_000);

  it('stores the same tables through PostgresIOManager from three workers as the in-process CSV run', async () => {
    const onPostgres = { STRATA_DEFINITIONS: path.join(FIXTURES, 'example-on-postgres.mjs'), EXAMPLE_TABLES_SCHEMA: postgres.uniqueSchema('tables') };
    await Promise.all([startWorker(onPostgres), startWorker(onPostgres), startWorker(onPostgres)]);
    const run = await cli(['materialize', '--json'], onPostgres);
    expect(run.code).toBe(0);
    const versions = (json: string) => Object.fromEntries((JSON.parse(json) as { assets: { key: string; dataVersion: string }[] }).assets.map((asset) => [asset.key, asset.dataVersion]));
    const viaWorkers = versions((await cli(['status', '--json'], onPostgres)).stdout);

    const alone = await makeWorkspace();
    try {
      expect((await runCli(['materialize'], { cwd: alone.dir, env: alone.env })).code).toBe(0);
      // Equal tables give equal data versions, whichever IO manager stored them.
      expect(Object.keys(viaWorkers)).toHaveLength(9);
      expect(viaWorkers).toEqual(versions((await runCli(['status', '--json'], { cwd: alone.dir, env: alone.env })).stdout));
    } finally {
      await alone.cleanup();
    }
    const rows = await postgres.query<{ count: string }>(`SELECT count(*) AS count FROM "${onPostgres.EXAMPLE_TABLES_SCHEMA}".top_authors`);
    expect(Number(rows.rows[0]!.count)).toBe(5);
    // A table per day of each daily asset, which the workers stored.
    const days = await postgres.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE '%/%' ORDER BY table_name COLLATE "C"`,
      [onPostgres.EXAMPLE_TABLES_SCHEMA],
    );
    expect(days.rows.map((row) => row.table_name)).toEqual(['posts_daily', 'user_stats_daily'].flatMap((key) => Array.from({ length: 14 }, (_, day) => `${key}/2026-01-${String(day + 1).padStart(2, '0')}`)));
  }, 60_000);

  it("runs the daemon's scheduled job and a queued run on two workers, the default executor on Postgres", async () => {
    await Promise.all([startWorker(), startWorker()]);
    // A fresh instance: the first pass starts the schedules, the second runs the 02:00 ticks.
    expect((await cli(['daemon', '--once', '--now', '2026-01-05T01:59:00Z'])).code).toBe(0);
    const pass = await cli(['daemon', '--once', '--now', '2026-01-05T02:00:30Z', '--json']);
    expect(pass.code).toBe(0);
    const scheduled = (JSON.parse((await cli(['runs', '--json'])).stdout) as { runs: { trigger: string; status: string; tags: Record<string, string>; workers: string[] }[] }).runs;
    expect(scheduled.map((run) => [run.trigger, run.status])).toContainEqual(['schedule:daily-data-refresh', 'success']);
    // The partitioned job's run, for the day that ended, ran its steps on the workers too.
    const partitionRun = scheduled.find((run) => run.trigger === 'schedule:daily-partition-refresh')!;
    expect([partitionRun.status, partitionRun.tags['strata/partition']]).toEqual(['success', '2026-01-04']);
    expect(partitionRun.workers.length).toBeGreaterThanOrEqual(1);
    // Its users and posts run at once, each on a worker (a later run's steps, quick once a worker is warm, may all go to one).
    expect(scheduled.find((run) => run.trigger === 'schedule:daily-data-refresh')!.workers).toHaveLength(2);

    const queued = await cli(['materialize', '--select', 'users', '--force', '--queue', '--json']);
    expect(queued.code).toBe(0);
    const { runId } = JSON.parse(queued.stdout) as { runId: string };
    expect((await latestRun()).status).toBe('queued');
    expect((await cli(['daemon', '--once', '--now', '2026-01-05T02:01:00Z'])).code).toBe(0);
    const [run] = (JSON.parse((await cli(['runs', '--json'])).stdout) as { runs: { runId: string; status: string; workers: string[] }[] }).runs;
    expect(run).toMatchObject({ runId, status: 'success' });
    expect(run!.workers).toHaveLength(1);
  }, 60_000);

  it('gives the step of a worker killed with SIGKILL to another worker, and the run succeeds', async () => {
    // Its `slow` never ends by itself: however long the survivor takes to start, it is still running when killed.
    const doomed = await startWorker({ STRATA_DEFINITIONS: SLOW_STEPS, SLOW_MS: '120000' });
    const coordinator = start(['materialize', '--executor', 'queue'], { STRATA_DEFINITIONS: SLOW_STEPS, SLOW_MS: '3000' });
    await doomed.waitForStderr('▶ slow');
    // Only now a second worker: the first took `slow`, and dies holding it.
    const survivor = await startWorker({ STRATA_DEFINITIONS: SLOW_STEPS, SLOW_MS: '3000' });
    doomed.child.kill('SIGKILL');
    const run = await coordinator.done;
    expect(run.stderr).not.toContain('"level":50');
    expect(run.code).toBe(0);

    const { runId, status } = await latestRun({ STRATA_DEFINITIONS: SLOW_STEPS });
    expect(status).toBe('success');
    const events = await eventsOf(runId, { STRATA_DEFINITIONS: SLOW_STEPS });
    expect(events.some((event) => event.assetKey === 'slow' && event.message === `Worker ${doomed.name} stopped before finishing slow; dispatched it again (1 of 3 workers lost).`)).toBe(true);
    const slowSuccess = events.find((event) => event.type === 'step-success' && event.assetKey === 'slow')!;
    expect(slowSuccess.data?.worker).toBe(survivor.name);
    expect(await readFile(path.join(workspace.output, 'last.csv'), 'utf8')).toBe('n\n20\n');
  }, 60_000);

  it('has a stopping worker hand its step back, dispatched again at once and not counted as lost', async () => {
    const stopping = await startWorker({ STRATA_DEFINITIONS: SLOW_STEPS, SLOW_MS: '120000' });
    const coordinator = start(['materialize'], { STRATA_DEFINITIONS: SLOW_STEPS });
    await stopping.waitForStderr('▶ slow');
    await startWorker({ STRATA_DEFINITIONS: SLOW_STEPS, SLOW_MS: '500' });
    stopping.child.kill('SIGTERM');
    expect((await stopping.done).code).toBe(0);
    expect((await stopping.done).stderr).toContain('↩ slow');
    const run = await coordinator.done;
    expect(run.code).toBe(0);
    const events = await eventsOf((await latestRun({ STRATA_DEFINITIONS: SLOW_STEPS })).runId, { STRATA_DEFINITIONS: SLOW_STEPS });
    expect(events.filter((event) => event.message.includes('dispatched it again')).map((event) => event.message)).toEqual([
      `Worker ${stopping.name} stopped and handed slow back; dispatched it again.`,
    ]);
  }, 60_000);

  it('fails the run of a coordinator killed mid-step at the next command, and its worker stops writing for it', async () => {
    const worker = await startWorker({ STRATA_DEFINITIONS: SLOW_STEPS, SLOW_MS: '120000' });
    const coordinator = start(['materialize', '--executor', 'queue'], { STRATA_DEFINITIONS: SLOW_STEPS });
    await worker.waitForStderr('▶ slow');
    coordinator.child.kill('SIGKILL');
    await coordinator.done;

    // The next command (any) finds the run's process gone and marks it failed.
    const { status } = await latestRun({ STRATA_DEFINITIONS: SLOW_STEPS });
    expect(status).toBe('failed');
    // The worker hears of it at its next heartbeat and aborts the step: nothing is stored for the dead run.
    await worker.waitForStderr('✗ slow');
    expect(worker.child.exitCode).toBeNull();
    await expect(readFile(path.join(workspace.output, 'slow.csv'))).rejects.toThrow('ENOENT');
  }, 60_000);

  it('cancels a run from another process: the worker aborts the step, the coordinator records the run canceled', async () => {
    const worker = await startWorker({ STRATA_DEFINITIONS: SLOW_STEPS, SLOW_MS: '120000' });
    const coordinator = start(['materialize', '--executor', 'queue'], { STRATA_DEFINITIONS: SLOW_STEPS });
    await worker.waitForStderr('▶ slow');
    const { runId } = await latestRun({ STRATA_DEFINITIONS: SLOW_STEPS });
    const cancel = await cli(['cancel', runId.slice(0, 8)], { STRATA_DEFINITIONS: SLOW_STEPS });
    expect(cancel.stderr).toBe('');
    expect(cancel.stdout).toBe(`Run ${runId} was canceled.\n`);
    expect(cancel.code).toBe(0);
    expect((await coordinator.done).code).toBe(130);
    await worker.waitForStderr('✗ slow');
    const events = await eventsOf(runId, { STRATA_DEFINITIONS: SLOW_STEPS });
    expect(events.find((event) => event.type === 'step-failure')?.message).toMatch(/^slow failed: canceled: /);
    expect(events.some((event) => event.assetKey === 'last')).toBe(false);
    expect((await latestRun({ STRATA_DEFINITIONS: SLOW_STEPS })).status).toBe('canceled');
    await expect(readFile(path.join(workspace.output, 'slow.csv'))).rejects.toThrow('ENOENT');
    // A run that ended cannot be canceled again, and says so.
    const again = await cli(['cancel', runId], { STRATA_DEFINITIONS: SLOW_STEPS });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`Run ${runId} has already ended (canceled)`);
  }, 60_000);

  it('comes through Postgres restarting mid-run: the run ends, never stuck started', async () => {
    await startWorker({ STRATA_DEFINITIONS: SLOW_STEPS, SLOW_MS: '4000' });
    const coordinator = start(['materialize', '--executor', 'queue'], { STRATA_DEFINITIONS: SLOW_STEPS });
    await workers[0]!.waitForStderr('▶ slow');
    await postgres.restart(2_000);
    const run = await coordinator.done;
    const { status } = await latestRun({ STRATA_DEFINITIONS: SLOW_STEPS });
    // Resumed: the step finished on its worker while the database was down and back, and was not dispatched again.
    expect({ code: run.code, status }).toEqual({ code: 0, status: 'success' });
    const events = await eventsOf((await latestRun({ STRATA_DEFINITIONS: SLOW_STEPS })).runId, { STRATA_DEFINITIONS: SLOW_STEPS });
    expect(events.filter((event) => event.message.includes('dispatched it again'))).toEqual([]);
    expect(await readFile(path.join(workspace.output, 'last.csv'), 'utf8')).toBe('n\n20\n');
  }, 90_000);

  it('keeps a step that ends while Postgres is down: its worker records it once the database is back, and stays up', async () => {
    const worker = await startWorker({ STRATA_DEFINITIONS: SLOW_STEPS, SLOW_MS: '500' });
    const coordinator = start(['materialize', '--executor', 'queue'], { STRATA_DEFINITIONS: SLOW_STEPS });
    await worker.waitForStderr('▶ slow');
    // Down for ten times the step's wait: it ends, and its outcome waits, with no database to record it in.
    await postgres.restart(5_000);
    const run = await coordinator.done;
    const { runId, status } = await latestRun({ STRATA_DEFINITIONS: SLOW_STEPS });
    expect({ code: run.code, status }).toEqual({ code: 0, status: 'success' });
    const events = await eventsOf(runId, { STRATA_DEFINITIONS: SLOW_STEPS });
    expect(events.filter((event) => event.message.includes('dispatched it again'))).toEqual([]);
    expect({ exitCode: worker.child.exitCode, signal: worker.child.signalCode }).toEqual({ exitCode: null, signal: null });
    expect(await readFile(path.join(workspace.output, 'last.csv'), 'utf8')).toBe('n\n20\n');
  }, 90_000);

  it('never runs one asset twice at once for two coordinators started together', async () => {
    await Promise.all([startWorker({ STRATA_DEFINITIONS: SLOW_STEPS }), startWorker({ STRATA_DEFINITIONS: SLOW_STEPS })]);
    const both = await Promise.all([cli(['materialize', '--executor', 'queue', '--json'], { STRATA_DEFINITIONS: SLOW_STEPS }), cli(['materialize', '--executor', 'queue', '--json'], { STRATA_DEFINITIONS: SLOW_STEPS })]);
    expect(both.map((run) => run.code)).toEqual([0, 0]);
    // Each asset was materialized by one of them; the other found it done while it waited for the lease.
    const actions = both.map((run) => (JSON.parse(run.stdout) as { assets: { key: string; action: string }[] }).assets);
    for (const key of ['first', 'slow', 'last']) {
      const perRun = actions.map((assets) => assets.find((asset) => asset.key === key)?.action ?? 'not planned');
      expect(perRun.filter((action) => action === 'materialized'), `${key}: ${perRun.join(', ')}`).toHaveLength(1);
    }
    const history = JSON.parse((await cli(['history', 'slow', '--json'], { STRATA_DEFINITIONS: SLOW_STEPS })).stdout) as { materializations: unknown[] };
    expect(history.materializations).toHaveLength(1);
  }, 60_000);

  it('honours a pool limit of 1 across workers: the recorded steps of the pool never overlap', async () => {
    const pooled = { STRATA_DEFINITIONS: path.join(FIXTURES, 'pooled-definitions.mjs') };
    expect((await cli(['pools', 'set', 'api', '1'], pooled)).code).toBe(0);
    await Promise.all([startWorker(pooled), startWorker(pooled), startWorker(pooled)]);
    const run = await cli(['materialize', '--executor', 'queue', '--concurrency', '3'], pooled);
    expect(run.code).toBe(0);
    const events = await eventsOf((await latestRun(pooled)).runId, pooled);
    const time = (type: string, key: string) => Date.parse((events.find((event) => event.type === type && event.assetKey === key) as unknown as { time: string }).time);
    const intervals = ['a', 'b', 'c'].map((key) => [time('step-start', key), time('step-success', key)] as const).sort((x, y) => x[0] - y[0]);
    for (let index = 1; index < intervals.length; index++) expect(intervals[index]![0]).toBeGreaterThanOrEqual(intervals[index - 1]![1]);
    // Each waited 300 ms on a worker, one after another.
    expect(intervals[2]![1] - intervals[0]![0]).toBeGreaterThanOrEqual(900);
  }, 60_000);

  it('has a worker refuse a step it would run with other resource settings than its coordinator planned, naming the setting', async () => {
    const elsewhere = path.join(workspace.dir, 'source-elsewhere');
    await cp(workspace.source, elsewhere, { recursive: true });
    const worker = await startWorker({ STRATA_SOURCE_URL: elsewhere });
    const run = await cli(['materialize', '--select', 'users', '--executor', 'queue']);
    expect(run.code).toBe(1);
    const { runId, status } = await latestRun();
    expect(status).toBe('failed');
    const failure = (await eventsOf(runId)).find((event) => event.type === 'step-failure' && event.assetKey === 'users')!;
    expect(failure.message).toContain(
      `Worker ${worker.name} would run "users" with other settings than the run was planned with: placeholder_api.url (STRATA_SOURCE_URL) changed.`,
    );
    await expect(readFile(path.join(workspace.output, 'users.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 60_000);

  it('refuses an IO manager the workers cannot all see, naming the asset and the fix', async () => {
    const result = await cli(['materialize', '--executor', 'queue'], { STRATA_OUTPUT_SHARED: 'false' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"posts_daily"');
    expect(result.stderr).toContain('shared: true');
    expect((await latestRun()) ?? undefined).toBeUndefined();
  });
});
