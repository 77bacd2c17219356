import { describe, expect, it } from 'vitest';
import { schedule, type ScheduleDefinition } from '../../src/index.js';
import { businessHoursRefresh, dailyDataRefresh, hourlyRefresh, sixHourlyRefresh } from '../../src/assets/jobs.js';
import { latestScheduleTick, nextScheduleTicks } from '../../src/sensors/schedule-ticks.js';
import { HOUR } from './harness.js';

/** Every tick in [from, to), from the schedule's own enumeration. */
function ticksBetween(definition: ScheduleDefinition, from: string, to: string): Date[] {
  const end = new Date(to).getTime();
  const ticks: Date[] = [];
  let after = new Date(new Date(from).getTime() - 1);
  for (;;) {
    const [next] = nextScheduleTicks(definition, after, 1);
    if (next === undefined || next.getTime() >= end) return ticks;
    ticks.push(next);
    after = next;
  }
}

const iso = (dates: readonly Date[]) => dates.map((date) => date.toISOString());
const WEEK_START = '2026-01-05T00:00:00Z'; // a Monday
const WEEK_END = '2026-01-12T00:00:00Z';

describe('tick times of the example schedules over a week (UTC)', () => {
  it('daily-data-refresh ticks at 02:00 on each of the 7 days', () => {
    expect(iso(ticksBetween(dailyDataRefresh, WEEK_START, WEEK_END))).toEqual(
      ['05', '06', '07', '08', '09', '10', '11'].map((day) => `2026-01-${day}T02:00:00.000Z`),
    );
  });

  it('six-hourly-refresh ticks at 00:00, 06:00, 12:00 and 18:00: 28 times', () => {
    const ticks = ticksBetween(sixHourlyRefresh, WEEK_START, WEEK_END);
    expect(ticks).toHaveLength(28);
    expect(new Set(ticks.map((tick) => tick.getUTCHours()))).toEqual(new Set([0, 6, 12, 18]));
    expect(ticks.every((tick, index) => index === 0 || tick.getTime() - ticks[index - 1]!.getTime() === 6 * HOUR)).toBe(true);
  });

  it('hourly-refresh ticks on every hour: 168 times, one hour apart', () => {
    const ticks = ticksBetween(hourlyRefresh, WEEK_START, WEEK_END);
    expect(ticks).toHaveLength(168);
    expect(ticks[0]!.toISOString()).toBe(WEEK_START.replace('Z', '.000Z'));
    expect(ticks.every((tick, index) => index === 0 || tick.getTime() - ticks[index - 1]!.getTime() === HOUR)).toBe(true);
  });

  it('business-hours-refresh ticks 09:00 to 17:00 on weekdays and skips the weekend', () => {
    const ticks = ticksBetween(businessHoursRefresh, WEEK_START, WEEK_END);
    expect(ticks).toHaveLength(5 * 9);
    expect(ticks.some((tick) => tick.getUTCDay() === 0 || tick.getUTCDay() === 6)).toBe(false);
    expect(new Set(ticks.map((tick) => tick.getUTCHours()))).toEqual(new Set([9, 10, 11, 12, 13, 14, 15, 16, 17]));
    expect(ticks[0]!.toISOString()).toBe('2026-01-05T09:00:00.000Z');
    expect(ticks.at(-1)!.toISOString()).toBe('2026-01-09T17:00:00.000Z');
    // Friday 17:00 is followed by Monday 09:00.
    expect(nextScheduleTicks(businessHoursRefresh, new Date('2026-01-09T17:00:00Z'), 1)[0]!.toISOString()).toBe('2026-01-12T09:00:00.000Z');
  });
});

describe('tick times in a time zone with daylight saving (Europe/Berlin, 2026)', () => {
  const daily = schedule({ name: 'daily', job: 'refresh', cron: '30 2 * * *', timezone: 'Europe/Berlin' });
  const hourly = schedule({ name: 'hourly', job: 'refresh', cron: '0 * * * *', timezone: 'Europe/Berlin' });
  const localDate = (tick: Date) => tick.toLocaleDateString('en-CA', { timeZone: 'Europe/Berlin' });

  it('runs a 02:30 schedule once on the spring-forward night, when 02:30 does not exist, at the first valid time', () => {
    // 29 March: clocks jump from 02:00 CET to 03:00 CEST.
    expect(iso(ticksBetween(daily, '2026-03-27T12:00:00Z', '2026-03-30T12:00:00Z'))).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST: no lost day
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('runs a 02:30 schedule once on the fall-back night, when 02:30 happens twice', () => {
    // 25 October: clocks go back from 03:00 CEST to 02:00 CET.
    const ticks = ticksBetween(daily, '2026-10-23T12:00:00Z', '2026-10-26T12:00:00Z');
    expect(iso(ticks)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    expect(new Set(ticks.map(localDate)).size).toBe(ticks.length);
  });

  it('keeps an hourly schedule exactly one real hour apart across both changes: 23 ticks and 25 ticks that day', () => {
    // Local midnight to local midnight; the offsets are those in force at each midnight.
    const days = [
      { from: '2026-03-29T00:00:00+01:00', to: '2026-03-30T00:00:00+02:00', hours: 23 },
      { from: '2026-10-25T00:00:00+02:00', to: '2026-10-26T00:00:00+01:00', hours: 25 },
    ];
    for (const { from, to, hours } of days) {
      const ticks = ticksBetween(hourly, from, to);
      expect(ticks).toHaveLength(hours);
      expect(new Set(iso(ticks)).size).toBe(hours);
      expect(ticks.every((tick, index) => index === 0 || tick.getTime() - ticks[index - 1]!.getTime() === HOUR)).toBe(true);
    }
  });
});

describe('latestScheduleTick', () => {
  it('gives the latest tick in (after, until], counting a tick exactly at until', () => {
    const after = new Date('2026-01-05T00:30:00Z');
    expect(latestScheduleTick(hourlyRefresh, after, new Date('2026-01-05T10:30:00Z'))?.toISOString()).toBe('2026-01-05T10:00:00.000Z');
    expect(latestScheduleTick(hourlyRefresh, after, new Date('2026-01-05T10:00:00Z'))?.toISOString()).toBe('2026-01-05T10:00:00.000Z');
    expect(latestScheduleTick(dailyDataRefresh, after, new Date('2026-01-05T10:30:00Z'))?.toISOString()).toBe('2026-01-05T02:00:00.000Z');
  });

  it('gives nothing when the only ticks are at or before after', () => {
    expect(latestScheduleTick(dailyDataRefresh, new Date('2026-01-05T02:00:00Z'), new Date('2026-01-05T23:59:00Z'))).toBeUndefined();
    expect(latestScheduleTick(businessHoursRefresh, new Date('2026-01-09T18:00:00Z'), new Date('2026-01-12T08:59:00Z'))).toBeUndefined();
  });

  it('answers a year of downtime at once with the single latest tick', () => {
    const everyMinute = schedule({ name: 'every-minute', job: 'refresh', cron: '* * * * *' });
    expect(latestScheduleTick(everyMinute, new Date('2025-01-01T00:00:00Z'), new Date('2026-01-01T00:00:30Z'))?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});
