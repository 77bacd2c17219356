import type { Definitions } from '../core/definitions.js';
import { partitionsContext, upstreamPartitions } from '../execution/partition-scope.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import type { AssetStateOptions } from './asset-states.js';
import { readPartitionStates } from './partition-states.js';
import { stalePartitionsOf } from './stale-partitions.js';

/** A partition of a selected asset that runs of some partitions leave stale, and the upstreams it waits for. */
export interface PartitionLeftStale {
  readonly key: string;
  readonly partition: string;
  readonly upstreams: readonly string[];
  /** For each partitioned one of `upstreams`: the partitions of it that this partition reads and that are not fresh, in key order. */
  readonly upstreamPartitions: Readonly<Record<string, readonly string[]>>;
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
  const waiting = partitioned.flatMap((key) =>
    states.get(key)!.flatMap(({ partition, reasons }) => {
      const reason = reasons.find((one) => one.kind === 'upstream-planned');
      return reason === undefined ? [] : [{ key, partition, upstreams: reason.upstreams }];
    }),
  );
  return waiting.length === 0 ? [] : withUpstreamPartitions(definitions, storage, waiting, options);
}

/**
 * Each stale partition with the partitions of its partitioned upstreams
 * that it reads and that are not fresh: the day before's, for a reader of
 * it, rather than the upstream's name alone, which leaves the reader to
 * find which of its partitions to run. An unpartitioned upstream has none.
 */
async function withUpstreamPartitions(
  definitions: Definitions,
  storage: InstanceStorage,
  waiting: readonly Omit<PartitionLeftStale, 'upstreamPartitions'>[],
  options: AssetStateOptions,
): Promise<readonly PartitionLeftStale[]> {
  const context = await partitionsContext(definitions, storage, (options.now ?? (() => new Date()))());
  const reads = waiting.map(({ key, partition, upstreams }) => {
    const asset = definitions.asset(key)!;
    return upstreams.flatMap((dep) => {
      const read = upstreamPartitions(asset, partition, definitions.asset(dep)!, context);
      return read === undefined ? [] : [[dep, read] as const];
    });
  });
  const deps = [...new Set(reads.flat().map(([dep]) => dep))].sort();
  const stale = await stalePartitionsOf(definitions, storage, deps, { ...options, partitions: [...new Set(reads.flat().flatMap(([, read]) => read))] });
  return waiting.map((entry, index) => ({
    ...entry,
    upstreamPartitions: Object.fromEntries(reads[index]!.map(([dep, read]) => [dep, read.filter((partition) => stale.get(dep)!.includes(partition))])),
  }));
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
