import type { Definitions } from '../core/definitions.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import type { AssetStateOptions } from './asset-states.js';
import { readPartitionStates } from './partition-states.js';

/**
 * The partitions of each of `keys` (partitioned assets) that are not fresh,
 * of `partitions` only when given, in key order, as `assets partitions`
 * judges them: what a note about a stale partitioned upstream names, so a
 * reader knows which of its partitions to run, not only which asset.
 */
export async function stalePartitionsOf(
  definitions: Definitions,
  storage: InstanceStorage,
  keys: readonly string[],
  options: AssetStateOptions & { readonly partitions?: readonly string[] | undefined },
): Promise<ReadonlyMap<string, readonly string[]>> {
  if (keys.length === 0) return new Map();
  const { states } = await readPartitionStates(definitions, storage, keys, options);
  return new Map(keys.map((key) => [key, states.get(key)!.filter(({ status }) => status !== 'fresh').map(({ partition }) => partition)]));
}
