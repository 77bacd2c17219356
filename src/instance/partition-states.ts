import type { Definitions } from '../core/definitions.js';
import { type PartitionPlans, planPartitions } from '../execution/plan-materialization.js';
import type { AssetStatus, StaleReason } from '../graph/planner.js';
import type { InstanceStorage, MaterializationRecord } from '../storage/instance-storage.js';
import type { AssetStateOptions } from './asset-states.js';

/** The state of one partition of an asset, decided as a run of that partition would decide it. */
export interface PartitionState {
  readonly partition: string;
  readonly status: AssetStatus;
  readonly reasons: readonly StaleReason[];
  readonly record: MaterializationRecord | undefined;
}

/** How many partitions of an asset are in each status. */
export interface PartitionCounts {
  readonly total: number;
  readonly fresh: number;
  readonly stale: number;
  readonly missing: number;
}

/**
 * The state of every partition of each of `keys` (partitioned assets), in
 * key order. Each partition is planned with its partitioned ancestors that
 * have the same key, so a stale upstream partition makes it stale as it
 * would in a run.
 */
export async function readPartitionStates(
  definitions: Definitions,
  storage: InstanceStorage,
  keys: readonly string[],
  options: AssetStateOptions & { readonly partitions?: readonly string[] | undefined },
): Promise<{ states: ReadonlyMap<string, readonly PartitionState[]>; codeVersions: ReadonlyMap<string, string>; plans: PartitionPlans }> {
  const partitionPlans = await planPartitions(definitions, storage, {
    select: `+(${keys.map((key) => `key:${key}`).join(', ')})`,
    env: options.env,
    now: options.now,
    signal: options.signal,
    codeCacheFile: options.codeCacheFile,
    changeTimes: options.changeTimes,
    partitions: options.partitions,
  });
  const { plans, keys: keysOf, code } = partitionPlans;
  const states = new Map<string, PartitionState[]>(keys.map((key) => [key, []]));
  const wanted = options.partitions === undefined ? undefined : new Set(options.partitions);
  for (const key of keys) {
    const list = states.get(key)!;
    for (const partition of keysOf.get(key) ?? []) {
      if (wanted !== undefined && !wanted.has(partition)) continue;
      const run = plans.get(partition);
      const planned = run?.plan.assets.find((asset) => asset.key === key);
      if (run === undefined || planned === undefined) continue;
      list.push({ partition, status: planned.status, reasons: planned.reasons, record: run.recorded.get(key) });
    }
  }
  return { states, codeVersions: new Map([...code].map(([key, version]) => [key, version.version])), plans: partitionPlans };
}

export function countPartitions(states: readonly PartitionState[]): PartitionCounts {
  const counts = { total: states.length, fresh: 0, stale: 0, missing: 0 };
  for (const state of states) counts[state.status]++;
  return counts;
}

/** One status for a partitioned asset: fresh when every partition is, missing when none was ever materialized, else stale. */
export function overallStatus(counts: PartitionCounts): AssetStatus {
  if (counts.fresh === counts.total) return 'fresh';
  return counts.missing === counts.total ? 'missing' : 'stale';
}

/** `35/40 fresh, 3 stale, 2 missing`: the counts as status and list show them. */
export function describeCounts(counts: PartitionCounts): string {
  if (counts.total === 0) return 'no partitions yet';
  const rest = [counts.stale > 0 ? `${counts.stale} stale` : '', counts.missing > 0 ? `${counts.missing} missing` : ''].filter(Boolean);
  return [`${counts.fresh}/${counts.total} fresh`, ...rest].join(', ');
}
