import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, dailyPartitions, defineDefinitions, MemoryIOManager } from '../../../src/index.js';
import type { AssetActivity } from '../../../src/instance/asset-activity.js';
import type { AssetState } from '../../../src/instance/asset-states.js';
import type { PartitionState } from '../../../src/instance/partition-states.js';
import { storedOutput } from '../../../src/instance/stored-output.js';
import { statusWord, whyLines } from '../../../src/ui/server/asset-views.js';

const MATERIALIZED_AT = new Date('2026-11-30T10:00:00Z');

/** A fresh asset materialized at MATERIALIZED_AT whose latest output failed the check `accounts.unique_id`. */
const failingCheck: AssetState = {
  status: 'fresh',
  reasons: [],
  record: {
    runId: 'run-1',
    assetKey: 'accounts',
    partition: null,
    materializedAt: MATERIALIZED_AT,
    codeVersion: '1',
    dataVersion: 'd1',
    inputDataVersions: {},
    configVersions: {},
    reasons: ['missing'],
    durationMs: 5,
    metadata: { rows: 3 },
  },
  source: undefined,
  codeVersion: '1',
  failedChecks: ['accounts.unique_id'],
  warnedChecks: [],
  blockedBy: [],
  partitions: undefined,
};

const idle: AssetActivity = { running: new Set(), failed: new Map() };
const failedAt = (time: Date): AssetActivity => ({ running: new Set(), failed: new Map([['accounts', { runId: 'run-2', time, message: 'boom' }]]) });

describe('the status word of an asset whose check failed', () => {
  it('is failed-check while nothing newer is known', () => {
    expect(statusWord('accounts', failingCheck, idle)).toBe('failed-check');
    // A failure from before the output the check judged is old news.
    expect(statusWord('accounts', failingCheck, failedAt(new Date('2026-11-30T09:00:00Z')))).toBe('failed-check');
  });

  it('gives way to a step in flight and to an attempt that failed after the output was stored', () => {
    expect(statusWord('accounts', failingCheck, { running: new Set(['accounts']), failed: new Map() })).toBe('running');
    expect(statusWord('accounts', failingCheck, failedAt(new Date('2026-11-30T11:00:00Z')))).toBe('failed');
  });

  it('is the planner’s status once the asset is stale, as assets status shows it', () => {
    expect(statusWord('accounts', { ...failingCheck, status: 'stale' }, idle)).toBe('stale');
  });
});

describe('the why lines of a partitioned asset', () => {
  const daily = asset({ key: 'daily', partitions: dailyPartitions({ start: '2026-01-01', end: '2026-01-11' }), schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }] });
  const definition = defineDefinitions({ assets: [daily], ioManagers: { default: new MemoryIOManager() } }).asset('daily')!;
  // As readAssetStates gives it: no reasons of its own, the latest record of any partition.
  const stale: AssetState = { ...failingCheck, status: 'stale', failedChecks: [], record: { ...failingCheck.record!, assetKey: 'daily', partition: '2026-01-10' }, partitions: { total: 10, fresh: 2, stale: 7, missing: 1 } };
  const partition = (day: number, status: PartitionState['status']): PartitionState => ({ partition: `2026-01-${String(day).padStart(2, '0')}`, status, reasons: [], record: undefined });
  const states = [partition(1, 'fresh'), partition(2, 'fresh'), ...[3, 4, 5, 6, 7, 8, 9].map((day) => partition(day, 'stale')), partition(10, 'missing')];

  it('gives the counts, never the fresh sentence its empty reasons would give', () => {
    const lines = whyLines(definition, stale, idle);
    expect(lines[0]).toBe('daily is partitioned: 2/10 fresh, 7 stale, 1 missing.');
    expect(lines.join('\n')).not.toMatch(/fresh:|is fresh/);
    expect(lines.at(-1)).toMatch(/assets why daily --partition KEY/);
  });

  it('names the first stale and missing partitions when it has them', () => {
    expect(whyLines(definition, stale, idle, states).slice(1, 3)).toEqual(['Stale: 2026-01-03, 2026-01-04, 2026-01-05, 2026-01-06, 2026-01-07 and 2 more.', 'Missing: 2026-01-10.']);
  });

  it('is the counts alone when every partition is fresh, and shows no rows of one partition as the asset’s', () => {
    const fresh = { ...stale, status: 'fresh' as const, partitions: { total: 10, fresh: 10, stale: 0, missing: 0 } };
    expect(whyLines(definition, fresh, idle)).toEqual(['daily is partitioned: 10/10 fresh.']);
    expect(storedOutput(fresh)).toEqual({ dataVersion: null, rows: null });
  });
});
