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
  const selectedKeys = new Set(selected);
  if (partitions.length === 0 || !partitioned.some((key) => mayReadOutsideItsRun(definitions, key, selectedKeys))) return [];
  const { states } = await readPartitionStates(definitions, storage, partitioned, { ...options, partitions });
  return partitioned.flatMap((key) =>
    states.get(key)!.flatMap(({ partition, reasons }) => {
      const waiting = reasons.find((reason) => reason.kind === 'upstream-planned');
      return waiting === undefined ? [] : [{ key, partition, upstreams: waiting.upstreams }];
    }),
  );
}

/**
 * Whether a run of one partition of `key` may read what no run of those
 * partitions makes, so that it is worth a look at states: an upstream
 * outside the selection, or one whose partitions it may read other than its
 * own (a declared mapping, another partitions definition, an unpartitioned
 * upstream, which may roll partitions up). Same-keyed upstreams selected
 * with it are made by the same runs.
 */
function mayReadOutsideItsRun(definitions: Definitions, key: string, selected: ReadonlySet<string>): boolean {
  const asset = definitions.asset(key)!;
  return asset.deps.some((dep) => {
    const upstream = definitions.asset(dep)!;
    return !selected.has(dep) || upstream.partitions === undefined || asset.partitionMappings[dep] !== undefined || upstream.partitions.id !== asset.partitions!.id;
  });
}
