import type { AssetAction } from '../execution/run-result.js';
import type { RunEvent, RunRecord, RunStatus } from '../storage/instance-storage.js';
import { formatCount, formatDuration, isoTime } from './format.js';
import type { Style } from './style.js';

/** How many assets of a run ended each way, read back from its events. */
export type AssetActionCounts = Readonly<Record<AssetAction, number>>;

/** The order counts are listed in, in text and JSON. */
const ACTIONS: readonly AssetAction[] = ['materialized', 'up-to-date', 'failed', 'skipped'];

/**
 * Counts what happened to each asset of a run from its events: the last
 * outcome event of each asset decides (a retried step's failure is followed
 * by its success), so a run that was interrupted counts what it recorded.
 */
export function countAssetActions(events: readonly RunEvent[]): AssetActionCounts {
  const outcome = new Map<string, AssetAction>();
  for (const event of events) {
    if (event.assetKey === null) continue;
    if (event.type === 'step-success') outcome.set(event.assetKey, 'materialized');
    else if (event.type === 'step-failure') outcome.set(event.assetKey, 'failed');
    else if (event.type === 'step-skip') outcome.set(event.assetKey, event.data?.reason === 'up-to-date' ? 'up-to-date' : 'skipped');
  }
  const counts = { materialized: 0, 'up-to-date': 0, failed: 0, skipped: 0 };
  for (const action of outcome.values()) counts[action]++;
  return counts;
}

/**
 * The workers (`host:pid`) that ran the run's materialized steps, sorted:
 * steps that ran on the work pool record theirs (see the queue executor);
 * empty for a run whose steps all ran in its own process.
 */
export function stepWorkers(events: readonly RunEvent[]): string[] {
  const workers = new Set<string>();
  for (const event of events) {
    const worker = event.type === 'step-success' ? event.data?.worker : undefined;
    if (typeof worker === 'string') workers.add(worker);
  }
  return [...workers].sort();
}

/** `5 materialized, 1 failed`: the non-zero counts, or `-` when there are none. */
export function describeAssetActions(counts: AssetActionCounts): string {
  return ACTIONS.filter((action) => counts[action] > 0).map((action) => `${formatCount(counts[action])} ${action}`).join(', ') || '-';
}

/**
 * How long a run took: its recorded end minus its recorded start, or null
 * while it has not ended. The one duration every command prints for a run
 * (the materialize summary, `assets runs`, `assets logs`), so they agree.
 */
export function runDurationMs(run: Pick<RunRecord, 'startedAt' | 'endedAt'>): number | null {
  return run.endedAt === null ? null : run.endedAt.getTime() - run.startedAt.getTime();
}

/** A run's duration for people (`4.2s`), or `-` while it has not ended. */
export function formatRunDuration(run: Pick<RunRecord, 'startedAt' | 'endedAt'>): string {
  const durationMs = runDurationMs(run);
  return durationMs === null ? '-' : formatDuration(durationMs);
}

/** A run as `assets runs --json` and `assets logs --json` print it. */
export function runToJson(run: RunRecord, counts: AssetActionCounts, workers: readonly string[]) {
  return {
    runId: run.runId,
    status: run.status,
    trigger: run.trigger,
    selection: run.selection,
    startedAt: isoTime(run.startedAt),
    endedAt: isoTime(run.endedAt),
    durationMs: runDurationMs(run),
    pid: run.pid,
    hostname: run.hostname,
    assets: counts,
    workers,
  };
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
