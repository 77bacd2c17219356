import type { Definitions } from '../core/definitions.js';
import { type MaterializationPlan, planMaterialization, type PlanOptions } from '../execution/plan-materialization.js';
import type { AssetStatus, SourceObservation, StaleReason } from '../graph/planner.js';
import type { InstanceStorage, MaterializationRecord } from '../storage/instance-storage.js';
import { readChangeTimesOnce } from '../versioning/code-versions.js';
import { type CheckSummary, checksWithProblem, readCheckSummaries } from './check-summaries.js';
import { countPartitions, overallStatus, type PartitionCounts, readPartitionStates } from './partition-states.js';
import { blockedBy, blockingByAsset } from './blocked-by.js';

/** What `status`, `why`, `list` and `lineage` show of one asset: its status, why, and its last materialization. */
export interface AssetState {
  readonly status: AssetStatus;
  readonly reasons: readonly StaleReason[];
  readonly record: MaterializationRecord | undefined;
  /** For a source asset: where it reads, and whether that could be checked. */
  readonly source: SourceObservation | undefined;
  /** The effective code version a run would record now (see `computeCodeVersions`). */
  readonly codeVersion: string;
  /** Its checks (`orders.unique_id`) of severity error whose latest result, on its latest output, failed or could not run. */
  readonly failedChecks: readonly string[];
  /** Its checks whose latest result, on its latest output, warned. */
  readonly warnedChecks: readonly string[];
  /** Blocking checks of its upstream assets that failed (and it does not ignore): a run skips it until they pass. */
  readonly blockedBy: readonly string[];
  /**
   * For a partitioned asset: how many partitions are in each status. Its
   * `status` sums them up (`overallStatus`), its `reasons` are empty (each
   * partition has its own: `assets partitions`, `why --partition`), and its
   * `record` is the latest materialization of any partition.
   */
  readonly partitions: PartitionCounts | undefined;
}

/**
 * The status the CLI and the UI show: the planner's, except that a fresh
 * asset whose latest output failed a check of severity error shows as
 * `failed-check` (a stale or missing one will be checked again when it runs).
 */
export type ShownStatus = AssetStatus | 'failed-check';

export function shownStatus(state: Pick<AssetState, 'status' | 'failedChecks'>): ShownStatus {
  return state.status === 'fresh' && state.failedChecks.length > 0 ? 'failed-check' : state.status;
}

/** What reading states needs besides the definitions and the instance. */
export type AssetStateOptions = Pick<PlanOptions, 'env' | 'now' | 'signal' | 'codeCacheFile' | 'changeTimes'>;

/**
 * The status of `keys`, decided exactly as a run of everything would decide
 * it. The plan covers the keys and all their ancestors (`+(...)`): a status
 * depends only on an asset's ancestors (`upstream-planned` looks at planned
 * parents), so that gives the same answer as planning every asset, for less
 * work; and an upward-closed selection never has an unselected upstream, so
 * the planner's "needs an unmaterialized upstream" check, which guards real
 * runs, cannot fire for a command that only looks.
 */
export async function readAssetStates(
  definitions: Definitions,
  storage: InstanceStorage,
  keys: readonly string[],
  options: AssetStateOptions,
): Promise<ReadonlyMap<string, AssetState>> {
  return (await planAssetStates(definitions, storage, keys, options)).states;
}

