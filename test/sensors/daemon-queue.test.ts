import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Daemon, job, schedule, type Definitions } from '../../src/index.js';
import { enqueueRun } from '../../src/execution/run-queue.js';
import type { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { ManualClock, memoryDefinitions, tempInstance } from './harness.js';

const refresh = job({ name: 'refresh', select: '*' });

describe('the daemon and the run queue (injected clock, real SQLite file)', () => {
  let instance: Awaited<ReturnType<typeof tempInstance>>;
  let storage: SqliteInstanceStorage;
  let clock: ManualClock;
  beforeEach(async () => {
    instance = await tempInstance();
    storage = await instance.open();
    clock = new ManualClock('2026-01-05T01:59:00Z');
  });
  afterEach(() => instance.cleanup());

  const daemonFor = (definitions: Definitions, maxConcurrentRuns?: number, on = storage) => new Daemon({ definitions, storage: on, clock: clock.now, maxConcurrentRuns });
  const statuses = async (runIds: readonly string[]) => Promise.all(runIds.map(async (runId) => (await storage.getRun(runId))?.status));
  /** A run this process is running, as far as the instance can tell. */
  const otherRunStarted = () => storage.createRun({ runId: 'other', status: 'started', selection: '*', trigger: 'cli', startedAt: clock.now(), endedAt: null, pid: process.pid, hostname: hostname() });

  it('starts queued runs oldest first, one per pass with a maximum of 1, and none while another run is started', async () => {
    const definitions = memoryDefinitions({ jobs: [refresh] });
    const first = await enqueueRun(storage, { select: 'numbers', force: true, now: clock.now() });
    const second = await enqueueRun(storage, { job: 'refresh', trigger: 'sensor:files', now: clock.now() });
    expect(first).toMatchObject({ status: 'queued', selection: 'numbers --force', trigger: 'cli' });
    expect(second).toMatchObject({ status: 'queued', selection: 'job refresh', trigger: 'sensor:files' });
    const daemon = daemonFor(definitions, 1);

    await otherRunStarted();
    await daemon.tick();
    expect(await statuses([first.runId, second.runId])).toEqual(['queued', 'queued']);

    await storage.finishRun('other', 'success', clock.now());
    await daemon.tick();
    expect(await statuses([first.runId, second.runId])).toEqual(['success', 'queued']);
    expect((await storage.runEvents(first.runId)).map((event) => event.type)).toEqual(['run-start', 'step-start', 'step-success', 'run-end']);

    await daemon.tick();
    expect(await statuses([first.runId, second.runId])).toEqual(['success', 'success']);
    expect((await storage.getRun(second.runId))?.trigger).toBe('sensor:files');
  });

  it('never starts a queued run twice when two daemons pass at once, nor more runs than the maximum', async () => {
    const definitions = memoryDefinitions({ jobs: [refresh] });
    const queued = [];
    for (let index = 0; index < 3; index++) queued.push(await enqueueRun(storage, { select: '*', force: true, now: clock.now() }));
    const started: string[] = [];
    const concurrent = { now: 0, max: 0 };
    const track = (event: { type: string; runId: string }) => {
      if (event.type === 'run-start') {
        started.push(event.runId);
        concurrent.max = Math.max(concurrent.max, ++concurrent.now);
      }
      if (event.type === 'run-end') concurrent.now--;
    };
    const daemons = [storage, await instance.open()].map((on) => new Daemon({ definitions, storage: on, clock: clock.now, maxConcurrentRuns: 2, onEvent: track }));
    await Promise.all(daemons.map((daemon) => daemon.tick()));
    await Promise.all(daemons.map((daemon) => daemon.tick()));
    expect(await statuses(queued.map((run) => run.runId))).toEqual(['success', 'success', 'success']);
    expect(started.sort()).toEqual(queued.map((run) => run.runId).sort());
    expect(concurrent.max).toBeLessThanOrEqual(2);
  });

  it('fails a queued run whose job is gone from the definitions, saying why, instead of keeping it queued', async () => {
    const queued = await enqueueRun(storage, { job: 'retired', now: clock.now() });
    const reports: string[] = [];
    const daemon = new Daemon({ definitions: memoryDefinitions({ jobs: [refresh] }), storage, clock: clock.now, onRunEnd: (run) => reports.push(`${run.runId} ${run.status} ${run.error}`) });
    await daemon.tick();
    expect(await storage.getRun(queued.runId)).toMatchObject({ status: 'failed' });
    const [end] = await storage.runEvents(queued.runId);
    expect(end).toMatchObject({ type: 'run-end', level: 'error' });
    expect(end!.message).toMatch(new RegExp(`^Run ${queued.runId} could not start: Unknown job "retired"`));
    expect(reports).toEqual([expect.stringMatching(new RegExp(`^${queued.runId} failed Unknown job "retired"`))]);
    expect(await storage.queuedRuns()).toEqual([]);
  });

  it('ends a queued run with nothing stale when it starts as nothing-to-do', async () => {
    const definitions = memoryDefinitions({ jobs: [refresh] });
    const daemon = daemonFor(definitions, 1);
    const made = await enqueueRun(storage, { select: '*', now: clock.now() });
    await daemon.tick();
    const again = await enqueueRun(storage, { select: '*', now: clock.now() });
    await daemon.tick();
    expect(await statuses([made.runId, again.runId])).toEqual(['success', 'nothing-to-do']);
  });

  it('with a maximum, a schedule queues its run for a pass to start, and does not queue its job again while a run of it waits', async () => {
    const hourly = schedule({ name: 'hourly', job: 'refresh', cron: '0 * * * *' });
    const daemon = daemonFor(memoryDefinitions({ jobs: [refresh], schedules: [hourly] }), 1);
    await daemon.tick();
    // The queue is full: the 02:00 tick's run waits.
    await otherRunStarted();
    clock.set('2026-01-05T02:00:30Z');
    const [queuedTick] = await daemon.tick();
    expect(queuedTick).toMatchObject({ tick: { status: 'success' }, runs: [] });
    const [runId] = queuedTick!.tick.runIds;
    expect(await statuses([runId!])).toEqual(['queued']);

    clock.set('2026-01-05T03:00:30Z');
    const [blockedTick] = await daemon.tick();
    expect(blockedTick?.tick).toMatchObject({ status: 'skipped', skipReason: expect.stringMatching(new RegExp(`^job "refresh" is already queued \\(run ${runId}`)) });

    await storage.finishRun('other', 'success', clock.now());
    await daemon.tick();
    expect(await storage.getRun(runId!)).toMatchObject({ status: 'success', trigger: 'schedule:hourly', selection: 'job refresh' });
  });
});
