import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoredRunEvent } from '../../src/storage/instance-storage.js';
import { PostgresInstanceStorage } from '../../src/storage/postgres-instance-storage.js';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { FIXTURES, makeWorkspace, runCli, startCli } from '../cli/run-cli.js';
import { startTestPostgres, type TestPostgres } from '../storage/embedded-postgres.js';

const DEFINITIONS = path.join(FIXTURES, 'pool-definitions.mjs');

/** A step as its run recorded it: from its step-start to its step-success. */
interface StepInterval {
  readonly runId: string;
  readonly assetKey: string;
  readonly start: number;
  readonly end: number;
}

/** The steps of pool `api` (the fixture's `call_*` assets) in these events. */
function intervals(events: readonly StoredRunEvent[]): StepInterval[] {
  const starts = new Map<string, number>();
  const found: StepInterval[] = [];
  for (const event of events) {
    if (event.assetKey === null || !event.assetKey.startsWith('call_')) continue;
    const id = `${event.runId}/${event.assetKey}`;
    if (event.type === 'step-start') starts.set(id, event.time.getTime());
    if (event.type === 'step-success') found.push({ runId: event.runId, assetKey: event.assetKey, start: starts.get(id)!, end: event.time.getTime() });
  }
  return found;
}

/** Fails naming the two steps when any step started before the one started just before it had ended. */
function expectNoOverlap(steps: StepInterval[]): void {
  steps.sort((a, b) => a.start - b.start);
  for (let index = 1; index < steps.length; index++) {
    const [before, after] = [steps[index - 1]!, steps[index]!];
    // Event times are milliseconds: a step may start in the millisecond the one before it ended.
    expect(after.start, `${after.runId}/${after.assetKey} started before ${before.runId}/${before.assetKey} ended`).toBeGreaterThanOrEqual(before.end);
  }
}

const runIdOf = (stdout: string) => (JSON.parse(stdout) as { runId: string }).runId;

/** Real `assets materialize` processes sharing one SQLite instance, with assets in pool `api`. */
describe('pool limits across runs', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());

  const materialize = (env: Record<string, string>, ...args: string[]) =>
    startCli(['materialize', '--json', '--force', '--definitions', DEFINITIONS, ...args], { cwd: workspace.dir, env: { ...workspace.env, ...env } });

  async function withStorage<T>(read: (storage: SqliteInstanceStorage) => Promise<T>): Promise<T> {
    const storage = await SqliteInstanceStorage.open({ home: workspace.env.STRATA_HOME! });
    try {
      return await read(storage);
    } finally {
      await storage.close();
    }
  }

  async function setLimit(limit: string): Promise<void> {
    const set = await runCli(['pools', 'set', 'api', limit, '--definitions', DEFINITIONS], { cwd: workspace.dir, env: workspace.env });
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
  }

  it('never runs two steps of a pool limited to 1 at once, across two processes, one of them on worker threads', async () => {
    await setLimit('1');
    // Both runs could otherwise run two steps at once each (concurrency 2), and each other's steps too (--force).
    const first = materialize({}, '--concurrency', '2');
    const second = materialize({}, '--concurrency', '2', '--executor', 'workers');
    const runs = await Promise.all([first.done, second.done]);
    for (const run of runs) expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });

    const steps = await withStorage(async (storage) => intervals((await Promise.all(runs.map((run) => storage.runEvents(runIdOf(run.stdout))))).flat()));
    expect(steps).toHaveLength(6);
    expectNoOverlap(steps);
    // One of the runs waited for the other's slot at least once, and said so.
    expect(runs.map((run) => run.stderr).join('')).toMatch(/Waiting for a slot in pool api \(1 of 1 in use by run [0-9a-f-]+\)/);
  });

  it('runs the steps of a pool without a limit at once', async () => {
    const run = await materialize({ TEST_DELAY_MS: '500' }, '--concurrency', '3').done;
    expect(run.code).toBe(0);
    const steps = await withStorage(async (storage) => intervals(await storage.runEvents(runIdOf(run.stdout))));
    const latestStart = Math.max(...steps.map((step) => step.start));
    const earliestEnd = Math.min(...steps.map((step) => step.end));
    expect(latestStart).toBeLessThan(earliestEnd);
  });

  it('gives the slot of a run killed with SIGKILL to the next run at once, and keeps none after it', async () => {
    await setLimit('1');
    const doomed = materialize({ TEST_MODE: 'hang' }, '--select', 'call_a');
    await doomed.waitForStderr('POOL_STEP call_a');
    const held = await withStorage((storage) => storage.poolSlots(new Date()));
    expect(held.map((slot) => [slot.pool, slot.assetKey])).toEqual([['api', 'call_a']]);
    doomed.child.kill('SIGKILL');
    await doomed.done;

    const next = await materialize({}, '--select', 'call_b').done;
    expect(next.code).toBe(0);
    // Taken over from the dead process without waiting for the slot to expire.
    expect(next.stderr).not.toMatch(/Waiting for a slot/);
    expect(await withStorage((storage) => storage.poolSlots(new Date()))).toEqual([]);
  });
});

/** The same limit on a Postgres instance, where the processes could as well be on different hosts. */
describe('pool limits across runs on a Postgres instance', () => {
  let postgres: TestPostgres;
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(() => postgres.stop());
  beforeEach(async () => {
    workspace = await makeWorkspace();
    env = { ...workspace.env, STRATA_DATABASE_URL: postgres.connectionString, STRATA_DATABASE_SCHEMA: postgres.uniqueSchema('pools') };
  });
  afterEach(() => workspace.cleanup());

  it('never runs two steps of a pool limited to 1 at once across three processes', async () => {
    expect((await runCli(['pools', 'set', 'api', '1', '--definitions', DEFINITIONS], { cwd: workspace.dir, env })).code).toBe(0);
    const runs = await Promise.all(
      [1, 2, 3].map(() => startCli(['materialize', '--json', '--force', '--concurrency', '3', '--executor', 'in-process', '--definitions', DEFINITIONS], { cwd: workspace.dir, env: { ...env, TEST_DELAY_MS: '150' } }).done),
    );
    for (const run of runs) expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    const storage = await PostgresInstanceStorage.open({ connectionString: postgres.connectionString, schema: env.STRATA_DATABASE_SCHEMA });
    try {
      const steps = intervals((await Promise.all(runs.map((run) => storage.runEvents(runIdOf(run.stdout))))).flat());
      expect(steps).toHaveLength(9);
      expectNoOverlap(steps);
      expect(await storage.poolSlots(new Date())).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});
