import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../../../src/core/errors.js';
import { allPartitions, defaultPartitionMapping, identity, lastPartition, staticMapping, timeWindow } from '../../../src/core/partition-mappings.js';
import type { PartitionsContext } from '../../../src/core/partitions.js';
import { dynamicPartitions } from '../../../src/core/dynamic-partitions.js';
import { staticPartitions } from '../../../src/core/static-partitions.js';
import { dailyPartitions, hourlyPartitions, weeklyPartitions } from '../../../src/core/time-partitions.js';

function at(iso: string): PartitionsContext {
  return { now: new Date(iso), dynamicKeys: () => [] };
}

const daily = dailyPartitions({ start: '2026-01-01' });
const weekly = weeklyPartitions({ start: '2026-01-01' });
const NOW = at('2026-01-20T06:00:00Z');

describe('identity', () => {
  it('reads the same partition of an asset partitioned alike', () => {
    expect(identity().upstreamKeys('2026-01-05', daily, dailyPartitions({ start: '2026-01-01' }), NOW)).toEqual(['2026-01-05']);
    expect(identity().problem(daily, dailyPartitions({ start: '2026-01-01' }))).toBeUndefined();
    expect(identity().describe()).toBe('the same partition');
  });

  it('cannot map between different definitions or from an unpartitioned asset', () => {
    expect(identity().problem(daily, weekly)).toMatch(/identity needs both assets partitioned alike, but they are daily from 2026-01-01 \(UTC\) and weekly/);
    expect(identity().problem(undefined, daily)).toMatch(/downstream asset is not partitioned/);
  });
});

