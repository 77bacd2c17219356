import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  asset,
  assetSensor,
  dailyPartitions,
  Daemon,
  defineDefinitions,
  fileSensor,
  freshnessSensor,
  job,
  materialize,
  MemoryIOManager,
  sensor,
  type Definitions,
  type PreviewedRequest,
  type ResolvedRunRequest,
  type SensorContext,
  type SensorEvaluation,
  type SensorResult,
} from '../../src/index.js';
import type { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { deferred, HOUR, ManualClock, memoryDefinitions, tempInstance } from './harness.js';

const refresh = job({ name: 'refresh', select: '*', force: 'sources' });
const SECOND = 1000;

describe('the daemon and sensors (injected clock, real SQLite file)', () => {
  let instance: Awaited<ReturnType<typeof tempInstance>>;
  let storage: SqliteInstanceStorage;
  let clock: ManualClock;
  beforeEach(async () => {
    instance = await tempInstance();
    storage = await instance.open();
    clock = new ManualClock('2026-01-05T12:00:00Z');
  });
  afterEach(() => instance.cleanup());

  const daemonFor = (definitions: Definitions, options: { cwd?: string; env?: Record<string, string> } = {}) =>
    new Daemon({ definitions, storage, clock: clock.now, ...options });
  /** One pass, a sensor interval later. */
  const passAfter = async (daemon: Daemon, ms: number) => {
    clock.advance(ms);
    return daemon.tick();
  };

  it('evaluates a sensor on its first pass and then once per interval', async () => {
    const seen: Date[] = [];
    const definitions = memoryDefinitions({
      sensors: [sensor({ name: 'watch', intervalSeconds: 30, evaluate: ({ now }) => (seen.push(now), { skip: 'nothing new' }) })],
    });
    const daemon = daemonFor(definitions);
    expect((await daemon.tick()).map(({ tick }) => [tick.status, tick.skipReason])).toEqual([['skipped', 'nothing new']]);
    expect(await passAfter(daemon, 10 * SECOND)).toEqual([]);
    expect(await passAfter(daemon, 20 * SECOND)).toHaveLength(1);
    expect(seen.map((time) => time.toISOString())).toEqual(['2026-01-05T12:00:00.000Z', '2026-01-05T12:00:30.000Z']);
  });

  it('drops a run request whose run key the sensor already launched', async () => {
    const definitions = memoryDefinitions({
      jobs: [refresh],
      sensors: [sensor({ name: 'same-key', intervalSeconds: 30, job: refresh, evaluate: () => ({ runRequests: [{ runKey: 'snapshot-1' }] }) })],
    });
    const daemon = daemonFor(definitions);
    const [first] = await daemon.tick();
    expect(first!.tick).toMatchObject({ status: 'success', skipReason: null });
    expect(first!.tick.runIds).toHaveLength(1);
    const [second] = await passAfter(daemon, 30 * SECOND);
    expect(second!.tick).toMatchObject({ status: 'skipped', runIds: [], skipReason: 'job refresh: run key "snapshot-1" was already launched' });
    expect((await storage.listRuns()).map((run) => run.trigger)).toEqual(['sensor:same-key']);
  });

  it('keeps the cursor across daemon restarts (a new process on the same SQLite file)', async () => {
    const cursors: (string | undefined)[] = [];
    const counting = sensor({
      name: 'counting',
      intervalSeconds: 60,
      job: refresh,
      evaluate: ({ cursor }): SensorResult => {
        cursors.push(cursor);
        const next = String(Number(cursor ?? '0') + 1);
        return { runRequests: [{ runKey: next }], cursor: next };
      },
    });
    await daemonFor(memoryDefinitions({ jobs: [refresh], sensors: [counting] })).tick();
    await storage.close();

    clock.advance(HOUR);
    const reopened = await instance.open();
    const restarted = new Daemon({ definitions: memoryDefinitions({ jobs: [refresh], sensors: [counting] }), storage: reopened, clock: clock.now });
    const [report] = await restarted.tick();
    expect(cursors).toEqual([undefined, '1']);
    expect(report!.tick).toMatchObject({ status: 'success', cursor: '2' });
    expect((await reopened.instigatorState('sensor', 'counting'))?.cursor).toBe('2');
    expect(await reopened.listRuns()).toHaveLength(2);
  });

  it('records a throwing sensor as a failed tick, keeps its cursor, and evaluates it again next interval', async () => {
    let calls = 0;
    const flaky = sensor({
      name: 'flaky',
      intervalSeconds: 30,
      job: refresh,
      evaluate: () => {
        calls++;
        if (calls === 2) throw new Error('the upstream API is down');
        return { runRequests: [{ runKey: `call-${calls}` }], cursor: `after-${calls}` };
      },
    });
    const daemon = daemonFor(memoryDefinitions({ jobs: [refresh], sensors: [flaky] }));
    await daemon.tick();
    const [failed] = await passAfter(daemon, 30 * SECOND);
    expect(failed!.tick).toMatchObject({ status: 'failed', runIds: [], cursor: 'after-1' });
    expect(failed!.tick.error).toBe('Sensor "flaky" failed: the upstream API is down');
    expect((await storage.instigatorState('sensor', 'flaky'))?.cursor).toBe('after-1');
    const [recovered] = await passAfter(daemon, 30 * SECOND);
    expect(recovered!.tick).toMatchObject({ status: 'success', cursor: 'after-3' });
    expect((await storage.listTicks({ name: 'flaky' })).map((tick) => tick.status)).toEqual(['success', 'failed', 'success']);
  });

  it('records a sensor result that breaks the rules as a failed tick, naming the request', async () => {
    const definitions = memoryDefinitions({
      jobs: [refresh],
      sensors: [
        sensor({ name: 'no-target', intervalSeconds: 30, evaluate: () => ({ runRequests: [{ runKey: 'k' }] }) }),
        sensor({ name: 'unknown-job', intervalSeconds: 30, evaluate: () => ({ runRequests: [{ job: 'refrsh' }] }) }),
        sensor({ name: 'wrong-shape', intervalSeconds: 30, evaluate: () => ({ run: true }) as unknown as SensorResult }),
      ],
    });
    const errors = (await daemonFor(definitions).tick()).map(({ tick }) => [tick.name, tick.status, tick.error]);
    expect(errors[0]).toEqual(['no-target', 'failed', 'Sensor "no-target" returned an invalid result: runRequests[0]: it names no job or selection, and the sensor has no default job']);
    expect(errors[1]![2]).toMatch(/^Sensor "unknown-job" returned an invalid result: runRequests\[0\]: Unknown job "refrsh"/);
    expect(errors[2]![1]).toBe('failed');
    expect(await storage.listRuns()).toEqual([]);
  });

  it('moves the cursor only once the runs were launched: a request that cannot be planned leaves it for the next tick', async () => {
    const schema = z.object({ n: z.int() });
    const base = asset({ key: 'base', schema, compute: () => [{ n: 1 }] });
    const derived = asset({ key: 'derived', deps: [base], schema, compute: ({ inputs }) => inputs.base });
    const cursors: (string | undefined)[] = [];
    const definitions = defineDefinitions({
      assets: [base, derived],
      ioManagers: { default: new MemoryIOManager() },
      sensors: [
        sensor({
          name: 'derived-only',
          intervalSeconds: 30,
          evaluate: ({ cursor }) => (cursors.push(cursor), { runRequests: [{ select: 'derived' }], cursor: 'moved' }),
        }),
      ],
    });
    const daemon = daemonFor(definitions);
    const [failed] = await daemon.tick();
    expect(failed!.tick).toMatchObject({ status: 'failed', cursor: null });
    expect(failed!.tick.error).toMatch(/^select "derived": .*no stored output: derived needs base/);
    await materialize(definitions, { storage, select: 'base' });
    const [launched] = await passAfter(daemon, 30 * SECOND);
    expect(launched!.tick).toMatchObject({ status: 'success', cursor: 'moved' });
    expect(cursors).toEqual([undefined, undefined]);
  });

  it('runs a job when an asset gets a new materialization, once per materialization (asset sensor)', async () => {
    const totalsJob = job({ name: 'totals', select: 'total' });
    const definitions = memoryDefinitions({
      jobs: [refresh, totalsJob],
      sensors: [assetSensor({ name: 'numbers-updated', asset: 'numbers', job: totalsJob, intervalSeconds: 30 })],
    });
    const daemon = daemonFor(definitions);
    expect((await daemon.tick())[0]!.tick).toMatchObject({ status: 'skipped', skipReason: 'asset numbers has never been materialized' });
    const first = await materialize(definitions, { storage, select: 'numbers' });
    const [launched] = await passAfter(daemon, 30 * SECOND);
    expect(launched!.tick).toMatchObject({ status: 'success', cursor: first.runId });
    expect(launched!.runs.map((run) => run.status)).toEqual(['success']);
    expect((await storage.latestMaterializations(['total'])).get('total')?.runId).toBe(launched!.tick.runIds[0]);
    const [quiet] = await passAfter(daemon, 30 * SECOND);
    expect(quiet!.tick).toMatchObject({ status: 'skipped', skipReason: `no new materialization of numbers since run ${first.runId}` });
  });

  it('materializes the assets whose maxAge has passed, and only those (freshness sensor)', async () => {
    const schema = z.object({ n: z.int() });
    const hourly = asset({ key: 'hourly', schema, freshness: { maxAge: '1h' }, compute: () => [{ n: 1 }] });
    const daily = asset({ key: 'daily', schema, freshness: { maxAge: '1d' }, compute: () => [{ n: 2 }] });
    const timeless = asset({ key: 'timeless', schema, compute: () => [{ n: 3 }] });
    const definitions = defineDefinitions({
      assets: [hourly, daily, timeless],
      ioManagers: { default: new MemoryIOManager() },
      sensors: [freshnessSensor({ name: 'keep-fresh', intervalSeconds: 60 })],
    });
    await materialize(definitions, { storage, now: clock.now });
    const daemon = daemonFor(definitions);
    expect((await daemon.tick())[0]!.tick).toMatchObject({ status: 'skipped', skipReason: 'every materialized asset with a maxAge is fresh (daily, hourly)' });
    const [expired] = await passAfter(daemon, 2 * HOUR);
    expect(expired!.tick.status).toBe('success');
    const run = await storage.getRun(expired!.tick.runIds[0]!);
    expect(run).toMatchObject({ selection: 'hourly', trigger: 'sensor:keep-fresh', status: 'success' });
    expect((await storage.latestMaterializations()).get('hourly')?.reasons).toEqual(['expired']);
    expect((await passAfter(daemon, 60 * SECOND))[0]!.tick.status).toBe('skipped');
  });

  it('says it leaves partitioned assets with a maxAge out, rather than calling them fresh (freshness sensor)', async () => {
    const schema = z.object({ n: z.int() });
    const hourly = asset({ key: 'hourly', schema, freshness: { maxAge: '1h' }, compute: () => [{ n: 1 }] });
    const perDay = asset({ key: 'per_day', schema, partitions: dailyPartitions({ start: '2026-01-01' }), freshness: { maxAge: '1h' }, compute: () => [{ n: 2 }] });
    const unwatched = '; partitioned assets are not watched (per_day): a schedule of their job runs the partition that aged';
    const sensors = [freshnessSensor({ name: 'keep-fresh', intervalSeconds: 60 })];
    const both = defineDefinitions({ assets: [hourly, perDay], ioManagers: { default: new MemoryIOManager() }, sensors });
    await materialize(both, { storage, now: clock.now, select: 'hourly' });
    await materialize(both, { storage, now: clock.now, select: 'per_day', partition: '2026-01-04' });
    expect((await daemonFor(both).tick())[0]!.tick).toMatchObject({ status: 'skipped', skipReason: `every materialized asset with a maxAge is fresh (hourly)${unwatched}` });

    const partitionedOnly = defineDefinitions({ assets: [perDay], ioManagers: { default: new MemoryIOManager() }, sensors });
    expect((await passAfter(daemonFor(partitionedOnly), 60 * SECOND))[0]!.tick).toMatchObject({
      status: 'skipped',
      skipReason: `no unpartitioned asset of "*" has a freshness policy (freshness.maxAge)${unwatched}`,
    });
  });

  it('holds a request back while its job runs elsewhere, and keeps the cursor so it is asked again', async () => {
    const gate = deferred();
    const started = deferred();
    const schema = z.object({ n: z.int() });
    const slow = asset({
      key: 'slow',
      schema,
      compute: async () => {
        started.resolve();
        await gate.promise;
        return [{ n: 1 }];
      },
    });
    const slowJob = job({ name: 'slow-job', select: '*', force: 'all' });
    const definitions = defineDefinitions({
      assets: [slow],
      ioManagers: { default: new MemoryIOManager() },
      jobs: [slowJob],
      sensors: [sensor({ name: 'eager', intervalSeconds: 30, job: slowJob, evaluate: ({ cursor }) => ({ runRequests: [{}], cursor: `${cursor ?? ''}+` }) })],
    });
    const running = daemonFor(definitions).tickSensor('eager');
    await started.promise;
    const other = new Daemon({ definitions, storage: await instance.open(), clock: clock.now });
    clock.advance(30 * SECOND);
    const [held] = await other.tick();
    expect(held!.tick).toMatchObject({ status: 'skipped', cursor: '+' });
    expect(held!.tick.skipReason).toMatch(/^job "slow-job" is still running \(run [0-9a-f-]+, triggered by sensor:eager at /);
    gate.resolve();
    expect((await running).runs.map((run) => run.status)).toEqual(['success']);
  });

  it('sees a new file and a changed file once each (file sensor)', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'strata-inbox-'));
    try {
      const definitions = memoryDefinitions({
        jobs: [refresh],
        sensors: [fileSensor({ name: 'inbox', dir: 'inbox', glob: 'snapshots/*/users.json', job: refresh, intervalSeconds: 30 })],
      });
      const daemon = daemonFor(definitions, { cwd: folder });
      const pass = async () => (await passAfter(daemon, 30 * SECOND))[0]!.tick;

      expect((await daemon.tick())[0]!.tick).toMatchObject({ status: 'skipped', skipReason: `folder ${path.join(folder, 'inbox')} does not exist` });
      await mkdir(path.join(folder, 'inbox', 'snapshots', '2026-01-05'), { recursive: true });
      expect(await pass()).toMatchObject({ status: 'skipped' });

      const users = path.join(folder, 'inbox', 'snapshots', '2026-01-05', 'users.json');
      await writeFile(users, '[]');
      await writeFile(path.join(folder, 'inbox', 'snapshots', '2026-01-05', 'notes.txt'), 'not watched');
      const appeared = await pass();
      expect(appeared).toMatchObject({ status: 'success' });
      expect(await pass()).toMatchObject({ status: 'skipped', skipReason: `no new or changed file matches snapshots/*/users.json in ${path.join(folder, 'inbox')}` });

      await writeFile(users, '[{"id": 1}]');
      await utimes(users, new Date('2026-01-05T13:00:00Z'), new Date('2026-01-05T13:00:00Z'));
      const changed = await pass();
      expect(changed).toMatchObject({ status: 'success' });
      expect(await pass()).toMatchObject({ status: 'skipped' });

      expect((await storage.listRuns()).map((run) => run.runId).sort()).toEqual([...appeared.runIds, ...changed.runIds].sort());
      expect(JSON.parse((await storage.instigatorState('sensor', 'inbox'))!.cursor!)).toEqual({
        files: { 'snapshots/2026-01-05/users.json': expect.stringMatching(/^\d+(\.\d+)?:11$/) },
      });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('gives the sensor its context: cursor, time, last tick, materializations, env and cwd', async () => {
    const contexts: Omit<SensorContext, 'signal' | 'log' | 'definitions' | 'latestMaterialization'>[] = [];
    let latest: unknown;
    const definitions = memoryDefinitions({
      sensors: [
        sensor({
          name: 'inspect',
          intervalSeconds: 30,
          evaluate: async (context) => {
            const { signal: _signal, log: _log, definitions: _definitions, latestMaterialization, ...rest } = context;
            contexts.push(rest);
            latest = await latestMaterialization('numbers');
            return { skip: 'just looking', cursor: 'c1' };
          },
        }),
      ],
    });
    const result = await materialize(definitions, { storage, select: 'numbers', now: clock.now });
    const daemon = daemonFor(definitions, { cwd: '/somewhere', env: { TOKEN: 'x' } });
    await daemon.tick();
    await passAfter(daemon, 30 * SECOND);
    expect(contexts).toEqual([
      { name: 'inspect', cursor: undefined, now: new Date('2026-01-05T12:00:00Z'), lastTickAt: undefined, env: { TOKEN: 'x' }, cwd: '/somewhere' },
      { name: 'inspect', cursor: 'c1', now: new Date('2026-01-05T12:00:30Z'), lastTickAt: new Date('2026-01-05T12:00:00Z'), env: { TOKEN: 'x' }, cwd: '/somewhere' },
    ]);
    expect(latest).toMatchObject({ runId: result.runId, materializedAt: new Date('2026-01-05T12:00:00Z') });
  });

  it('previews a sensor without launching or storing anything', async () => {
    const definitions = memoryDefinitions({
      jobs: [refresh],
      sensors: [sensor({ name: 'twice', intervalSeconds: 30, job: refresh, evaluate: () => ({ runRequests: [{ runKey: 'a' }, { select: '+total', runKey: 'b' }], cursor: 'next' }) })],
    });
    const daemon = daemonFor(definitions);
    await storage.recordLaunch({ trigger: 'sensor:twice', job: 'refresh', runKey: 'a', runId: null, launchedAt: clock.now() });
    // Typed by the names the public API exports, as a caller outside the package writes them.
    const { evaluation, requests }: { readonly evaluation: SensorEvaluation; readonly requests: readonly PreviewedRequest[] } = await daemon.previewSensor('twice');
    expect(evaluation.cursor).toBe('next');
    expect(requests.map(({ request, verdict }) => [request.target, request.runKey, verdict])).toEqual([
      ['job refresh', 'a', 'duplicate'],
      ['select "+total"', 'b', 'launch'],
    ]);
    const selectionRequest: ResolvedRunRequest = requests[1]!.request;
    expect(selectionRequest.job).toBeNull();
    expect(await storage.listTicks()).toEqual([]);
    expect(await storage.instigatorState('sensor', 'twice')).toBeUndefined();
    expect(await storage.listRuns()).toEqual([]);
  });

  it('previews a request under a maximum of concurrent runs as queued, waiting while the runs in flight fill it, as the tick then queues it', async () => {
    const definitions = memoryDefinitions({
      jobs: [refresh],
      sensors: [sensor({ name: 'kick', intervalSeconds: 30, job: refresh, evaluate: () => ({ runRequests: [{ runKey: 'k1' }] }) })],
    });
    const daemon = new Daemon({ definitions, storage, clock: clock.now, maxConcurrentRuns: 1 });
    const preview = async () => (await daemon.previewSensor('kick')).requests.map(({ verdict, reason }) => [verdict, reason]);
    expect(await preview()).toEqual([['queue', 'at most 1 concurrent run, 0 started and 0 queued before it: the next daemon pass starts it']]);
    // A run in flight, of this process: alive.
    await storage.createRun({ runId: 'in-flight', status: 'started', selection: '*', trigger: 'cli', startedAt: clock.now(), endedAt: null, pid: process.pid, hostname: os.hostname() });
    expect(await preview()).toEqual([['queue', 'at most 1 concurrent run, 1 started and 0 queued before it: it waits for a run to end']]);
    expect(await storage.listRuns()).toHaveLength(1);

    const { tick } = await daemon.tickSensor('kick');
    expect(tick).toMatchObject({ status: 'success' });
    expect((await storage.getRun(tick.runIds[0]!))?.status).toBe('queued');
  });

  it('previews several requests under a maximum of concurrent runs each behind those the tick would queue before it', async () => {
    const definitions = memoryDefinitions({
      jobs: [refresh],
      sensors: [sensor({ name: 'pair', intervalSeconds: 30, job: refresh, evaluate: () => ({ runRequests: [{ runKey: 'k1' }, { select: '+total', runKey: 'k2' }] }) })],
    });
    const daemon = new Daemon({ definitions, storage, clock: clock.now, maxConcurrentRuns: 1 });
    expect((await daemon.previewSensor('pair')).requests.map(({ verdict, reason }) => [verdict, reason])).toEqual([
      ['queue', 'at most 1 concurrent run, 0 started and 0 queued before it: the next daemon pass starts it'],
      ['queue', 'at most 1 concurrent run, 0 started and 1 queued before it: it waits for a run to end'],
    ]);
    expect(await storage.queuedRuns()).toEqual([]);
    const { tick } = await daemon.tickSensor('pair');
    expect(tick).toMatchObject({ status: 'success' });
    expect(await storage.queuedRuns()).toHaveLength(2);
  });

  it('previews a second request of a job the tick queued for an earlier one as blocked, as the tick then skips it', async () => {
    const definitions = memoryDefinitions({
      jobs: [refresh],
      sensors: [sensor({ name: 'again', intervalSeconds: 30, job: refresh, evaluate: () => ({ runRequests: [{ runKey: 'k1' }, { runKey: 'k2' }, { runKey: 'k1' }] }) })],
    });
    const daemon = new Daemon({ definitions, storage, clock: clock.now, maxConcurrentRuns: 1 });
    expect((await daemon.previewSensor('again')).requests.map(({ verdict, reason }) => [verdict, reason])).toEqual([
      ['queue', 'at most 1 concurrent run, 0 started and 0 queued before it: the next daemon pass starts it'],
      ['blocked', 'job "refresh" is already queued (by an earlier request of this tick)'],
      ['duplicate', 'job refresh: run key "k1" was already launched'],
    ]);
    const { tick } = await daemon.tickSensor('again');
    const [runId] = tick.runIds;
    expect(tick).toMatchObject({ status: 'success', runIds: [runId] });
    expect(tick.skipReason).toBe(`job "refresh" is already queued (run ${runId}, triggered by sensor:again at 2026-01-05T12:00:00.000Z); job refresh: run key "k1" was already launched`);
  });

  it('previews a request after one the tick launches as judged before that run, which the tick lets end first', async () => {
    // Without force, the second request's run finds nothing to do once the first one's has made every asset.
    const plain = job({ name: 'plain', select: '*' });
    const definitions = memoryDefinitions({
      jobs: [plain],
      sensors: [sensor({ name: 'twice', intervalSeconds: 30, job: plain, evaluate: () => ({ runRequests: [{ runKey: 'a' }, { runKey: 'b' }] }) })],
    });
    const daemon = daemonFor(definitions);
    expect((await daemon.previewSensor('twice')).requests.map(({ verdict, reason }) => [verdict, reason])).toEqual([
      ['launch', null],
      ['launch', 'judged before the run of job plain, launched before it, and planned when that run ends, so its work can change this'],
    ]);
    const { tick } = await daemon.tickSensor('twice');
    expect(tick).toMatchObject({ status: 'success', skipReason: 'job plain: nothing to do, every selected asset is up to date' });
    expect(tick.runIds).toHaveLength(1);
  });

  it('previews a request that cannot be planned before an earlier one\'s run as judged before it: the tick plans it after that run', async () => {
    // `total` cannot run while `numbers` has no stored output, which the first request's run makes.
    const definitions = memoryDefinitions({ sensors: [sensor({ name: 'chain', intervalSeconds: 30, evaluate: () => ({ runRequests: [{ select: 'numbers' }, { select: 'total' }] }) })] });
    const daemon = daemonFor(definitions);
    const [first, second] = (await daemon.previewSensor('chain')).requests;
    expect([first!.verdict, first!.reason, second!.verdict]).toEqual(['launch', null, 'fail']);
    expect(second!.reason).toMatch(/^select "total": Selected assets need upstream assets .*; judged before the run of select "numbers", launched before it, and planned when that run ends, so its work can change this$/);
    const { tick } = await daemon.tickSensor('chain');
    expect(tick).toMatchObject({ status: 'success', error: null });
    expect(tick.runIds).toHaveLength(2);
  });

  it('reads the queue and the started runs once for a whole preview, not once per request', async () => {
    const definitions = memoryDefinitions({
      jobs: [refresh],
      sensors: [sensor({ name: 'many', intervalSeconds: 30, job: refresh, evaluate: () => ({ runRequests: [{ select: 'numbers' }, { select: 'total' }, { select: '+total' }] }) })],
    });
    const daemon = new Daemon({ definitions, storage, clock: clock.now, maxConcurrentRuns: 5 });
    const queueReads = vi.spyOn(storage, 'queuedRuns');
    const startedReads = vi.spyOn(storage, 'runsWithStatus');
    expect((await daemon.previewSensor('many')).requests.map(({ verdict }) => verdict)).toEqual(['queue', 'queue', 'queue']);
    expect([queueReads.mock.calls.length, startedReads.mock.calls.length]).toEqual([1, 1]);
  });

  it('previews a request that cannot be planned as failing the tick, with the error the tick then records', async () => {
    // `total` alone cannot run while its upstream `numbers` has no stored output.
    const definitions = memoryDefinitions({ sensors: [sensor({ name: 'orphan', intervalSeconds: 30, evaluate: () => ({ runRequests: [{ select: 'total' }] }) })] });
    const daemon = daemonFor(definitions);
    const { requests } = await daemon.previewSensor('orphan');
    expect(requests.map(({ verdict, reason }) => [verdict, reason])).toEqual([['fail', expect.stringMatching(/^select "total": Selected assets need upstream assets/)]]);
    const { tick } = await daemon.tickSensor('orphan');
    expect(tick).toMatchObject({ status: 'failed', error: requests[0]!.reason });
  });
});
