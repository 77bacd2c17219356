import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

const AUTOMATION = path.join(FIXTURES, 'automation-definitions.mjs');

interface SchedulesJson {
  schedules: { name: string; cron: string; description: string; partitions: string | null; timezone: string; status: string; statusSetBy: string; nextTicks: string[]; lastTick: unknown }[];
}

describe('assets schedules, schedule, jobs and materialize --job (the example pipeline)', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());
  const assets = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });

  it('lists the five example schedules with a description, status and their next three ticks', async () => {
    const table = await assets('schedules');
    expect(table.code).toBe(0);
    expect(table.stderr).toBe('');
    for (const line of [
      /^business-hours-refresh\s+0 9-17 \* \* 1-5\s+Every hour from 09:00 to 17:00, Monday to Friday\s+UTC\s+running\s+\d\d-\d\d (?:09|1[0-7]):00, /m,
      /^daily-data-refresh\s+0 2 \* \* \*\s+At 02:00 every day\s+UTC\s+running\s+\d\d-\d\d 02:00, \d\d-\d\d 02:00, \d\d-\d\d 02:00\s+-$/m,
      /^daily-partition-refresh\s+0 2 \* \* \*\s+At 02:00 every day; materializes the partition of the day that ended \(daily from 2026-01-01 \(UTC\), before 2026-01-15\)\s+UTC\s+running\s+/m,
      /^hourly-refresh\s+0 \* \* \* \*\s+Every hour, on the hour\s+UTC\s+running\s+/m,
      /^six-hourly-refresh\s+0 \*\/6 \* \* \*\s+Every 6 hours, on the hour \(00:00, 06:00, 12:00, 18:00\)\s+UTC\s+running\s+/m,
    ]) {
      expect(table.stdout).toMatch(line);
    }

    const json = await assets('schedules', '--json');
    expect(json.code).toBe(0);
    const { schedules } = JSON.parse(json.stdout) as SchedulesJson;
    expect(schedules.map((schedule) => schedule.name)).toEqual(['business-hours-refresh', 'daily-data-refresh', 'daily-partition-refresh', 'hourly-refresh', 'six-hourly-refresh']);
    expect(schedules.map((schedule) => [schedule.name, schedule.partitions])).toContainEqual(['daily-partition-refresh', 'materializes the partition of the day that ended (daily from 2026-01-01 (UTC), before 2026-01-15)']);
    expect(schedules.filter((schedule) => schedule.partitions !== null).map((schedule) => schedule.name)).toEqual(['daily-partition-refresh']);
    const started = Date.now();
    for (const schedule of schedules) {
      const ticks = schedule.nextTicks.map((tick) => new Date(tick));
      expect(ticks).toHaveLength(3);
      expect(ticks[0]!.getTime()).toBeGreaterThan(started - 60_000);
      expect(ticks.every((tick, index) => index === 0 || tick > ticks[index - 1]!)).toBe(true);
      expect(ticks.every((tick) => tick.getUTCMinutes() === 0 && tick.getUTCSeconds() === 0)).toBe(true);
      expect(schedule).toMatchObject({ timezone: 'UTC', status: 'running', statusSetBy: 'definition', lastTick: null });
    }
    const byName = Object.fromEntries(schedules.map((schedule) => [schedule.name, schedule.nextTicks.map((tick) => new Date(tick))]));
    expect(byName['daily-data-refresh']!.every((tick) => tick.getUTCHours() === 2)).toBe(true);
    expect(byName['six-hourly-refresh']!.every((tick) => tick.getUTCHours() % 6 === 0)).toBe(true);
    expect(byName['business-hours-refresh']!.every((tick) => tick.getUTCHours() >= 9 && tick.getUTCHours() <= 17 && tick.getUTCDay() >= 1 && tick.getUTCDay() <= 5)).toBe(true);
  });

  it('previews the ticks of a schedule from a given time, over a weekend', async () => {
    const json = await assets('schedule', 'preview', 'business-hours-refresh', '--from', '2026-01-09T16:30:00Z', '--count', '3', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      schedule: 'business-hours-refresh',
      cron: '0 9-17 * * 1-5',
      every: null,
      anchor: null,
      description: 'Every hour from 09:00 to 17:00, Monday to Friday',
      timezone: 'UTC',
      from: '2026-01-09T16:30:00.000Z',
      ticks: ['2026-01-09T17:00:00.000Z', '2026-01-12T09:00:00.000Z', '2026-01-12T10:00:00.000Z'],
      partitions: null,
    });
    const table = await assets('schedule', 'preview', 'daily-data-refresh', '--from', '2026-01-05T00:00:00Z', '--count', '2');
    expect(table.stdout).toBe(
      [
        'daily-data-refresh: At 02:00 every day (0 2 * * *, UTC)',
        '#  time (UTC)            UTC',
        '1  2026-01-05 02:00 Mon  2026-01-05T02:00:00.000Z',
        '2  2026-01-06 02:00 Tue  2026-01-06T02:00:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it('previews the partition each tick of a daily-partitioned job materializes: the day that ended, up to the last one', async () => {
    const table = await assets('schedule', 'preview', 'daily-partition-refresh', '--from', '2026-01-13T00:00:00Z', '--count', '4');
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(
      [
        'daily-partition-refresh: At 02:00 every day (0 2 * * *, UTC)',
        'Each tick materializes the partition of the day that ended (daily from 2026-01-01 (UTC), before 2026-01-15).',
        '#  time (UTC)            UTC                       partition',
        '1  2026-01-13 02:00 Tue  2026-01-13T02:00:00.000Z  2026-01-12',
        '2  2026-01-14 02:00 Wed  2026-01-14T02:00:00.000Z  2026-01-13',
        '3  2026-01-15 02:00 Thu  2026-01-15T02:00:00.000Z  2026-01-14',
        '4  2026-01-16 02:00 Fri  2026-01-16T02:00:00.000Z  2026-01-14',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await assets('schedule', 'preview', 'daily-partition-refresh', '--from', '2025-12-31T00:00:00Z', '--count', '2', '--json')).stdout) as { ticks: string[]; partitions: (string | null)[] };
    // The tick of 2025-12-31 comes before any day has ended: it materializes none.
    expect(json.ticks).toEqual(['2025-12-31T02:00:00.000Z', '2026-01-01T02:00:00.000Z']);
    expect(json.partitions).toEqual([null, null]);
    const later = JSON.parse((await assets('schedule', 'preview', 'daily-partition-refresh', '--from', '2026-01-01T12:00:00Z', '--count', '1', '--json')).stdout) as { partitions: string[] };
    expect(later.partitions).toEqual(['2026-01-01']);
  });

  it('shows the ticks of a schedule in its own time zone, offsets included', async () => {
    const table = await assets('schedule', 'preview', 'nightly', '--from', '2026-03-27T12:00:00Z', '--count', '3', '--definitions', AUTOMATION);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('1  2026-03-28 02:00 Sat +01:00  2026-03-28T01:00:00.000Z');
    expect(table.stdout).toContain('2  2026-03-29 03:00 Sun +02:00  2026-03-29T01:00:00.000Z');
  });

  it('previews interval schedules across the spring-forward night and lists them in plain English', async () => {
    const INTERVALS = path.join(FIXTURES, 'interval-schedule-definitions.mjs');
    const every90 = await assets('schedule', 'preview', 'every-90m', '--from', '2026-03-28T23:00:00Z', '--count', '3', '--definitions', INTERVALS);
    expect(every90.code).toBe(0);
    expect(every90.stdout).toContain('every-90m: Every 90 minutes from 2026-03-01 00:00 (every 90m from 2026-03-01T00:00, Europe/Berlin)');
    // 90 real minutes apart: 01:30 CET, then 04:00 CEST, the skipped hour not counted.
    expect(every90.stdout).toContain('1  2026-03-29 01:30 Sun +01:00  2026-03-29T00:30:00.000Z');
    expect(every90.stdout).toContain('2  2026-03-29 04:00 Sun +02:00  2026-03-29T02:00:00.000Z');
    const daily = await assets('schedule', 'preview', 'daily-0230', '--from', '2026-03-27T12:00:00Z', '--count', '3', '--json', '--definitions', INTERVALS);
    expect(JSON.parse(daily.stdout)).toMatchObject({
      cron: null,
      every: '1d',
      anchor: '2026-03-01T02:30',
      description: 'Every day at 02:30 from 2026-03-01',
      ticks: ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'],
    });
    const listed = await assets('schedules', '--json', '--definitions', INTERVALS);
    expect(JSON.parse(listed.stdout).schedules.map((s: { name: string; every: string; description: string }) => [s.name, s.every, s.description])).toEqual([
      ['daily-0230', '1d', 'Every day at 02:30 from 2026-03-01'],
      ['every-90m', '90m', 'Every 90 minutes from 2026-03-01 00:00'],
    ]);
  });

  it('stops and starts a schedule in the instance, and says when nothing changed', async () => {
    const stop = await assets('schedule', 'stop', 'hourly-refresh');
    expect(stop).toMatchObject({ code: 0, stdout: 'Stopped schedule hourly-refresh.\n' });
    const stopped = (JSON.parse((await assets('schedules', '--json')).stdout) as SchedulesJson).schedules.find((s) => s.name === 'hourly-refresh');
    expect(stopped).toMatchObject({ status: 'stopped', statusSetBy: 'instance' });
    expect((await assets('schedule', 'stop', 'hourly-refresh')).stdout).toBe('Schedule hourly-refresh was already stopped.\n');
    const start = await assets('schedule', 'start', 'hourly-refresh');
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(/^Started schedule hourly-refresh\. Next tick: \d{4}-\d\d-\d\d \d\d:00 \w{3} \(UTC\)\.\n$/);
    expect((await assets('schedule', 'start', 'hourly-refresh')).stdout).toMatch(/^Schedule hourly-refresh was already running\./);
  });

  it('rejects an unknown schedule or action with a did-you-mean, and a time without an offset', async () => {
    const unknown = await assets('schedule', 'preview', 'daily-data-refesh');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: Unknown schedule "daily-data-refesh".');
    expect(unknown.stderr).toContain('"daily-data-refresh"');
    const action = await assets('schedule', 'stat', 'daily-data-refresh');
    expect(action.code).toBe(2);
    expect(action.stderr).toContain('Did you mean `assets schedule start`?');
    const local = await assets('schedule', 'preview', 'daily-data-refresh', '--from', '2026-01-05T02:00');
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('--from must be an ISO 8601 time with a UTC offset, got "2026-01-05T02:00"');
    const misplaced = await assets('schedule', 'stop', 'daily-data-refresh', '--count', '3');
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('--count only applies to `assets schedule preview`.');
  });

  it('lists the jobs with their assets and what runs them', async () => {
    const result = await assets('jobs', '--json');
    expect(result.code).toBe(0);
    const { jobs } = JSON.parse(result.stdout) as { jobs: Record<string, unknown>[] };
    expect(jobs.find((job) => job.name === 'refresh')).toEqual({
      name: 'refresh',
      select: '*',
      exclude: 'group:daily',
      force: 'sources',
      description: 'Re-fetch users and posts; rebuild only what their changes reach.',
      assets: ['posts', 'users', 'posts_enriched', 'user_stats', 'summary', 'top_authors'],
      sources: ['posts', 'users'],
      schedules: ['business-hours-refresh', 'daily-data-refresh', 'hourly-refresh', 'six-hourly-refresh'],
      sensors: ['new-snapshot'],
    });
  });

  it('materializes a job with --job: its sources forced, the rest by staleness', async () => {
    expect((await assets('materialize')).code).toBe(0);
    const result = await assets('materialize', '--job', 'refresh', '--json');
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as { status: string; assets: { key: string; action: string; reasons: string[] }[] };
    expect(run.status).toBe('success');
    expect(run.assets.map((asset) => [asset.key, asset.action, asset.reasons.join(',')])).toEqual([
      ['posts', 'materialized', 'forced'],
      ['users', 'materialized', 'forced'],
      ['posts_enriched', 'up-to-date', 'upstream-planned'],
      ['user_stats', 'up-to-date', 'upstream-planned'],
      ['summary', 'up-to-date', 'upstream-planned'],
      ['top_authors', 'up-to-date', 'upstream-planned'],
    ]);
  });

  it('rejects --job with --select, --exclude, --force or --refresh, naming the flag', async () => {
    for (const flags of [['--select', 'users'], ['--exclude', 'users'], ['--force'], ['--refresh', 'users']]) {
      const result = await assets('materialize', '--job', 'refresh', ...flags);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`error: --job cannot be combined with ${flags[0]}.`);
    }
    const unknown = await assets('materialize', '--job', 'refesh');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown job "refesh"');
  });

  it('reports an invalid cron expression or job selection in the definitions, naming the field (exit 2)', async () => {
    const cron = await runCli(['schedules', '--definitions', AUTOMATION], { cwd: workspace.dir, env: { ...workspace.env, TEST_BROKEN: 'cron' } });
    expect(cron.code).toBe(2);
    expect(cron.stderr).toContain('schedule "nightly": cron "0 25 * * *": hour 25 is out of range (0-23)');
    const selection = await runCli(['jobs', '--definitions', AUTOMATION], { cwd: workspace.dir, env: { ...workspace.env, TEST_BROKEN: 'selection' } });
    expect(selection.code).toBe(2);
    expect(selection.stderr).toMatch(/error: The definitions have 1 problem:\n {2}- job "refresh": Invalid selection/);
  });
});
