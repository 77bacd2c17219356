import type { Definitions } from '../core/definitions.js';
import { planMaterialization, type PlanOptions } from '../execution/plan-materialization.js';
import type { AssetStatus, SourceObservation, StaleReason } from '../graph/planner.js';
import type { InstanceStorage, MaterializationRecord } from '../storage/instance-storage.js';

/** What `status`, `why`, `list` and `lineage` show of one asset: its status, why, and its last materialization. */
export interface AssetState {
  readonly status: AssetStatus;
  readonly reasons: readonly StaleReason[];
  readonly record: MaterializationRecord | undefined;
  /** For a source asset: where it reads, and whether that could be checked. */
  readonly source: SourceObservation | undefined;
  /** The effective code version a run would record now (see `computeCodeVersions`). */
  readonly codeVersion: string;
}

/** What reading states needs besides the definitions and the instance. */
export type AssetStateOptions = Pick<PlanOptions, 'env' | 'now' | 'signal' | 'codeCacheFile'>;

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
  const states = new Map<string, AssetState>();
  if (keys.length === 0) return states;
  // `key:` compares by equality and, unlike a bare word, cannot be read as
  // `and`/`or`/`not`, which are valid asset keys.
  const select = `+(${keys.map((key) => `key:${key}`).join(', ')})`;
  const { plan, recorded, code } = await planMaterialization(definitions, storage, { select, env: options.env, now: options.now, signal: options.signal, codeCacheFile: options.codeCacheFile });
  const wanted = new Set(keys);
  for (const asset of plan.assets) {
    if (!wanted.has(asset.key)) continue;
    states.set(asset.key, { status: asset.status, reasons: asset.reasons, record: recorded.get(asset.key), source: asset.source, codeVersion: code.get(asset.key)!.version });
  }
  return states;
}
