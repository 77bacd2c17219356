import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  asset,
  checkJobSelections,
  Daemon,
  dailyPartitions,
  defineDefinitions,
  job,
  MemoryIOManager,
  schedule,
  staticPartitions,
  type Definitions,
} from '../../src/index.js';
import { MAX_PARTITION_CATCH_UP_TICKS } from '../../src/sensors/daemon.js';
import type { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { HOUR, ManualClock, tempInstance } from './harness.js';

const DAY = 24 * HOUR;
const daySchema = z.object({ day: z.string(), n: z.int() });

/**
 * `events_daily` (each day's rows, the day in them) and `counts_daily` (its
 * row count), both daily from 2026-01-01, and a job over them ticking at
 * 00:05 UTC. `end` bounds the days when given.
 */
function dailyDefinitions(options: { readonly end?: string; readonly cron?: string } = {}): Definitions {
  const days = dailyPartitions({ start: '2026-01-01', ...(options.end === undefined ? {} : { end: options.end }) });
  const events = asset({
    key: 'events_daily',
    partitions: days,
    schema: daySchema,
    compute: ({ partitionKey }) => [{ day: partitionKey!, n: 1 }, { day: partitionKey!, n: 2 }],
  });
  const counts = asset({
    key: 'counts_daily',
    deps: [events],
    partitions: days,
    schema: daySchema,
    compute: ({ inputs, partitionKey }) => [{ day: partitionKey!, n: inputs.events_daily.numRows }],
  });
  const daily = job({ name: 'daily', select: '+counts_daily' });
  return defineDefinitions({
    assets: [events, counts],
    ioManagers: { default: new MemoryIOManager() },
    jobs: [daily],
    schedules: [schedule({ name: 'nightly', job: daily, cron: options.cron ?? '5 0 * * *' })],
  });
}

describe('schedules of daily-partitioned jobs (injected clock, real SQLite file)', () => {
  let instance: Awaited<ReturnType<typeof tempInstance>>;
  let storage: SqliteInstanceStorage;
  let clock: ManualClock;
  beforeEach(async () => {
    instance = await tempInstance();
    storage = await instance.open();
    clock = new ManualClock('2026-01-05T00:00:00Z');
  });
  afterEach(() => instance.cleanup());

  const daemonFor = (definitions: Definitions) => new Daemon({ definitions, storage, clock: clock.now });
  /** Each run's partition (from its request) and trigger, in start order. */
  const partitionRuns = async () => (await storage.listRuns()).map((run) => [run.request?.partition, run.tags['strata/partition'], run.status]).reverse();

  it('a daily job ticking at 00:05 materializes the day that just ended, with the partition in its run key', async () => {
    const daemon = daemonFor(dailyDefinitions());
    expect(await daemon.tick()).toEqual([]);
    clock.set('2026-01-05T00:05:30Z');
    const [report] = await daemon.tick();
    expect(report!.tick).toMatchObject({ tickTime: new Date('2026-01-05T00:05:00Z'), status: 'success' });
    expect(report!.runs.map((run) => [run.status, run.target])).toEqual([['success', 'job daily, partition 2026-01-04']]);
    expect(await partitionRuns()).toEqual([['2026-01-04', '2026-01-04', 'success']]);
    expect([...(await storage.latestPartitionMaterializations('counts_daily')).keys()]).toEqual(['2026-01-04']);
    expect((await storage.launchedRunKeys('schedule:nightly', ['2026-01-05T00:05:00.000Z/2026-01-04'])).size).toBe(1);
    expect(await daemon.tick()).toEqual([]);
  });

  it('after 3 missed days catches up on each missed day\'s partition, oldest first', async () => {
    clock.set('2026-01-05T00:10:00Z');
    await daemonFor(dailyDefinitions()).tick();
    // Down from 2026-01-05 00:10 until 2026-01-08 12:00: the ticks of the 6th, 7th and 8th are missed.
    clock.set('2026-01-08T12:00:00Z');
    const restarted = new Daemon({ definitions: dailyDefinitions(), storage: await instance.open(), clock: clock.now });
    const reports = await restarted.tick();
    expect(reports.map(({ tick, runs }) => [tick.tickTime.toISOString(), tick.status, runs.map((run) => run.target)])).toEqual([
      ['2026-01-06T00:05:00.000Z', 'success', ['job daily, partition 2026-01-05']],
      ['2026-01-07T00:05:00.000Z', 'success', ['job daily, partition 2026-01-06']],
      ['2026-01-08T00:05:00.000Z', 'success', ['job daily, partition 2026-01-07']],
    ]);
    expect(await partitionRuns()).toEqual([
      ['2026-01-05', '2026-01-05', 'success'],
      ['2026-01-06', '2026-01-06', 'success'],
      ['2026-01-07', '2026-01-07', 'success'],
    ]);
    expect(await restarted.tick()).toEqual([]);
  });

  it(`catches up on at most the latest ${MAX_PARTITION_CATCH_UP_TICKS} missed days after a long downtime`, async () => {
    clock.set('2026-01-02T00:10:00Z');
    const daemon = daemonFor(dailyDefinitions());
    await daemon.tick();
    clock.advance(20 * DAY);
    const reports = await daemon.tick();
    // Now 2026-01-22 00:10: the ticks of the 3rd to the 22nd were missed; the latest ones run, each the day before its tick.
    const day = (n: number) => `2026-01-${String(n).padStart(2, '0')}`;
    const expected = Array.from({ length: MAX_PARTITION_CATCH_UP_TICKS }, (_, index) => day(22 - MAX_PARTITION_CATCH_UP_TICKS + index));
    expect(reports.map(({ runs }) => runs[0]!.target.replace('job daily, partition ', ''))).toEqual(expected);
    expect(reports[0]!.tick.tickTime.toISOString()).toBe(`${day(23 - MAX_PARTITION_CATCH_UP_TICKS)}T00:05:00.000Z`);
  });

  it('runs nothing, saying so, before the first day has ended; after the definition\'s end keeps to its last day', async () => {
    clock.set('2025-12-31T12:00:00Z');
    const daemon = daemonFor(dailyDefinitions({ end: '2026-01-03' }));
    await daemon.tick();
    clock.set('2026-01-01T00:05:00Z');
    const [first] = await daemon.tick();
    expect(first!.tick).toMatchObject({ status: 'skipped', runIds: [] });
    expect(first!.tick.skipReason).toBe('job daily: no partition of daily from 2026-01-01 (UTC), before 2026-01-03 had ended by 2026-01-01T00:05:00.000Z');

    clock.set('2026-01-03T00:05:00Z'); // the tick of the 2nd was missed: caught up first
    expect((await daemon.tick()).map(({ runs }) => runs.map((run) => run.target))).toEqual([['job daily, partition 2026-01-01'], ['job daily, partition 2026-01-02']]);
    clock.set('2026-01-04T00:05:00Z');
    // The last day again, under a run key of its own; it is up to date, so there is nothing to do.
    const [capped] = await daemon.tick();
    expect(capped!.tick.status).toBe('skipped');
    expect(capped!.tick.skipReason).toBe('job daily, partition 2026-01-02: nothing to do, every selected asset is up to date');
    expect(await partitionRuns()).toEqual([
      ['2026-01-01', '2026-01-01', 'success'],
      ['2026-01-02', '2026-01-02', 'success'],
    ]);
  });

  it('queues each catch-up tick\'s partition as a run of its own when runs are queued', async () => {
    clock.set('2026-01-05T00:10:00Z');
    const daemon = new Daemon({ definitions: dailyDefinitions(), storage, clock: clock.now, maxConcurrentRuns: 1 });
    await daemon.tick();
    clock.set('2026-01-07T00:10:00Z');
    const reports = await daemon.tick();
    expect(reports.map(({ tick }) => [tick.status, tick.skipReason])).toEqual([
      ['success', null],
      ['success', null],
    ]);
    // Queued, then started by the same pass, one at a time (the maximum is 1): the later one waits for the next pass.
    await daemon.tick();
    const runs = (await storage.listRuns()).reverse();
    expect(runs.map((run) => [run.selection, run.request?.partition, run.status])).toEqual([
      ['job daily --partition 2026-01-05', '2026-01-05', 'success'],
      ['job daily --partition 2026-01-06', '2026-01-06', 'success'],
    ]);
  });

  it('reports a scheduled job mixing partitioned and unpartitioned assets, or two partitions definitions, as definitions problems', () => {
    const days = dailyPartitions({ start: '2026-01-01' });
    const daily = asset({ key: 'daily_rows', partitions: days, schema: daySchema, compute: ({ partitionKey }) => [{ day: partitionKey!, n: 1 }] });
    const regions = asset({ key: 'region_rows', partitions: staticPartitions(['eu', 'us']), schema: daySchema, compute: ({ partitionKey }) => [{ day: partitionKey!, n: 1 }] });
    const plain = asset({ key: 'plain_rows', schema: daySchema, compute: () => [{ day: 'none', n: 1 }] });
    const everything = job({ name: 'everything', select: '*' });
    const partitioned = job({ name: 'partitioned', select: 'daily_rows, region_rows' });
    const unscheduled = job({ name: 'unscheduled', select: '*' });
    const definitions = defineDefinitions({
      assets: [daily, regions, plain],
      ioManagers: { default: new MemoryIOManager() },
      jobs: [everything, partitioned, unscheduled],
      schedules: [schedule({ name: 'all-nightly', job: everything, cron: '0 1 * * *' }), schedule({ name: 'rows-nightly', job: partitioned, cron: '0 1 * * *' })],
    });
    const problems = checkJobSelections(definitions);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe(
      'job "everything", run by schedule "all-nightly": selects partitioned assets (daily_rows, region_rows) and unpartitioned ones (plain_rows), ' +
        'but each tick runs one partition, which would leave the unpartitioned ones out; give each kind a job (and a schedule) of its own',
    );
    expect(problems[1]).toContain('job "partitioned", run by schedule "rows-nightly": selects assets with different partitions (daily_rows: daily from 2026-01-01 (UTC); region_rows: static: eu, us)');
  });
});
