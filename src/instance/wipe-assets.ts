import type { Definitions } from '../core/definitions.js';
import { inPartition } from '../execution/partition-scope.js';
import type { InstanceStorage } from '../storage/instance-storage.js';

/** What wiping a set of assets would forget: the recorded materializations of each. */
export interface WipeScope {
  /** The assets asked for, in the order given. */
  readonly keys: readonly string[];
  /** Materializations recorded per asset (0 for an asset never materialized). */
  readonly counts: ReadonlyMap<string, number>;
  /** The assets with at least one recorded materialization. */
  readonly recordedKeys: readonly string[];
  readonly total: number;
}

/** What a wipe did. */
export interface WipeResult {
  readonly materializationsRemoved: number;
  /** With `deleteOutputs`: whether each asset had a stored output that was deleted. */
  readonly outputsDeleted: ReadonlyMap<string, boolean>;
}

/** Counts what wiping `keys` would forget, so a caller can say so (and ask) before anything is removed. */
export async function wipeScope(storage: InstanceStorage, keys: readonly string[]): Promise<WipeScope> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (await storage.materializationHistory(key)).length);
  const recordedKeys = keys.filter((key) => counts.get(key)! > 0);
  return { keys, counts, recordedKeys, total: recordedKeys.reduce((sum, key) => sum + counts.get(key)!, 0) };
}

/**
 * Forgets the recorded materializations of the scope's assets, so the
 * planner sees them as missing, and with `deleteOutputs` deletes their stored
 * outputs through their IO managers. Runs and their events are kept.
 */
export async function wipeAssets(definitions: Definitions, storage: InstanceStorage, scope: WipeScope, options: { readonly deleteOutputs: boolean }): Promise<WipeResult> {
  // A partitioned asset's outputs are its recorded partitions': read before the records go.
  const partitions = new Map<string, string[]>();
  if (options.deleteOutputs) {
    for (const key of scope.keys) {
      if (definitions.asset(key)!.partitions !== undefined) partitions.set(key, [...(await storage.latestPartitionMaterializations(key)).keys()]);
    }
  }
  const materializationsRemoved = await storage.wipeMaterializations(scope.recordedKeys);
  const outputsDeleted = new Map<string, boolean>();
  if (options.deleteOutputs) {
    for (const key of scope.keys) {
      const asset = definitions.asset(key)!;
      const io = definitions.ioManagers[asset.ioManager]!;
      const deleted = await Promise.all((partitions.get(key) ?? [undefined]).map((partition) => io.delete(inPartition(asset, partition))));
      outputsDeleted.set(key, deleted.some(Boolean));
    }
  }
  return { materializationsRemoved, outputsDeleted };
}
