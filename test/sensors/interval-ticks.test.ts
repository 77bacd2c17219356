import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, job, MemoryIOManager, schedule } from '../../src/index.js';
import { describeSchedule, scheduleCadence } from '../../src/sensors/describe-schedule.js';
import { latestScheduleTick, nextScheduleTicks } from '../../src/sensors/schedule-ticks.js';

const iso = (dates: readonly Date[]) => dates.map((date) => date.toISOString());
const MINUTE = 60_000;

describe('interval schedules (every)', () => {
  it('ticks at anchor + n x interval, with no drift after 1,000 ticks', () => {
    const every90 = schedule({ name: 'every-90', job: 'refresh', every: '90m', anchor: '2026-01-01T00:00:00Z' });
    const anchor = Date.parse('2026-01-01T00:00:00Z');
    const ticks = nextScheduleTicks(every90, new Date(anchor), 1000);
    expect(ticks.every((tick, index) => tick.getTime() === anchor + (index + 1) * 90 * MINUTE)).toBe(true);
    expect(ticks.at(-1)!.toISOString()).toBe('2026-03-04T12:00:00.000Z');
    // From any point in between, the same grid: never a tick off it.
    expect(iso(nextScheduleTicks(every90, new Date('2026-02-10T10:17:00Z'), 2))).toEqual(['2026-02-10T10:30:00.000Z', '2026-02-10T12:00:00.000Z']);
    // An anchor in the future still sets the phase of the ticks before it.
    expect(iso(nextScheduleTicks(schedule({ name: 'later', job: 'refresh', every: '90m', anchor: '2030-01-01T00:00:00Z' }), new Date('2026-01-01T00:10:00Z'), 1))).toEqual(['2026-01-01T01:30:00.000Z']);
  });

  it('follows elapsed time across both daylight-saving changes when the interval is under a day', () => {
    const every90 = schedule({ name: 'every-90', job: 'refresh', every: '90m', anchor: '2026-03-28T00:00', timezone: 'Europe/Berlin' });
    // Spring forward (29 March, 02:00 CET -> 03:00 CEST): still 90 real minutes apart, local times shift by the hour.
    const spring = nextScheduleTicks(every90, new Date('2026-03-28T23:00:00Z'), 3);
    expect(iso(spring)).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T02:00:00.000Z', '2026-03-29T03:30:00.000Z']);
    expect(spring.map((tick) => tick.toLocaleTimeString('en-GB', { timeZone: 'Europe/Berlin' }))).toEqual(['01:30:00', '04:00:00', '05:30:00']);
    // Fall back (25 October, 03:00 CEST -> 02:00 CET): the repeated hour is counted once, as real time.
    const autumn = nextScheduleTicks(every90, new Date('2026-10-24T23:00:00Z'), 3);
    expect(autumn.map((tick, index) => index === 0 || tick.getTime() - autumn[index - 1]!.getTime() === 90 * MINUTE)).toEqual([true, true, true]);
  });

  it('keeps the local wall-clock time across both changes when the interval is whole days, and elapsed time otherwise', () => {
    const daily = schedule({ name: 'daily', job: 'refresh', every: '1d', anchor: '2026-03-01T02:30', timezone: 'Europe/Berlin' });
    // 02:30 does not exist on 29 March: the first valid time after it (03:00 CEST), as a cron schedule does.
    expect(iso(nextScheduleTicks(daily, new Date('2026-03-27T12:00:00Z'), 3))).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    // 02:30 happens twice on 25 October: once, the first.
    expect(iso(nextScheduleTicks(daily, new Date('2026-10-23T12:00:00Z'), 3))).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    // 36 hours is 36 real hours across the spring-forward night, though it is more than a day.
    const every36h = schedule({ name: 'every-36h', job: 'refresh', every: '36h', anchor: '2026-03-28T00:00', timezone: 'Europe/Berlin' });
    const [first, second] = nextScheduleTicks(every36h, new Date('2026-03-27T23:00:00Z'), 2);
    expect(second!.getTime() - first!.getTime()).toBe(36 * 60 * MINUTE);
    const weekly = schedule({ name: 'weekly', job: 'refresh', every: '7d', anchor: '2026-03-23T09:00', timezone: 'Europe/Berlin' });
    expect(nextScheduleTicks(weekly, new Date('2026-03-23T09:00:00Z'), 2).map((tick) => tick.toLocaleString('en-GB', { timeZone: 'Europe/Berlin' }))).toEqual(['30/03/2026, 09:00:00', '06/04/2026, 09:00:00']);
  });

  it('gives the latest tick in (after, until] after downtime, and nothing when there is none', () => {
    const every90 = schedule({ name: 'every-90', job: 'refresh', every: '90m', anchor: '2026-01-01T00:00:00Z' });
    expect(latestScheduleTick(every90, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(latestScheduleTick(every90, new Date('2026-01-01T01:30:00Z'), new Date('2026-01-01T02:59:00Z'))).toBeUndefined();
    expect(latestScheduleTick(every90, new Date('2026-01-01T01:29:00Z'), new Date('2026-01-01T01:30:00Z'))?.toISOString()).toBe('2026-01-01T01:30:00.000Z');
  });

  it('counts from midnight of 2000-01-01 in its time zone when it names no anchor', () => {
    const sixHourly = schedule({ name: 'six', job: 'refresh', every: '6h', timezone: 'America/New_York' });
    expect(iso(nextScheduleTicks(sixHourly, new Date('2026-01-05T00:00:00Z'), 2))).toEqual(['2026-01-05T05:00:00.000Z', '2026-01-05T11:00:00.000Z']);
  });

  it('reads an anchor without an offset in the year it names, as one with an offset, before the year 100 too', () => {
    // A weekly interval's phase is the anchor's weekday: 0050-01-01 and 1950-01-01 fall on different ones.
    const from = new Date('2026-01-01T00:00:00Z');
    const ticksOf = (anchor: string) => iso(nextScheduleTicks(schedule({ name: 'weekly', job: 'refresh', every: '7d', anchor }), from, 2));
    expect(ticksOf('0050-01-01T00:00')).toEqual(ticksOf('0050-01-01T00:00:00Z'));
    expect(ticksOf('0050-01-01T00:00')).not.toEqual(ticksOf('1950-01-01T00:00'));
  });

  it('describes itself in plain English', () => {
    const cases = [
      [schedule({ name: 'a', job: 'refresh', every: '90m', anchor: '2026-01-01T00:00:00Z' }), 'every 90m from 2026-01-01T00:00:00Z', 'Every 90 minutes from 2026-01-01 00:00'],
      [schedule({ name: 'b', job: 'refresh', every: '6h' }), 'every 6h', 'Every 6 hours from 2000-01-01 00:00'],
      [schedule({ name: 'c', job: 'refresh', every: '1d', anchor: '2026-03-01T02:30', timezone: 'Europe/Berlin' }), 'every 1d from 2026-03-01T02:30', 'Every day at 02:30 from 2026-03-01'],
      [schedule({ name: 'd', job: 'refresh', every: '14d', anchor: '2026-03-02T09:00', timezone: 'Europe/Berlin' }), 'every 14d from 2026-03-02T09:00', 'Every 2 weeks at 09:00 from 2026-03-02'],
      [schedule({ name: 'e', job: 'refresh', cron: '0 2 * * *' }), '0 2 * * *', 'At 02:00 every day'],
    ] as const;
    expect(cases.map(([definition]) => [scheduleCadence(definition), describeSchedule(definition)])).toEqual(cases.map(([, cadence, sentence]) => [cadence, sentence]));
  });

  it('reports a schedule with both or neither of cron and every, a bad interval, anchor or time zone, or an anchor beside cron, with the other definitions problems', () => {
    const refresh = job({ name: 'refresh', select: '*' });
    const only = asset({ key: 'only', schema: z.object({ id: z.int() }), compute: () => [] });
    const definitionsWith = (...schedules: ReturnType<typeof schedule>[]) => () => defineDefinitions({ assets: [only], ioManagers: { default: new MemoryIOManager() }, jobs: [refresh], schedules });
    expect(
      definitionsWith(
        schedule({ name: 'both', job: refresh, cron: '0 * * * *', every: '1h' }),
        schedule({ name: 'neither', job: refresh }),
        schedule({ name: 'seconds', job: refresh, every: '30s' }),
        schedule({ name: 'words', job: refresh, every: 'hourly' }),
        schedule({ name: 'anchor', job: refresh, every: '1h', anchor: 'tomorrow' }),
        schedule({ name: 'no-day', job: refresh, every: '1h', anchor: '2026-02-30T09:00' }),
        schedule({ name: 'no-hour', job: refresh, every: '1h', anchor: '2026-01-05T24:00' }),
        // Date.parse alone would roll both over (to March 2, and to 10:00).
        schedule({ name: 'no-day-utc', job: refresh, every: '1h', anchor: '2026-02-30T00:00:00Z' }),
        schedule({ name: 'no-minute', job: refresh, every: '1h', anchor: '2026-01-05T09:60', timezone: 'Europe/Berlin' }),
        schedule({ name: 'zone', job: refresh, every: '1h', timezone: 'Mars/Olympus' }),
        schedule({ name: 'cron-anchor', job: refresh, cron: '0 9 * * *', anchor: '2026-01-05T09:00' }),
      ),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'schedule "both": give either cron (such as "0 2 * * *") or every (such as "90m"), not both',
          'schedule "neither": give either cron (such as "0 2 * * *") or every (such as "90m"), not neither',
          'schedule "seconds": every must be a whole number of minutes, at least 1m; got 30s',
          'schedule "words": every: "hourly" is not a duration; write a duration such as "90m", "6h" or "1d"',
          'schedule "anchor": anchor "tomorrow" is not an ISO time such as "2026-01-01T00:00:00Z" or "2026-01-01T09:00"',
          'schedule "no-day": anchor "2026-02-30T09:00" names no time: its day 2026-02-30 does not exist, February 2026 has 28 days',
          'schedule "no-hour": anchor "2026-01-05T24:00" names no time: its time 24:00 does not exist, hours run 00 to 23',
          'schedule "no-day-utc": anchor "2026-02-30T00:00:00Z" names no time: its day 2026-02-30 does not exist, February 2026 has 28 days',
          'schedule "no-minute": anchor "2026-01-05T09:60" names no time: its time 09:60 does not exist, minutes run 00 to 59',
          'schedule "zone": timezone "Mars/Olympus" is not an IANA time zone name (e.g. "UTC", "Europe/Berlin", "America/New_York")',
          'schedule "cron-anchor": anchor "2026-01-05T09:00" is read only with every; cron "0 9 * * *" names its own times: drop anchor, or replace cron with every (such as "1d")',
        ],
      }),
    );
  });
});
