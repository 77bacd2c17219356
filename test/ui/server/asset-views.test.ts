import { describe, expect, it } from 'vitest';
import type { AssetActivity } from '../../../src/instance/asset-activity.js';
import type { AssetState } from '../../../src/instance/asset-states.js';
import { statusWord } from '../../../src/ui/server/asset-views.js';

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
