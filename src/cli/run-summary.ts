import type { AssetAction } from '../execution/run-result.js';
import { type AssetActionCounts, runDurationMs } from '../instance/run-summaries.js';
import type { RunRecord, RunStatus } from '../storage/instance-storage.js';
import { formatCount, formatDuration } from './format.js';
import type { Style } from './style.js';

/** The order counts are listed in. */
const ACTIONS: readonly AssetAction[] = ['materialized', 'up-to-date', 'failed', 'skipped'];

/** `5 materialized, 1 failed`: the non-zero counts, or `-` when there are none. */
export function describeAssetActions(counts: AssetActionCounts): string {
  return ACTIONS.filter((action) => counts[action] > 0).map((action) => `${formatCount(counts[action])} ${action}`).join(', ') || '-';
}

/** A run's duration for people (`4.2s`), or `-` while it has not ended. */
export function formatRunDuration(run: Pick<RunRecord, 'startedAt' | 'endedAt'>): string {
  const durationMs = runDurationMs(run);
  return durationMs === null ? '-' : formatDuration(durationMs);
}

const STATUS_COLOUR: Readonly<Record<RunStatus, Parameters<Style['apply']>[0]>> = {
  queued: 'gray',
  started: 'cyan',
  success: 'green',
  failed: 'red',
  canceled: 'yellow',
  'nothing-to-do': 'gray',
};

/** The colour of a run status, wherever one is printed. */
export function runStatusColour(status: RunStatus): Parameters<Style['apply']>[0] {
  return STATUS_COLOUR[status];
}
