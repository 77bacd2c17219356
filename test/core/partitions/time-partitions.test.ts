import { describe, expect, it } from 'vitest';
import { DefinitionError, UsageError } from '../../../src/core/errors.js';
import type { PartitionsContext, TimePartitionsDefinition } from '../../../src/core/partitions.js';
import { dailyPartitions, hourlyPartitions, monthlyPartitions, weeklyPartitions } from '../../../src/core/time-partitions.js';

const HOUR = 3_600_000;

function at(iso: string): PartitionsContext {
  return { now: new Date(iso), dynamicKeys: () => [] };
}

function windowOf(definition: TimePartitionsDefinition, key: string): [string, string] {
  const window = definition.timeWindow(key);
  return [window.start.toISOString(), window.end.toISOString()];
}

function keysOnDay(keys: readonly string[], day: string): string[] {
  return keys.filter((key) => key.startsWith(day));
}

/** Every window ends where the next starts: no instant is in two partitions or in none. */
function expectContiguous(definition: TimePartitionsDefinition, keys: readonly string[]): void {
  for (let index = 1; index < keys.length; index++) {
    expect(definition.timeWindow(keys[index]!).start).toEqual(definition.timeWindow(keys[index - 1]!).end);
  }
}

describe('daily partitions across daylight-saving changes', () => {
  it('gives New York a 23-hour day in March and a 25-hour day in November, midnight to midnight', () => {
    const daily = dailyPartitions({ start: '2026-01-01', timezone: 'America/New_York' });
    expect(windowOf(daily, '2026-03-08')).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    expect(windowOf(daily, '2026-11-01')).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
    const keys = daily.keys(at('2026-12-01T00:00:00Z'));
    expect(keys).toContain('2026-03-08');
    expect(keys).toContain('2026-11-01');
    expectContiguous(daily, keys);
  });

  it('gives Berlin a 23-hour day in March and a 25-hour day in October', () => {
    const daily = dailyPartitions({ start: '2026-03-01', timezone: 'Europe/Berlin' });
    expect(windowOf(daily, '2026-03-29')).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    expect(windowOf(daily, '2026-10-25')).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    const keys = daily.keys(at('2026-11-01T00:00:00Z'));
    // 1 March to 31 October, each local day once.
    expect(keys.length).toBe(31 + 30 + 31 + 30 + 31 + 31 + 30 + 31);
    expect(keys.at(-1)).toBe('2026-10-31');
    expectContiguous(daily, keys);
  });

  it('completes a local day at local midnight, not at UTC midnight', () => {
    const daily = dailyPartitions({ start: '2026-01-01', timezone: 'America/New_York' });
    // 2026-01-02 04:59Z is 23:59 on the 1st in New York: the 1st is still running.
    expect(daily.keys(at('2026-01-02T04:59:59Z'))).toEqual([]);
    expect(daily.keys(at('2026-01-02T05:00:00Z'))).toEqual(['2026-01-01']);
  });
});

