import type { Definitions } from '../core/definitions.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import type { AssetStateOptions } from './asset-states.js';
import { readPartitionStates } from './partition-states.js';

/** A partition of a selected asset that runs of some partitions leave stale, and the upstreams it waits for. */
export interface PartitionLeftStale {
  readonly key: string;
  readonly partition: string;
  readonly upstreams: readonly string[];
}

/**
 * The partitions, of `partitions`, of the selected partitioned assets that
 * are `upstream-planned` as `status` judges them: once runs of those
 * partitions have ended (or found nothing to do), such a partition reads a
 * stale partition that none of them makes, the day before's or one of an
 * unselected upstream. A run of a partition reads what that one stores, so
 * it calls the partition up to date when only that partition changed.
 */
export async function partitionsLeftStale(
  definitions: Definitions,
  storage: InstanceStorage,
  selected: readonly string[],
  partitions: readonly string[],
  options: AssetStateOptions,
): Promise<readonly PartitionLeftStale[]> {
  const partitioned = selected.filter((key) => definitions.asset(key)!.partitions !== undefined);
  if (partitioned.length === 0 || partitions.length === 0) return [];
  const { states } = await readPartitionStates(definitions, storage, partitioned, { ...options, partitions });
  return partitioned.flatMap((key) =>
    states.get(key)!.flatMap(({ partition, reasons }) => {
      const waiting = reasons.find((reason) => reason.kind === 'upstream-planned');
      return waiting === undefined ? [] : [{ key, partition, upstreams: waiting.upstreams }];
    }),
  );
}
