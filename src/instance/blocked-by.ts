import type { Definitions } from '../core/definitions.js';
import { checkFailsRun, resultBlocks, upstreamChecksBlocking } from '../execution/check-states.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import { type CheckSummary, checksWithProblem, readCheckSummaries } from './check-summaries.js';

/*
 * What blocks an asset: the failing blocking checks of its upstreams that
 * make runs skip it until they pass, by the rule a run skips by
 * (`upstreamChecksBlocking`). `status`, `why`, `partitions`, the dry run and
 * a backfill all judge by it, so they agree with the run.
 */

/** The checks among `summaries` whose latest result blocks what reads their asset (see `resultBlocks`), by asset key. */
export function blockingByAsset(summaries: readonly CheckSummary[]): ReadonlyMap<string, readonly string[]> {
  const byAsset = new Map<string, string[]>();
  for (const summary of checksWithProblem(summaries, 'failed')) {
    if (resultBlocks(summary.check, summary.latest!)) byAsset.set(summary.assetKey, [...(byAsset.get(summary.assetKey) ?? []), summary.key]);
  }
  return byAsset;
}

/** The checks of `blocking` (see `blockingByAsset`) that make runs skip `key`, less those it lists in `ignoreFailedChecks`. */
export function blockedBy(definitions: Definitions, key: string, blocking: ReadonlyMap<string, readonly string[]>): string[] {
  if (blocking.size === 0) return [];
  return upstreamChecksBlocking(definitions.asset(key)!, (dep) => blocking.get(dep) ?? []);
}

/**
 * `blockedBy` of one asset, reading only the results of its upstreams'
 * checks, against what their IO managers store now: for a command that
 * looks at an asset's partitions without planning it whole.
 */
export async function readBlockedBy(definitions: Definitions, storage: InstanceStorage, key: string): Promise<string[]> {
  const checked = definitions.asset(key)!.deps.filter((dep) => definitions.asset(dep)!.checks.length > 0);
  if (checked.length === 0) return [];
  return blockedBy(definitions, key, blockingByAsset(await readCheckSummaries(definitions, storage, checked, { latestMatching: checkFailsRun })));
}

/** A check whose latest result blocks what reads its asset (see `readBlockingResults`). */
export interface BlockingResult {
  readonly key: string;
  readonly assetKey: string;
  /**
   * Whether the result still speaks for everything the check read: a run
   * that selects the asset checks one that does not again, and a run that
   * does not select it is blocked by it all the same.
   */
  readonly current: boolean;
}

/**
 * The checks of `keys` whose latest result blocks what reads their asset,
 * against what their IO managers store now, as a run judges them: a failing
 * result blocks while it judged the output stored now (see `blockingByAsset`),
 * whatever else its check read has changed since, unless the run checks it
 * again. In key order. Only failing results are read, and what they judged.
 */
export async function readBlockingResults(definitions: Definitions, storage: InstanceStorage, keys: readonly string[]): Promise<BlockingResult[]> {
  const summaries = await readCheckSummaries(definitions, storage, keys, { latestMatching: checkFailsRun });
  const blocking = new Set([...blockingByAsset(summaries).values()].flat());
  return summaries.filter((summary) => blocking.has(summary.key)).map(({ key, assetKey, current }) => ({ key, assetKey, current }));
}