describe('hourly partitions across daylight-saving changes', () => {
  it('has no partition for the hour New York skips in March: 23 that day', () => {
    const hourly = hourlyPartitions({ start: '2026-03-07', timezone: 'America/New_York' });
    const day = keysOnDay(hourly.keys(at('2026-03-10T00:00:00Z')), '2026-03-08');
    expect(day).toHaveLength(23);
    expect(day).not.toContain('2026-03-08-02:00');
    expect(windowOf(hourly, '2026-03-08-01:00')).toEqual(['2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z']);
    expect(windowOf(hourly, '2026-03-08-03:00')).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-08T08:00:00.000Z']);
    expect(hourly.problem('2026-03-08-02:00', at('2026-03-10T00:00:00Z'))).toMatch(/does not exist in America\/New_York: the clocks skip/);
  });

  it('makes the hour New York repeats in November one partition of two elapsed hours: 24 that day', () => {
    const hourly = hourlyPartitions({ start: '2026-10-31', timezone: 'America/New_York' });
    const keys = hourly.keys(at('2026-11-03T00:00:00Z'));
    const day = keysOnDay(keys, '2026-11-01');
    expect(day).toHaveLength(24);
    expect(new Set(day).size).toBe(24);
    expect(windowOf(hourly, '2026-11-01-01:00')).toEqual(['2026-11-01T05:00:00.000Z', '2026-11-01T07:00:00.000Z']);
    expect(windowOf(hourly, '2026-11-01-02:00')).toEqual(['2026-11-01T07:00:00.000Z', '2026-11-01T08:00:00.000Z']);
    expectContiguous(hourly, keys);
  });

  it('has 23 partitions on Berlin\'s spring-forward day and 24 on its fall-back day, the repeated 02:00 lasting two hours', () => {
    const hourly = hourlyPartitions({ start: '2026-03-28', timezone: 'Europe/Berlin' });
    const keys = hourly.keys(at('2026-10-27T00:00:00Z'));
    expect(keysOnDay(keys, '2026-03-29')).toHaveLength(23);
    expect(keysOnDay(keys, '2026-03-29')).not.toContain('2026-03-29-02:00');
    expect(windowOf(hourly, '2026-03-29-01:00')).toEqual(['2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000Z']);
    expect(windowOf(hourly, '2026-03-29-03:00')).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z']);
    expect(keysOnDay(keys, '2026-10-25')).toHaveLength(24);
    expect(windowOf(hourly, '2026-10-25-02:00')).toEqual(['2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000Z']);
    expect(windowOf(hourly, '2026-10-25-03:00')).toEqual(['2026-10-25T02:00:00.000Z', '2026-10-25T03:00:00.000Z']);
    expectContiguous(hourly, keys);
  });

  it('keeps the repeated hour in progress until its second pass ends', () => {
    const hourly = hourlyPartitions({ start: '2026-11-01', timezone: 'America/New_York' });
    // 06:30Z is 01:30 for the second time (EST).
    expect(hourly.keys(at('2026-11-01T06:30:00Z')).at(-1)).toBe('2026-11-01-00:00');
    expect(hourly.keys(at('2026-11-01T07:00:00Z')).at(-1)).toBe('2026-11-01-01:00');
    const inProgress = hourlyPartitions({ start: '2026-11-01', timezone: 'America/New_York', endOffset: 1 });
    expect(inProgress.keys(at('2026-11-01T06:30:00Z')).at(-1)).toBe('2026-11-01-01:00');
  });

  it('finds the partitions overlapping an instant window, the repeated hour once', () => {
    const hourly = hourlyPartitions({ start: '2026-11-01', timezone: 'America/New_York' });
    const keys = hourly.keysOverlapping({ start: new Date('2026-11-01T05:30:00Z'), end: new Date('2026-11-01T07:30:00Z') });
    expect(keys).toEqual(['2026-11-01-01:00', '2026-11-01-02:00']);
    const daily = dailyPartitions({ start: '2026-11-01', timezone: 'America/New_York' });
    const wholeDay = daily.timeWindow('2026-11-01');
    expect(hourly.keysOverlapping(wholeDay)).toHaveLength(24);
  });
});

