import type { AssetAction } from '../execution/run-result.js';
import type { InstanceStorage, RunEvent, RunRecord, RunStatus, RunTags } from '../storage/instance-storage.js';

/*
 * What the run views (`assets runs`, `assets logs`, the UI's runs pages) read
 * of a run besides its record: how its assets ended and where its steps ran,
 * both read back from its events. One place, so every view counts alike.
 */

/** How many assets of a run ended each way, read back from its events. */
export type AssetActionCounts = Readonly<Record<AssetAction, number>>;

/** A run with what its events say about it. */
export interface SummarizedRun {
  readonly run: RunRecord;
  readonly counts: AssetActionCounts;
  /** See `stepWorkers`. */
  readonly workers: readonly string[];
}

/** A page of runs, newest first, and whether older ones were left out. */
export interface RunPage {
  readonly runs: readonly SummarizedRun[];
  readonly hasMore: boolean;
}

/**
 * How each asset of a run ended, read from its events: the last outcome
 * event of each asset decides (a retried step's failure is followed by its
 * success), so a run that was interrupted shows what it recorded. Assets
 * whose step never ended are absent.
 */
export function assetOutcomes(events: readonly RunEvent[]): Map<string, AssetAction> {
  const outcome = new Map<string, AssetAction>();
  for (const event of events) {
    if (event.assetKey === null) continue;
    if (event.type === 'step-success') outcome.set(event.assetKey, 'materialized');
    else if (event.type === 'step-failure') outcome.set(event.assetKey, 'failed');
    else if (event.type === 'step-skip') outcome.set(event.assetKey, event.data?.reason === 'up-to-date' ? 'up-to-date' : 'skipped');
  }
  return outcome;
}

/** Counts how the assets of a run ended (see `assetOutcomes`). */
export function countAssetActions(events: readonly RunEvent[]): AssetActionCounts {
  const counts = { materialized: 0, 'up-to-date': 0, failed: 0, skipped: 0 };
  for (const action of assetOutcomes(events).values()) counts[action]++;
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

/** A run and what its events say about it. */
export function summarizeRun(run: RunRecord, events: readonly RunEvent[]): SummarizedRun {
  return { run, counts: countAssetActions(events), workers: stepWorkers(events) };
}

/**
 * How long a run took: its recorded end minus its recorded start, or null
 * while it has not ended. The one duration every view prints for a run
 * (the materialize summary, `assets runs`, `assets logs`, the UI), so they agree.
 */
export function runDurationMs(run: Pick<RunRecord, 'startedAt' | 'endedAt'>): number | null {
  return run.endedAt === null ? null : run.endedAt.getTime() - run.startedAt.getTime();
}

/** A run as `assets runs --json`, `assets logs --json` and the UI's API print it. */
export function runToJson(run: RunRecord, counts: AssetActionCounts, workers: readonly string[]) {
  return {
    runId: run.runId,
    status: run.status,
    trigger: run.trigger,
    selection: run.selection,
    startedAt: run.startedAt.toISOString(),
    endedAt: run.endedAt?.toISOString() ?? null,
    durationMs: runDurationMs(run),
    pid: run.pid,
    hostname: run.hostname,
    tags: run.tags,
    parentRunId: run.parentRunId,
    assets: counts,
    workers,
  };
}

/** The newest `limit` runs (of one status, and carrying every one of `tags`, when given), each summarized. */
export async function listRunSummaries(
  storage: InstanceStorage,
  options: { readonly limit: number; readonly status?: RunStatus | undefined; readonly tags?: RunTags | undefined },
): Promise<RunPage> {
  // One more than asked, to tell whether there are more.
  const found = await storage.listRuns({
    limit: options.limit + 1,
    ...(options.status === undefined ? {} : { status: options.status }),
    ...(options.tags === undefined ? {} : { tags: options.tags }),
  });
  const runs = await Promise.all(found.slice(0, options.limit).map(async (run) => summarizeRun(run, await storage.runEvents(run.runId))));
  return { runs, hasMore: found.length > options.limit };
}