/** `readAssetStates`, and the plan it made (none for no keys), which a run of some of them can reuse (`PlanOptions.reuse`). */
export async function planAssetStates(
  definitions: Definitions,
  storage: InstanceStorage,
  keys: readonly string[],
  options: AssetStateOptions,
): Promise<{ states: ReadonlyMap<string, AssetState>; plan: MaterializationPlan | undefined }> {
  const states = new Map<string, AssetState>();
  if (keys.length === 0) return { states, plan: undefined };
  // One pass over the keys, one lookup each (at 100k assets each pass of lookups is tens of milliseconds),
  // for the partitioned keys and for the keys and upstreams that have checks: the only ones
  // `readCheckSummaries` reads, and none to look for in a project without checks.
  const anyChecks = definitions.assets.some((asset) => asset.checks.length > 0);
  const partitioned: string[] = [];
  const checked = new Set<string>();
  for (let index = 0; index < keys.length; index++) {
    const asset = definitions.asset(keys[index]!)!;
    if (asset.partitions !== undefined) partitioned.push(asset.key);
    if (!anyChecks) continue;
    if (asset.checks.length > 0) checked.add(asset.key);
    for (const dep of asset.deps) if (definitions.asset(dep)!.checks.length > 0) checked.add(dep);
  }
  // Both plans judge the code by one look at its files.
  const changeTimes = options.changeTimes ?? readChangeTimesOnce();
  // First: the plan below judges what reads partitions from these plans rather than planning them again.
  const partitionStates = partitioned.length === 0 ? undefined : await readPartitionStates(definitions, storage, partitioned, { ...options, changeTimes });
  // `key:` compares by equality and, unlike a bare word, cannot be read as
  // `and`/`or`/`not`, which are valid asset keys. Every asset (`assets status`
  // with no selection) is no selection at all, rather than an expression of
  // 100k terms to write, parse and resolve.
  const everyAsset = keys.length === definitions.assets.length && new Set(keys).size === keys.length;
  const select = everyAsset ? undefined : `+(${keys.map((key) => `key:${key}`).join(', ')})`;
  const materializationPlan = await planMaterialization(definitions, storage, {
    select,
    env: options.env,
    now: options.now,
    signal: options.signal,
    codeCacheFile: options.codeCacheFile,
    changeTimes,
    purpose: 'states',
    partitionPlans: partitionStates?.plans,
  });
  // Judged against the data versions the plan read, as a run judges what blocks.
  const checks = await readCheckSummaries(definitions, storage, [...checked], { storedDataVersions: materializationPlan.currentDataVersions });
  const byAsset = (summaries: readonly CheckSummary[]) => {
    const keysByAsset = new Map<string, string[]>();
    for (const summary of summaries) keysByAsset.set(summary.assetKey, [...(keysByAsset.get(summary.assetKey) ?? []), summary.key]);
    return keysByAsset;
  };
  const [failed, warned, blocking] = [byAsset(checksWithProblem(checks, 'failed')), byAsset(checksWithProblem(checks, 'warned')), blockingByAsset(checks)];
  const { plan, recorded, code } = materializationPlan;
  // Every asset: the plan covers exactly the keys, so no set of them is needed.
  const wanted = everyAsset ? undefined : new Set(keys);
  for (const asset of plan.assets) {
    if (wanted !== undefined && !wanted.has(asset.key)) continue;
    states.set(asset.key, {
      status: asset.status,
      reasons: asset.reasons,
      record: recorded.get(asset.key),
      source: asset.source,
      codeVersion: code.get(asset.key)!.version,
      failedChecks: failed.get(asset.key) ?? [],
      warnedChecks: warned.get(asset.key) ?? [],
      blockedBy: blockedBy(definitions, asset.key, blocking),
      partitions: undefined,
    });
  }
  if (partitionStates !== undefined) {
    const { states: byAsset, codeVersions } = partitionStates;
    for (const key of partitioned) {
      const list = byAsset.get(key)!;
      const counts = countPartitions(list);
      const latest = list.reduce<MaterializationRecord | undefined>((newest, state) => (state.record !== undefined && (newest === undefined || state.record.materializedAt > newest.materializedAt) ? state.record : newest), undefined);
      states.set(key, {
        status: overallStatus(counts),
        reasons: [],
        record: latest,
        source: undefined,
        codeVersion: codeVersions.get(key)!,
        failedChecks: [],
        warnedChecks: [],
        // A partitioned asset too: each partition's run skips it for a failing blocking check of an unpartitioned upstream.
        blockedBy: blockedBy(definitions, key, blocking),
        partitions: counts,
      });
    }
  }
  return { states, plan: materializationPlan };
}