describe('keys now', () => {
  const daily = dailyPartitions({ start: '2026-01-01' });

  it('holds only complete windows by default, a window counting at the instant it ends', () => {
    expect(daily.keys(at('2026-01-03T12:00:00Z'))).toEqual(['2026-01-01', '2026-01-02']);
    expect(daily.keys(at('2026-01-04T00:00:00Z'))).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(daily.keys(at('2025-12-31T00:00:00Z'))).toEqual([]);
  });

  it('adds the window in progress with endOffset 1 and holds the last one back with -1', () => {
    expect(dailyPartitions({ start: '2026-01-01', endOffset: 1 }).keys(at('2026-01-03T12:00:00Z'))).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(dailyPartitions({ start: '2026-01-01', endOffset: 2 }).keys(at('2026-01-01T12:00:00Z'))).toEqual(['2026-01-01', '2026-01-02']);
    expect(dailyPartitions({ start: '2026-01-01', endOffset: -1 }).keys(at('2026-01-03T12:00:00Z'))).toEqual(['2026-01-01']);
  });

  it('stops before end, however late it is', () => {
    const bounded = dailyPartitions({ start: '2026-01-01', end: '2026-01-04', endOffset: 3 });
    expect(bounded.keys(at('2030-01-01T00:00:00Z'))).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(bounded.keys(at('2026-01-02T12:00:00Z'))).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
  });

  it('formats hourly keys as YYYY-MM-DD-HH:mm and starts them at a given hour', () => {
    const hourly = hourlyPartitions({ start: '2026-01-01-22:00' });
    expect(hourly.keys(at('2026-01-02T01:30:00Z'))).toEqual(['2026-01-01-22:00', '2026-01-01-23:00', '2026-01-02-00:00']);
  });
});

