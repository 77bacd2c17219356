import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, Daemon, defineDefinitions, job, MemoryIOManager, schedule, type Definitions } from '../../src/index.js';
import { businessHoursRefresh, dailyDataRefresh, hourlyRefresh, refresh, sixHourlyRefresh } from '../../src/assets/jobs.js';
import { setInstigatorStatus } from '../../src/sensors/instigator.js';
import type { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { deferred, HOUR, ManualClock, memoryDefinitions, MINUTE, tempInstance } from './harness.js';

/** The example's job and four schedules, over assets kept in memory. */
const exampleSchedules = () =>
  memoryDefinitions({ jobs: [refresh], schedules: [dailyDataRefresh, sixHourlyRefresh, hourlyRefresh, businessHoursRefresh] });

describe('the daemon and schedules (injected clock, real SQLite file)', () => {
  let instance: Awaited<ReturnType<typeof tempInstance>>;
  let storage: SqliteInstanceStorage;
  let clock: ManualClock;
  beforeEach(async () => {
    instance = await tempInstance();
    storage = await instance.open();
    clock = new ManualClock('2026-01-05T01:59:00Z');
  });
  afterEach(() => instance.cleanup());

  const daemonFor = (definitions: Definitions) => new Daemon({ definitions, storage, clock: clock.now });
  const ticked = (reports: Awaited<ReturnType<Daemon['tick']>>) => reports.map(({ tick }) => `${tick.name} ${tick.tickTime.toISOString()} ${tick.status}`);

  it('starts the schedules on the first pass and runs nothing; at 02:00:30 runs daily and hourly once each; then nothing', async () => {
    const daemon = daemonFor(exampleSchedules());
    expect(await daemon.tick()).toEqual([]);
    expect((await storage.instigatorStates()).map((state) => [state.name, state.startedAt?.toISOString()])).toEqual([
      ['business-hours-refresh', '2026-01-05T01:59:00.000Z'],
      ['daily-data-refresh', '2026-01-05T01:59:00.000Z'],
      ['hourly-refresh', '2026-01-05T01:59:00.000Z'],
      ['six-hourly-refresh', '2026-01-05T01:59:00.000Z'],
    ]);
    expect(await storage.listRuns()).toEqual([]);

    clock.set('2026-01-05T02:00:30Z');
    const reports = await daemon.tick();
    expect(ticked(reports)).toEqual(['daily-data-refresh 2026-01-05T02:00:00.000Z success', 'hourly-refresh 2026-01-05T02:00:00.000Z success']);
    expect(reports.map((report) => report.runs.map((run) => run.status))).toEqual([['success'], ['success']]);
    const runs = await storage.listRuns();
    expect(runs.map((run) => run.trigger).sort()).toEqual(['schedule:daily-data-refresh', 'schedule:hourly-refresh']);
    expect(new Set(runs.map((run) => run.runId))).toEqual(new Set(reports.flatMap((report) => report.tick.runIds)));

    expect(await daemon.tick()).toEqual([]);
    expect(await storage.listRuns()).toHaveLength(2);
    expect(await storage.listTicks()).toHaveLength(2);
  });

  it('after 10 hours of downtime runs one catch-up tick per schedule: the latest it missed', async () => {
    clock.set('2026-01-05T00:30:00Z'); // a Monday
    await daemonFor(exampleSchedules()).tick();
    // The daemon is down; a new one starts 10 hours later (a new process, a new connection).
    clock.advance(10 * HOUR);
    const restarted = new Daemon({ definitions: exampleSchedules(), storage: await instance.open(), clock: clock.now });
    expect(ticked(await restarted.tick())).toEqual([
      'daily-data-refresh 2026-01-05T02:00:00.000Z success',
      'six-hourly-refresh 2026-01-05T06:00:00.000Z success',
      'business-hours-refresh 2026-01-05T10:00:00.000Z success',
      'hourly-refresh 2026-01-05T10:00:00.000Z success',
    ]);
    expect(await storage.listRuns()).toHaveLength(4);
    clock.advance(MINUTE);
    expect(await restarted.tick()).toEqual([]);
  });

  it('runs an interval schedule on its anchor\'s grid, and one catch-up tick after downtime', async () => {
    const every90 = schedule({ name: 'every-90m', job: refresh, every: '90m', anchor: '2026-01-05T00:00:00Z' });
    const daemon = daemonFor(memoryDefinitions({ jobs: [refresh], schedules: [every90] }));
    clock.set('2026-01-05T00:10:00Z');
    expect(await daemon.tick()).toEqual([]);
    clock.set('2026-01-05T01:30:20Z');
    expect(ticked(await daemon.tick())).toEqual(['every-90m 2026-01-05T01:30:00.000Z success']);
    clock.set('2026-01-05T09:00:05Z'); // ticks at 03:00, 04:30, 06:00 and 07:30 missed: one run, the latest
    expect(ticked(await daemon.tick())).toEqual(['every-90m 2026-01-05T09:00:00.000Z success']);
    expect(await daemon.tick()).toEqual([]);
    expect((await storage.listRuns()).map((run) => run.trigger)).toEqual(['schedule:every-90m', 'schedule:every-90m']);
  });

  it('never runs a tick from before the schedule was started', async () => {
    const definitions = exampleSchedules();
    clock.set('2026-01-05T02:30:00Z');
    await daemonFor(definitions).tick();
    clock.set('2026-01-06T01:59:00Z');
    const reports = await daemonFor(definitions).tick();
    expect(reports.map(({ tick }) => tick.name)).not.toContain('daily-data-refresh');
    clock.set('2026-01-06T02:00:30Z');
    expect(ticked(await daemonFor(definitions).tick())).toContain('daily-data-refresh 2026-01-06T02:00:00.000Z success');
  });

  it('runs nothing for a stopped schedule, and after a restart nothing from while it was stopped', async () => {
    const definitions = exampleSchedules();
    const daemon = daemonFor(definitions);
    await daemon.tick();
    await setInstigatorStatus(storage, 'schedule', dailyDataRefresh, 'stopped', clock.now());
    clock.set('2026-01-05T02:00:30Z');
    expect(ticked(await daemon.tick())).toEqual(['hourly-refresh 2026-01-05T02:00:00.000Z success']);
    clock.set('2026-01-06T03:00:00Z');
    await setInstigatorStatus(storage, 'schedule', dailyDataRefresh, 'running', clock.now());
    clock.set('2026-01-06T03:30:00Z');
    expect((await daemon.tick()).map(({ tick }) => tick.name)).not.toContain('daily-data-refresh');
  });

  it('honours a stopped defaultStatus until the schedule is started', async () => {
    const paused = schedule({ name: 'paused', job: 'refresh', cron: '0 * * * *', defaultStatus: 'stopped' });
    const definitions = memoryDefinitions({ jobs: [refresh], schedules: [paused] });
    const daemon = daemonFor(definitions);
    await daemon.tick();
    clock.set('2026-01-05T03:00:30Z');
    expect(await daemon.tick()).toEqual([]);
    expect(await storage.instigatorStates()).toEqual([]);
    await setInstigatorStatus(storage, 'schedule', paused, 'running', clock.now());
    clock.set('2026-01-05T04:00:30Z');
    expect(ticked(await daemon.tick())).toEqual(['paused 2026-01-05T04:00:00.000Z success']);
  });

  it('ticks each example schedule at every one of its tick times over a week, with no tick lost or repeated', async () => {
    const definitions = exampleSchedules();
    const daemon = daemonFor(definitions);
    clock.set('2026-01-04T23:59:00Z');
    await daemon.tick();
    // A pass every 25 minutes: never aligned with the ticks, so each is caught up by the next pass.
    const end = new Date('2026-01-11T23:59:00Z');
    while (clock.now().getTime() + 25 * MINUTE < end.getTime()) {
      clock.advance(25 * MINUTE);
      await daemon.tick();
    }
    clock.set(end);
    await daemon.tick();
    const ticks = (await storage.listTicks()).reverse();
    const timesOf = (name: string) => ticks.filter((tick) => tick.name === name).map((tick) => tick.tickTime.toISOString());
    const days = ['05', '06', '07', '08', '09', '10', '11'];
    const hours = Array.from({ length: 24 }, (_, hour) => String(hour).padStart(2, '0'));
    expect(timesOf('daily-data-refresh')).toEqual(days.map((day) => `2026-01-${day}T02:00:00.000Z`));
    expect(timesOf('six-hourly-refresh')).toEqual(days.flatMap((day) => ['00', '06', '12', '18'].map((hour) => `2026-01-${day}T${hour}:00:00.000Z`)));
    expect(timesOf('hourly-refresh')).toEqual(days.flatMap((day) => hours.map((hour) => `2026-01-${day}T${hour}:00:00.000Z`)));
    expect(timesOf('business-hours-refresh')).toEqual(
      days.slice(0, 5).flatMap((day) => hours.slice(9, 18).map((hour) => `2026-01-${day}T${hour}:00:00.000Z`)),
    );
    expect(ticks.every((tick) => tick.status === 'success')).toBe(true);
  });

  it('ticks a Europe/Berlin schedule once per day across both daylight-saving changes', async () => {
    const nightly = schedule({ name: 'nightly', job: 'refresh', cron: '30 2 * * *', timezone: 'Europe/Berlin' });
    const hourly = schedule({ name: 'hourly', job: 'refresh', cron: '0 * * * *', timezone: 'Europe/Berlin' });
    const definitions = memoryDefinitions({ jobs: [refresh], schedules: [nightly, hourly] });
    for (const [from, to] of [['2026-03-27T12:00:00Z', '2026-03-30T12:00:00Z'], ['2026-10-23T12:00:00Z', '2026-10-26T12:00:00Z']] as const) {
      clock.set(from);
      await setInstigatorStatus(storage, 'schedule', nightly, 'running', clock.now());
      await setInstigatorStatus(storage, 'schedule', hourly, 'running', clock.now());
      const daemon = daemonFor(definitions);
      while (clock.now() < new Date(to)) {
        clock.advance(10 * MINUTE);
        await daemon.tick();
      }
      await setInstigatorStatus(storage, 'schedule', nightly, 'stopped', clock.now());
      await setInstigatorStatus(storage, 'schedule', hourly, 'stopped', clock.now());
    }
    const ticks = (await storage.listTicks()).reverse();
    expect(ticks.filter((tick) => tick.name === 'nightly').map((tick) => tick.tickTime.toISOString())).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist that night: 03:00 CEST
      '2026-03-30T00:30:00.000Z',
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z', // 02:30 happens twice that night: once
      '2026-10-26T01:30:00.000Z',
    ]);
    const hourlyTicks = ticks.filter((tick) => tick.name === 'hourly').map((tick) => tick.tickTime.getTime());
    expect(hourlyTicks).toHaveLength(2 * 72);
    expect(new Set(hourlyTicks).size).toBe(hourlyTicks.length);
    expect(hourlyTicks.slice(0, 72).every((time, index) => index === 0 || time - hourlyTicks[index - 1]! === HOUR)).toBe(true);
    expect(hourlyTicks.slice(72).every((time, index) => index === 0 || time - hourlyTicks[72 + index - 1]! === HOUR)).toBe(true);
  });

  it('records a failed tick when the job cannot be planned, and goes on with the next schedule', async () => {
    const schema = z.object({ n: z.int() });
    const base = asset({ key: 'base', schema, compute: () => [{ n: 1 }] });
    const derived = asset({ key: 'derived', deps: [base], schema, compute: ({ inputs }) => inputs.base });
    const definitions = defineDefinitions({
      assets: [base, derived],
      ioManagers: { default: new MemoryIOManager() },
      // `derived` alone needs `base`, which was never materialized: planning refuses.
      jobs: [job({ name: 'derived-only', select: 'derived' }), job({ name: 'everything', select: '*' })],
      schedules: [
        schedule({ name: 'a-broken', job: 'derived-only', cron: '0 * * * *' }),
        schedule({ name: 'b-fine', job: 'everything', cron: '0 * * * *' }),
      ],
    });
    const daemon = daemonFor(definitions);
    await daemon.tick();
    clock.set('2026-01-05T02:00:30Z');
    const reports = await daemon.tick();
    expect(reports.map(({ tick }) => [tick.name, tick.status])).toEqual([['a-broken', 'failed'], ['b-fine', 'success']]);
    expect(reports[0]!.tick.error).toMatch(/no stored output: derived needs base/);
  });

  it('skips a tick whose job has nothing stale, saying so', async () => {
    const plain = job({ name: 'plain', select: '*' });
    const definitions = memoryDefinitions({ jobs: [plain], schedules: [schedule({ name: 'often', job: plain, cron: '* * * * *' })] });
    const daemon = daemonFor(definitions);
    await daemon.tick();
    clock.advance(MINUTE);
    expect((await daemon.tick())[0]!.tick.status).toBe('success');
    clock.advance(MINUTE);
    const [report] = await daemon.tick();
    expect(report!.tick).toMatchObject({ status: 'skipped', runIds: [], skipReason: 'job plain: nothing to do, every selected asset is up to date' });
  });

  it('skips a tick while the same job still runs, naming the run, and does not run it later', async () => {
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
      schedules: [schedule({ name: 'a', job: slowJob, cron: '0 * * * *' }), schedule({ name: 'b', job: slowJob, cron: '0 * * * *' })],
    });
    // Two daemons on one instance (as a `--once` from system cron beside a running one), each with its own connection.
    const first = daemonFor(definitions);
    const second = new Daemon({ definitions, storage: await instance.open(), clock: clock.now });
    await first.tick();
    clock.set('2026-01-05T02:00:30Z');
    const firstPass = first.tick();
    await started.promise;
    const [skipped, ...others] = await second.tick();
    expect(others).toEqual([]);
    const [running] = await storage.runsWithStatus('started');
    expect(skipped!.tick).toMatchObject({ name: 'b', status: 'skipped', runIds: [] });
    expect(skipped!.tick.skipReason).toBe(`job "slow-job" is still running (run ${running!.runId}, triggered by schedule:a at 2026-01-05T02:00:30.000Z)`);
    gate.resolve();
    const firstReports = await firstPass;
    // The first daemon finds b handled by the second one and leaves it alone.
    expect(ticked(firstReports)).toEqual(['a 2026-01-05T02:00:00.000Z success']);
    expect(firstReports[0]!.runs).toEqual([
      { runId: running!.runId, status: 'success', trigger: 'schedule:a', target: 'job slow-job', durationMs: expect.any(Number), failedAssets: [], error: null },
    ]);
    expect(await storage.listRuns()).toHaveLength(1);
  });
  it('evaluates ticks at its clock and records runs, events and materializations at the run clock', async () => {
    // As `assets daemon --once --now`: the ticks' time is simulated, the runs' time is real.
    const runClock = new ManualClock('2026-11-30T08:15:00Z');
    const daemon = new Daemon({ definitions: exampleSchedules(), storage, clock: clock.now, runClock: runClock.now });
    await daemon.tick();
    clock.set('2026-01-05T02:00:30Z');
    const [daily] = await daemon.tick();
    expect(daily!.tick).toMatchObject({ name: 'daily-data-refresh', tickTime: new Date('2026-01-05T02:00:00Z'), evaluatedAt: new Date('2026-01-05T02:00:30Z') });
    const run = await storage.getRun(daily!.tick.runIds[0]!);
    expect(run).toMatchObject({ startedAt: runClock.now(), endedAt: runClock.now() });
    expect(new Set((await storage.runEvents(run!.runId)).map((event) => event.time.toISOString()))).toEqual(new Set(['2026-11-30T08:15:00.000Z']));
    const materialized = await storage.latestMaterializations(['numbers', 'total']);
    expect([...materialized.values()].map((record) => record.materializedAt.toISOString())).toEqual(['2026-11-30T08:15:00.000Z', '2026-11-30T08:15:00.000Z']);
    expect((await storage.instigatorState('schedule', 'daily-data-refresh'))!.lastTickAt).toEqual(new Date('2026-01-05T02:00:00Z'));
  });

  it('reports each run as it ends: trigger, job, outcome, duration and the assets that failed', async () => {
    const schema = z.object({ n: z.int() });
    const broken = asset({
      key: 'broken',
      schema,
      compute: () => {
        throw new Error('the source is down');
      },
    });
    // Held until the tick is recorded, so the run is certainly in flight then.
    const gate = deferred();
    const fine = asset({ key: 'fine', schema, compute: async () => (await gate.promise, [{ n: 1 }]) });
    const everything = job({ name: 'everything', select: '*', force: 'all' });
    const definitions = defineDefinitions({
      assets: [broken, fine],
      ioManagers: { default: new MemoryIOManager() },
      jobs: [everything],
      schedules: [schedule({ name: 'hourly', job: everything, cron: '0 * * * *' })],
    });
    const ended: unknown[] = [];
    const inFlight: (readonly string[])[] = [];
    const daemon = new Daemon({
      definitions,
      storage,
      clock: clock.now,
      onTick: () => {
        inFlight.push(daemon.runsInFlight);
        gate.resolve();
      },
      onRunEnd: (run) => ended.push(run),
    });
    await daemon.tick();
    clock.set('2026-01-05T02:00:30Z');
    const [report] = await daemon.tick();
    const runId = report!.tick.runIds[0]!;
    expect(ended).toEqual([
      { runId, status: 'failed', trigger: 'schedule:hourly', target: 'job everything', durationMs: expect.any(Number), failedAssets: ['broken'], error: null },
    ]);
    expect(report!.runs).toEqual(ended);
    // While the tick is recorded its run is still going; once the pass is over, nothing is.
    expect(inFlight).toEqual([[runId]]);
    expect(daemon.runsInFlight).toEqual([]);
  });

  it('says which schedules started or last ticked after a given time, and announces the ones a pass starts', async () => {
    const started: string[] = [];
    const definitions = exampleSchedules();
    const daemon = new Daemon({ definitions, storage, clock: clock.now, onStart: ({ kind, name, startedAt }) => started.push(`${kind} ${name} ${startedAt.toISOString()}`) });
    await setInstigatorStatus(storage, 'schedule', hourlyRefresh, 'stopped', clock.now());
    await daemon.tick();
    expect(started).toEqual([
      'schedule business-hours-refresh 2026-01-05T01:59:00.000Z',
      'schedule daily-data-refresh 2026-01-05T01:59:00.000Z',
      'schedule six-hourly-refresh 2026-01-05T01:59:00.000Z',
    ]);
    clock.set('2026-01-05T02:00:30Z');
    await daemon.tick();
    expect(started).toHaveLength(3);
    expect(await daemon.aheadOf(new Date('2026-01-05T01:59:00Z'))).toEqual([{ kind: 'schedule', name: 'daily-data-refresh', since: new Date('2026-01-05T02:00:00Z') }]);
    // The stopped hourly-refresh is not ticking at all, so it is not "ahead" either.
    expect((await daemon.aheadOf(new Date('2026-01-05T01:00:00Z'))).map(({ name, since }) => `${name} ${since.toISOString()}`)).toEqual([
      'business-hours-refresh 2026-01-05T01:59:00.000Z',
      'daily-data-refresh 2026-01-05T02:00:00.000Z',
      'six-hourly-refresh 2026-01-05T01:59:00.000Z',
    ]);
    expect(await daemon.aheadOf(new Date('2026-01-05T02:00:30Z'))).toEqual([]);
  });
});
