import type { Definitions } from '../core/definitions.js';
import { resultBlocks } from '../execution/check-states.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import { type CheckSummary, checksWithProblem, readCheckSummaries } from './check-summaries.js';

/*
 * What blocks an asset: the failing blocking checks of its upstreams that
 * make runs skip it until they pass. `status`, `why`, `partitions`, the dry
 * run's runs of partitions and a backfill all judge by these, so they agree.
 */

/**
 * The upstreams of `key` whose failing blocking checks, judged on the one
 * latest result each of their checks keeps, make runs skip `key`: every
 * upstream of an unpartitioned asset; of a partitioned one, only those
 * without partitions, whose one output every partition's run reads. A
 * partitioned upstream's checks judge each of its partitions, and only the
 * run of that partition: they block no whole asset.
 */
export function upstreamsBlockingWhole(definitions: Definitions, key: string): readonly string[] {
  const { deps, partitions } = definitions.asset(key)!;
  return partitions === undefined ? deps : deps.filter((dep) => definitions.asset(dep)!.partitions === undefined);
}

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
  const { ignoreFailedChecks } = definitions.asset(key)!;
  return upstreamsBlockingWhole(definitions, key).flatMap((dep) => blocking.get(dep) ?? []).filter((check) => !ignoreFailedChecks.includes(check));
}

/**
 * `blockedBy` of one asset, reading only the results of its upstreams'
 * checks, against what their IO managers store now: for a command that
 * looks at an asset's partitions without planning it whole.
 */
export async function readBlockedBy(definitions: Definitions, storage: InstanceStorage, key: string): Promise<string[]> {
  const checked = upstreamsBlockingWhole(definitions, key).filter((dep) => definitions.asset(dep)!.checks.length > 0);
  if (checked.length === 0) return [];
  return blockedBy(definitions, key, blockingByAsset(await readCheckSummaries(definitions, storage, checked)));
}