describe('weekly and monthly partitions', () => {
  it('starts weeks on Sunday by default, rounding the start up to the first whole week', () => {
    const weekly = weeklyPartitions({ start: '2026-01-01' });
    expect(weekly.keys(at('2026-01-25T00:00:00Z'))).toEqual(['2026-01-04', '2026-01-11', '2026-01-18']);
    expect(windowOf(weekly, '2026-01-04')).toEqual(['2026-01-04T00:00:00.000Z', '2026-01-11T00:00:00.000Z']);
  });

  it('starts weeks on the given dayOfWeek', () => {
    const mondays = weeklyPartitions({ start: '2026-01-05', dayOfWeek: 1 });
    expect(mondays.keys(at('2026-01-19T00:00:00Z'))).toEqual(['2026-01-05', '2026-01-12']);
    expect(mondays.problem('2026-01-07', at('2026-01-19T00:00:00Z'))).toBe('"2026-01-07" is not the start of a weekly partition (they start on Mondays); the partition holding it is 2026-01-05');
  });

  it('gives a week holding a daylight-saving change its local length', () => {
    const weekly = weeklyPartitions({ start: '2026-03-01', timezone: 'Europe/Berlin' });
    const window = weekly.timeWindow('2026-03-29');
    expect(window.end.getTime() - window.start.getTime()).toBe(7 * 24 * HOUR - HOUR);
  });

  it('has months of their own length, keyed by their first day', () => {
    const monthly = monthlyPartitions({ start: '2026-01-01' });
    expect(monthly.keys(at('2026-04-01T00:00:00Z'))).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
    expect(windowOf(monthly, '2026-02-01')).toEqual(['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
  });

  it('starts months on dayOfMonth, crossing the year', () => {
    const monthly = monthlyPartitions({ start: '2025-11-20', dayOfMonth: 15 });
    expect(monthly.keys(at('2026-02-15T00:00:00Z'))).toEqual(['2025-12-15', '2026-01-15']);
    expect(monthly.problem('2026-01-01', at('2026-03-01T00:00:00Z'))).toBe('"2026-01-01" is not the start of a monthly partition (they start on day 15 of a month); the partition holding it is 2025-12-15');
  });
});

describe('problems with a key', () => {
  const daily = dailyPartitions({ start: '2026-01-01' });
  const now = at('2026-01-15T00:00:00Z');

  it('says the expected format with an example', () => {
    expect(daily.problem('2026/01/05', now)).toBe('"2026/01/05" is not a daily partition key: expected YYYY-MM-DD, such as 2026-01-01');
    expect(hourlyPartitions({ start: '2026-01-01' }).problem('2026-01-05', now)).toBe('"2026-01-05" is not an hourly partition key: expected YYYY-MM-DD-HH:mm, such as 2026-01-01-00:00');
  });

  it('says which part of a key in the format names nothing, rather than the format', () => {
    expect(daily.problem('2026-02-30', now)).toBe('"2026-02-30" is not a day: February 2026 has 28 days');
    expect(daily.problem('2028-02-30', now)).toBe('"2028-02-30" is not a day: February 2028 has 29 days');
    expect(daily.problem('2026-13-01', now)).toBe('"2026-13-01" is not a day: a year has 12 months');
    expect(daily.problem('2026-01-00', now)).toBe('"2026-01-00" is not a day: days of a month start at 01');
    const hourly = hourlyPartitions({ start: '2026-01-01' });
    expect(hourly.problem('2026-01-05-24:00', now)).toBe('"2026-01-05-24:00" is not an hour: its time 24:00 does not exist, hours run 00 to 23');
    expect(hourly.problem('2026-01-05-06:60', now)).toBe('"2026-01-05-06:60" is not an hour: its time 06:60 does not exist, minutes run 00 to 59');
  });

  it('says an hourly key whose day names nothing has a bad day, with the reason a daily key gets', () => {
    const hourly = hourlyPartitions({ start: '2026-01-01' });
    expect(hourly.problem('2026-02-30-05:00', now)).toBe('"2026-02-30-05:00" is not an hour: its day 2026-02-30 does not exist, February 2026 has 28 days');
    expect(hourly.problem('2026-13-01-05:00', now)).toBe('"2026-13-01-05:00" is not an hour: its day 2026-13-01 does not exist, a year has 12 months');
    expect(hourly.problem('2026-01-00-05:00', now)).toBe('"2026-01-00-05:00" is not an hour: its day 2026-01-00 does not exist, days of a month start at 01');
    expect(() => hourlyPartitions({ start: '2026-02-30-01:00' })).toThrow('start "2026-02-30-01:00" is not an hour: its day 2026-02-30 does not exist, February 2026 has 28 days');
  });

  it('says a weekly or monthly key, which is its first day, names no day as a daily key does', () => {
    expect(weeklyPartitions({ start: '2026-01-05' }).problem('2026-02-30', now)).toBe('"2026-02-30" is not a day: February 2026 has 28 days');
    expect(monthlyPartitions({ start: '2026-01-01' }).problem('2026-04-31', now)).toBe('"2026-04-31" is not a day: April 2026 has 30 days');
  });

  it('says the range for a key before the start or not complete yet', () => {
    expect(daily.problem('2025-12-31', now)).toBe('"2025-12-31" is before the first partition: the daily partitions now run from 2026-01-01 to 2026-01-14');
    expect(daily.problem('2026-01-15', now)).toBe('"2026-01-15" is not a partition yet (its window ends 2026-01-16T00:00:00.000Z): the daily partitions now run from 2026-01-01 to 2026-01-14');
    expect(daily.problem('2026-01-14', now)).toBeUndefined();
  });

  it('names the end for a key after it', () => {
    const bounded = dailyPartitions({ start: '2026-01-01', end: '2026-01-10' });
    expect(bounded.problem('2026-01-10', now)).toMatch(/after the last partition \(the definition ends at 2026-01-10\)/);
  });
});

describe('keysBetween', () => {
  const daily = dailyPartitions({ start: '2026-01-01' });
  const now = at('2026-01-15T00:00:00Z');

  it('includes both bounds', () => {
    expect(daily.keysBetween('2026-01-03', '2026-01-05', now)).toEqual(['2026-01-03', '2026-01-04', '2026-01-05']);
    expect(daily.keysBetween('2026-01-03', '2026-01-03', now)).toEqual(['2026-01-03']);
  });

  it('names the bad bound and the range there is', () => {
    const error = catchError(() => daily.keysBetween('2026-01-03', '2026-01-20', now));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/^The range's end "2026-01-20" is not a partition: "2026-01-20" is not a partition yet/);
    expect(error.hint).toMatch(/run from 2026-01-01 to 2026-01-14/);
    expect(catchError(() => daily.keysBetween('yesterday', '2026-01-05', now)).message).toMatch(/^The range's start "yesterday" is not a partition: .*expected YYYY-MM-DD/);
  });

  it('refuses a start after the end, suggesting the swap', () => {
    const error = catchError(() => daily.keysBetween('2026-01-05', '2026-01-03', now));
    expect(error.message).toBe('The range\'s start "2026-01-05" comes after its end "2026-01-03".');
    expect(error.hint).toBe('Give the earlier partition first: 2026-01-03...2026-01-05.');
  });
});

describe('the definition itself', () => {
  it('has equal ids for definitions with the same keys, and different ids otherwise', () => {
    expect(dailyPartitions({ start: '2026-01-01' }).id).toBe('daily(start=2026-01-01,timezone=UTC,endOffset=0)');
    expect(weeklyPartitions({ start: '2026-01-01' }).id).toBe(weeklyPartitions({ start: '2026-01-04' }).id);
    expect(dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Berlin' }).id).not.toBe(dailyPartitions({ start: '2026-01-01' }).id);
    expect(dailyPartitions({ start: '2026-01-01', endOffset: 1 }).id).not.toBe(dailyPartitions({ start: '2026-01-01' }).id);
  });

  it('describes itself for people', () => {
    expect(dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Paris' }).describe()).toBe('daily from 2026-01-01 (Europe/Paris)');
    expect(hourlyPartitions({ start: '2026-01-01', endOffset: 1 }).describe()).toBe('hourly from 2026-01-01-00:00 (UTC), including the one in progress');
    expect(weeklyPartitions({ start: '2026-01-01', dayOfWeek: 1 }).describe()).toBe('weekly (Monday to Sunday) from 2026-01-05 (UTC)');
    expect(monthlyPartitions({ start: '2026-01-01', dayOfMonth: 15, end: '2027-01-01' }).describe()).toBe('monthly (from day 15) from 2026-01-15 (UTC), before 2027-01-01');
  });

  it('gives a key as one unnamed part', () => {
    expect(dailyPartitions({ start: '2026-01-01' }).parts('2026-01-05')).toEqual([{ dimension: undefined, key: '2026-01-05' }]);
  });

  it('refuses an unknown time zone with the closest names, and every other problem with it', () => {
    const error = catchError(() => dailyPartitions({ start: '2026-1-1', timezone: 'Europe/Berlinn', endOffset: 0.5 }));
    expect(error).toBeInstanceOf(DefinitionError);
    const [zone, ...others] = (error as DefinitionError).problems;
    expect(zone).toMatch(/^dailyPartitions: timezone "Europe\/Berlinn" is not an IANA time zone name; did you mean "Europe\/Berlin"/);
    expect(others).toEqual([
      'dailyPartitions: endOffset must be a whole number of partitions, got 0.5',
      'dailyPartitions: start "2026-1-1" is not a date such as "2026-01-01" (YYYY-MM-DD)',
    ]);
  });

  it('says a start or end in the key format that names no day does not exist', () => {
    expect(() => dailyPartitions({ start: '2026-02-29' })).toThrow('dailyPartitions: start "2026-02-29" is not a day: February 2026 has 28 days');
    expect(() => hourlyPartitions({ start: '2026-01-01', end: '2026-04-31' })).toThrow('hourlyPartitions: end "2026-04-31" is not a day: April 2026 has 30 days');
  });

  it('refuses a dayOfWeek or dayOfMonth out of range, and an end that leaves nothing', () => {
    expect(() => weeklyPartitions({ start: '2026-01-01', dayOfWeek: 7 })).toThrow(/dayOfWeek must be 0 \(Sunday\) to 6/);
    expect(() => monthlyPartitions({ start: '2026-01-01', dayOfMonth: 31 })).toThrow(/dayOfMonth must be 1 to 28/);
    expect(() => dailyPartitions({ start: '2026-01-05', end: '2026-01-05' })).toThrow(/leaves no partition/);
  });
});

function catchError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    return error as UsageError;
  }
  throw new Error('expected an error');
}
