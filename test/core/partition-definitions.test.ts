import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  asset,
  dailyPartitions,
  defineDefinitions,
  DefinitionError,
  identity,
  MemoryIOManager,
  relationships,
  staticMapping,
  staticPartitions,
  timeWindow,
  unique,
} from '../../src/index.js';

const schema = z.object({ id: z.int() });
const io = { default: new MemoryIOManager() };
const days = dailyPartitions({ start: '2026-01-01', end: '2026-01-08' });
const regions = staticPartitions(['eu', 'us']);
const markets = staticPartitions(['europe', 'america']);

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return [...(error as DefinitionError).problems];
  }
  throw new Error('expected a DefinitionError');
}

describe('partition problems in defineDefinitions', () => {
  it('accepts the default mappings: same definition, unpartitioned downstream, unpartitioned upstream', () => {
    const plain = asset({ key: 'plain', schema, compute: () => [] });
    const daily = asset({ key: 'daily', schema, partitions: days, deps: [plain], compute: () => [] });
    const sameDays = asset({ key: 'same_days', schema, partitions: days, deps: [daily], compute: () => [] });
    const summary = asset({ key: 'summary', schema, deps: [sameDays], compute: () => [] });
    expect(defineDefinitions({ assets: [plain, daily, sameDays, summary], ioManagers: io }).asset('same_days')!.partitions).toBe(days);
  });

  it('asks for a mapping between partitions that imply none, and accepts a declared one', () => {
    const byRegion = asset({ key: 'by_region', schema, partitions: regions, compute: () => [] });
    const byMarket = asset({ key: 'by_market', schema, partitions: markets, deps: [byRegion], compute: () => [] });
    const [problem] = problemsOf(() => defineDefinitions({ assets: [byRegion, byMarket], ioManagers: io }));
    expect(problem).toContain('asset "by_market"');
    expect(problem).toContain('reads "by_region"');
    expect(problem).toContain('partitionMappings: { by_region: staticMapping(');
    const mapped = asset({ key: 'by_market', schema, partitions: markets, deps: [byRegion], partitionMappings: { by_region: staticMapping({ eu: 'europe', us: 'america' }) }, compute: () => [] });
    expect(defineDefinitions({ assets: [byRegion, mapped], ioManagers: io }).asset('by_market')!.partitionMappings.by_region!.kind).toBe('static');
  });

  it('reports a mapping of a key that is no dep, of an unpartitioned dep, and one that cannot map the two definitions', () => {
    const plain = asset({ key: 'plain', schema, compute: () => [] });
    const byRegion = asset({ key: 'by_region', schema, partitions: regions, compute: () => [] });
    const wrong = asset({
      key: 'wrong',
      schema,
      partitions: regions,
      deps: [plain, byRegion],
      // A time window between static partitions cannot map; `plain` has no partitions to map; `other` is no dep.
      partitionMappings: { plain: identity(), by_region: timeWindow({ startOffset: -1 }), ...({ other: identity() } as object) },
      compute: () => [],
    });
    const problems = problemsOf(() => defineDefinitions({ assets: [plain, byRegion, wrong], ioManagers: io }));
    expect(problems).toHaveLength(3);
    expect(problems.find((line) => line.includes('"other"'))).toContain('not among its deps');
    expect(problems.find((line) => line.includes('"plain"'))).toContain('not partitioned');
    expect(problems.find((line) => line.includes('"by_region"'))).toMatch(/^asset "wrong": the mapping of "by_region" \(.+\): /);
  });

  it('refuses checks on a partitioned asset and checks that read one, for now', () => {
    const daily = asset({ key: 'daily', schema, partitions: days, checks: [unique('id')], compute: () => [] });
    const reader = asset({ key: 'reader', schema, checks: [relationships('id', { to: asset({ key: 'daily', schema, partitions: days, compute: () => [] }), field: 'id' })], compute: () => [] });
    const problems = problemsOf(() => defineDefinitions({ assets: [daily, reader], ioManagers: io }));
    expect(problems).toContain('asset "daily": checks on a partitioned asset are not supported yet; move them to an unpartitioned asset downstream');
    expect(problems.some((line) => line.startsWith('asset "reader", check ') && line.includes('reads "daily", which is partitioned'))).toBe(true);
  });
});