describe('timeWindow', () => {
  it('lets a weekly partition read its 7 daily ones', () => {
    expect(timeWindow().upstreamKeys('2026-01-04', weekly, daily, NOW)).toEqual(['2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10']);
  });

  it('lets a daily partition read yesterday\'s', () => {
    const yesterday = timeWindow({ startOffset: -1, endOffset: -1 });
    expect(yesterday.upstreamKeys('2026-01-05', daily, daily, NOW)).toEqual(['2026-01-04']);
    // The first day has no yesterday.
    expect(yesterday.upstreamKeys('2026-01-01', daily, daily, NOW)).toEqual([]);
    expect(yesterday.describe()).toBe('the partitions overlapping its window, moved 1 partition earlier');
  });

  it('lets a daily partition read the last 7 days, itself included, as far as they exist', () => {
    const week = timeWindow({ startOffset: -6 });
    expect(week.upstreamKeys('2026-01-10', daily, daily, NOW)).toEqual(['2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10']);
    expect(week.upstreamKeys('2026-01-03', daily, daily, NOW)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(week.describe()).toBe('the partitions overlapping its window, from 6 before');
  });

  it('leaves out upstream partitions not complete yet', () => {
    const upToTomorrow = timeWindow({ endOffset: 1 });
    expect(upToTomorrow.upstreamKeys('2026-01-18', daily, daily, NOW)).toEqual(['2026-01-18', '2026-01-19']);
    expect(upToTomorrow.upstreamKeys('2026-01-19', daily, daily, NOW)).toEqual(['2026-01-19']);
  });

  it('reads the last 7 upstream partitions for an unpartitioned downstream asset', () => {
    // Complete days at 2026-01-20 06:00: up to the 19th.
    expect(timeWindow({ startOffset: -6 }).upstreamKeys(undefined, undefined, daily, NOW)).toEqual(['2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16', '2026-01-17', '2026-01-18', '2026-01-19']);
    expect(timeWindow({ startOffset: -6 }).upstreamKeys(undefined, undefined, daily, at('2025-12-01T00:00:00Z'))).toEqual([]);
  });

  it('reads the hours of a daily partition in its own time zone, 23 on a spring-forward day', () => {
    const zone = 'Europe/Berlin';
    const days = dailyPartitions({ start: '2026-03-01', timezone: zone });
    const hours = hourlyPartitions({ start: '2026-03-01', timezone: zone });
    const read = timeWindow().upstreamKeys('2026-03-29', days, hours, at('2026-04-01T00:00:00Z'));
    expect(read).toHaveLength(23);
    expect(read[0]).toBe('2026-03-29-00:00');
    expect(read.at(-1)).toBe('2026-03-29-23:00');
  });

  it('steps over the skipped hour when it moves by partitions', () => {
    const zone = 'America/New_York';
    const hours = hourlyPartitions({ start: '2026-03-08', timezone: zone });
    const previous = timeWindow({ startOffset: -1, endOffset: -1 });
    expect(previous.upstreamKeys('2026-03-08-03:00', hours, hours, at('2026-03-09T00:00:00Z'))).toEqual(['2026-03-08-01:00']);
  });

  it('maps only between time partitions', () => {
    const regions = staticPartitions(['eu', 'us']);
    expect(timeWindow().problem(daily, regions)).toMatch(/upstream asset is partitioned static: eu, us/);
    expect(timeWindow().problem(regions, daily)).toMatch(/downstream asset is partitioned static: eu, us/);
    expect(timeWindow().problem(undefined, daily)).toBeUndefined();
    expect(() => timeWindow({ startOffset: 0.5 })).toThrow(DefinitionError);
  });
});

describe('allPartitions and lastPartition', () => {
  it('reads every upstream partition there is now', () => {
    const regions = staticPartitions(['eu', 'us']);
    expect(allPartitions().upstreamKeys(undefined, undefined, regions, NOW)).toEqual(['eu', 'us']);
    expect(allPartitions().upstreamKeys(undefined, undefined, daily, at('2026-01-03T00:00:00Z'))).toEqual(['2026-01-01', '2026-01-02']);
    expect(allPartitions().describe()).toBe('every partition');
  });

  it('reads the last upstream partition, or none when there is none yet', () => {
    expect(lastPartition().upstreamKeys(undefined, undefined, daily, NOW)).toEqual(['2026-01-19']);
    expect(lastPartition().upstreamKeys(undefined, undefined, daily, at('2025-01-01T00:00:00Z'))).toEqual([]);
    expect(lastPartition().describe()).toBe('the last partition');
  });
});

describe('staticMapping', () => {
  const regions = staticPartitions(['eu', 'us']);
  const countries = staticPartitions(['de', 'fr', 'us']);
  const mapping = staticMapping({ eu: ['de', 'fr'], us: 'us' });

  it('reads every upstream key that feeds the downstream key', () => {
    expect(mapping.upstreamKeys('fr', countries, regions, NOW)).toEqual(['eu']);
    expect(mapping.upstreamKeys('us', countries, regions, NOW)).toEqual(['us']);
    expect(staticMapping({ eu: 'all', us: 'all' }).upstreamKeys('all', staticPartitions(['all']), regions, NOW)).toEqual(['eu', 'us']);
    expect(mapping.problem(countries, regions)).toBeUndefined();
  });

  it('names keys that are not in the definitions', () => {
    expect(staticMapping({ eu: 'de', asia: 'jp' }).problem(countries, regions)).toBe(
      'staticMapping: upstream key "asia" is not one of static: eu, us; downstream key "jp" (fed by "asia") is not one of static: de, fr, us',
    );
    expect(mapping.problem(daily, regions)).toMatch(/between two static partitions definitions/);
  });
});

describe('defaultPartitionMapping', () => {
  it('gives an unpartitioned downstream every partition, alike definitions identity, time ones a time window', () => {
    expect(defaultPartitionMapping(undefined, daily)?.kind).toBe('all');
    expect(defaultPartitionMapping(dailyPartitions({ start: '2026-01-01' }), daily)?.kind).toBe('identity');
    expect(defaultPartitionMapping(weekly, daily)?.kind).toBe('time-window');
  });

  it('gives none where the definitions must name one', () => {
    expect(defaultPartitionMapping(staticPartitions(['eu']), daily)).toBeUndefined();
    expect(defaultPartitionMapping(dynamicPartitions('tenants'), staticPartitions(['eu']))).toBeUndefined();
  });
});
