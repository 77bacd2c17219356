import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { job, jobPlanOptions, runJob, SqliteInstanceStorage, StrataError } from '../../src/index.js';
import { memoryDefinitions } from './harness.js';

describe('jobs', () => {
  let storage: SqliteInstanceStorage;
  beforeEach(async () => {
    storage = await SqliteInstanceStorage.open({ path: ':memory:' });
  });
  afterEach(() => storage.close());

  const definitions = memoryDefinitions({
    jobs: [
      job({ name: 'refresh', select: '*', force: 'sources' }),
      job({ name: 'rebuild', select: '*', exclude: 'numbers', force: 'all' }),
      job({ name: 'stale-only', select: '+total' }),
    ],
  });

  it('maps force "sources" to refreshing the selected assets without upstream assets', () => {
    expect(jobPlanOptions(definitions, 'refresh')).toEqual({ select: '*', exclude: undefined, refresh: 'numbers' });
  });

  it('maps force "all" to forcing every selected asset, and "none" to staleness alone', () => {
    expect(jobPlanOptions(definitions, 'rebuild')).toEqual({ select: '*', exclude: 'numbers', force: true });
    expect(jobPlanOptions(definitions, 'stale-only')).toEqual({ select: '+total', exclude: undefined });
  });

  it('rejects an unknown job with a did-you-mean', () => {
    expect(() => jobPlanOptions(definitions, 'refrsh')).toThrow(StrataError);
    try {
      jobPlanOptions(definitions, 'refrsh');
    } catch (error) {
      expect((error as StrataError).code).toBe('STRATA_UNKNOWN_KEY');
      expect((error as StrataError).hint).toContain('"refresh"');
    }
  });

  it('re-runs the sources of a force "sources" job every time, and the rest only when their inputs change', async () => {
    const first = await runJob(definitions, 'refresh', { storage, trigger: 'schedule:nightly' });
    expect(first.assets.map((asset) => [asset.key, asset.action])).toEqual([['numbers', 'materialized'], ['total', 'materialized']]);
    const second = await runJob(definitions, 'refresh', { storage });
    expect(second.assets.map((asset) => [asset.key, asset.action, asset.reasons])).toEqual([
      ['numbers', 'materialized', ['forced']],
      ['total', 'up-to-date', ['upstream-planned']],
    ]);
    expect((await storage.getRun(first.runId!))?.trigger).toBe('schedule:nightly');
    expect((await storage.getRun(second.runId!))?.trigger).toBe('cli');
  });
});
