import { describe, expect, it } from 'vitest';
import { DefinitionError, UsageError } from '../../../src/core/errors.js';
import { dynamicPartitions } from '../../../src/core/dynamic-partitions.js';
import { multiPartitions } from '../../../src/core/multi-partitions.js';
import type { PartitionsContext } from '../../../src/core/partitions.js';
import { staticPartitions } from '../../../src/core/static-partitions.js';
import { dailyPartitions } from '../../../src/core/time-partitions.js';

function context(now: string, dynamic: Record<string, string[]> = {}): PartitionsContext {
  return { now: new Date(now), dynamicKeys: (name) => dynamic[name] ?? [] };
}

const NOW = context('2026-01-04T00:00:00Z', { tenants: ['acme', 'globex', 'initech'] });

describe('static partitions', () => {
  const regions = staticPartitions(['us', 'eu', 'apac']);

  it('keeps the keys in declaration order', () => {
    expect(regions.keys(NOW)).toEqual(['us', 'eu', 'apac']);
    expect(regions.keysBetween('us', 'eu', NOW)).toEqual(['us', 'eu']);
    expect(regions.parts('eu')).toEqual([{ dimension: undefined, key: 'eu' }]);
  });

  it('suggests a close key for an unknown one', () => {
    expect(regions.problem('euu', NOW)).toBe('"euu" is not one of the 3 static partitions (us, eu, apac); did you mean "eu" or "us"?');
    expect(regions.problem('eu', NOW)).toBeUndefined();
  });

  it('refuses a range whose start comes after its end in declaration order', () => {
    expect(() => regions.keysBetween('apac', 'us', NOW)).toThrow(UsageError);
  });

  it('refuses empty, repeated and separator-holding keys, all at once', () => {
    let error: DefinitionError | undefined;
    try {
      staticPartitions(['eu', '', 'eu', 'a|b', 'tab\there']);
    } catch (caught) {
      error = caught as DefinitionError;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect(error!.problems).toEqual([
      'staticPartitions: a partition key must be a non-empty string',
      'staticPartitions: key "eu" is listed twice',
      'staticPartitions: partition key "a|b" holds "|", which separates the dimensions of a multi-partition key',
      'staticPartitions: partition key "tab\\there" holds a control character',
    ]);
    expect(() => staticPartitions([])).toThrow(/at least one key/);
  });

  it('leaves path characters to the IO managers', () => {
    expect(staticPartitions(['a/b', '..']).keys(NOW)).toEqual(['a/b', '..']);
  });

  it('has an id that only equal key lists share', () => {
    expect(staticPartitions(['eu', 'us']).id).toBe(staticPartitions(['eu', 'us']).id);
    expect(staticPartitions(['eu,us']).id).not.toBe(staticPartitions(['eu', 'us']).id);
  });
});

describe('dynamic partitions', () => {
  const tenants = dynamicPartitions('tenants');

  it('reads its keys from the instance, in the order they were added', () => {
    expect(tenants.keys(NOW)).toEqual(['acme', 'globex', 'initech']);
    expect(tenants.keysBetween('globex', 'initech', NOW)).toEqual(['globex', 'initech']);
    expect(tenants.id).toBe('dynamic(tenants)');
  });

  it('says how to add an unknown key, with a did-you-mean', () => {
    expect(tenants.problem('acm', NOW)).toBe('"acm" is not one of the 3 dynamic "tenants" partitions (acme, globex, initech); did you mean "acme"?; add it with `assets partitions add tenants acm`');
    expect(tenants.problem('acme', context('2026-01-04T00:00:00Z'))).toBe('"acme" is not a partition: the dynamic "tenants" partitions have no keys yet; add it with `assets partitions add tenants acme`');
  });

  it('refuses a name that is not lowercase snake case', () => {
    expect(() => dynamicPartitions('Tenants')).toThrow(DefinitionError);
    expect(() => dynamicPartitions('')).toThrow(DefinitionError);
  });
});

describe('multi partitions', () => {
  const byDayAndRegion = multiPartitions({ region: staticPartitions(['eu', 'us']), date: dailyPartitions({ start: '2026-01-01' }) });

  it('orders the dimensions by name and joins keys with |, the first dimension outermost', () => {
    expect(byDayAndRegion.dimensions.map((dimension) => dimension.name)).toEqual(['date', 'region']);
    expect(byDayAndRegion.keys(NOW)).toEqual(['2026-01-01|eu', '2026-01-01|us', '2026-01-02|eu', '2026-01-02|us', '2026-01-03|eu', '2026-01-03|us']);
    expect(byDayAndRegion.id).toBe('multi(date=daily(start=2026-01-01,timezone=UTC,endOffset=0),region=static("eu","us"))');
  });

  it('splits a key into named parts', () => {
    expect(byDayAndRegion.parts('2026-01-05|eu')).toEqual([
      { dimension: 'date', key: '2026-01-05' },
      { dimension: 'region', key: 'eu' },
    ]);
  });

  it('says which dimension\'s part is wrong, or the shape of a key', () => {
    expect(byDayAndRegion.problem('2026-01-02|eu', NOW)).toBeUndefined();
    expect(byDayAndRegion.problem('2026-01-02|euu', NOW)).toMatch(/^"2026-01-02\|euu": its region part is wrong: "euu" is not one of the 2 static partitions \(eu, us\); did you mean "eu"/);
    expect(byDayAndRegion.problem('2026-01-09|eu', NOW)).toMatch(/^"2026-01-09\|eu": its date part is wrong: "2026-01-09" is not a partition yet/);
    expect(byDayAndRegion.problem('2026-01-02', NOW)).toBe(
      '"2026-01-02" is not a key of date (daily from 2026-01-01 (UTC)) by region (static: eu, us): expected 2 parts joined by "|" (date|region), such as 2026-01-01|eu',
    );
  });

  it('takes a range as the product of each dimension\'s own range', () => {
    expect(byDayAndRegion.keysBetween('2026-01-02|us', '2026-01-03|us', NOW)).toEqual(['2026-01-02|us', '2026-01-03|us']);
    expect(byDayAndRegion.keysBetween('2026-01-01|eu', '2026-01-02|us', NOW)).toEqual(['2026-01-01|eu', '2026-01-01|us', '2026-01-02|eu', '2026-01-02|us']);
  });

  it('names the dimension of a bad bound', () => {
    expect(() => byDayAndRegion.keysBetween('2026-01-01|eu', '2026-01-02|mars', NOW)).toThrow(/^In dimension "region": The range's end "mars" is not a partition/);
    expect(() => byDayAndRegion.keysBetween('2026-01-01', '2026-01-02|us', NOW)).toThrow(/^The range's start "2026-01-01" is not a partition: .*expected 2 parts/);
  });

  it('refuses other than two dimensions, a multi dimension and a bad name, all at once', () => {
    const daily = dailyPartitions({ start: '2026-01-01' });
    expect(() => multiPartitions({ date: daily })).toThrow(/give exactly two dimensions, got 1 \(date\)/);
    let error: DefinitionError | undefined;
    try {
      multiPartitions({ Date: daily, nested: byDayAndRegion });
    } catch (caught) {
      error = caught as DefinitionError;
    }
    expect(error!.problems).toEqual([
      'multiPartitions: dimension name "Date" must be lowercase letters, digits and _, starting with a letter',
      'multiPartitions: dimension "nested" is itself multi-partitioned; each dimension is one definition',
    ]);
  });
});
