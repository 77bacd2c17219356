import type { Definitions } from '../core/definitions.js';
import type { PartitionsContext } from '../core/partitions.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import type { InstanceStorage, MaterializationRecord } from '../storage/instance-storage.js';
import { combinedDataVersion, inPartition, upstreamPartitions } from './partition-scope.js';

/** What planning a run needs to know about partitions: see `readPartitionInputs`. */
export interface PartitionInputs {
  /** For each selected asset of a partition run, the latest materialization of that partition. */
  readonly recorded: Map<string, MaterializationRecord>;
  /** For each selected asset of a partition run, the data version of that partition now (undefined: nothing stored). */
  readonly currentDataVersions: Map<string, string | undefined>;
  /** For each selected asset, the partitions it reads of each partitioned upstream, in order. */
  readonly inputPartitions: Map<string, Readonly<Record<string, readonly string[]>>>;
  /** The data version stored now of every partition read or planned, by asset key then partition. */
  readonly partitionVersions: Map<string, Map<string, string | undefined>>;
  /** For each selected asset, the one version of what it reads from each partitioned upstream (see `combinedDataVersion`). */
  readonly inputVersions: Map<string, Map<string, string | undefined>>;
  /** Assets a record or data version of some partition of which could not be read, with the first error. */
  readonly failures: Map<string, unknown>;
}

/**
 * Reads what the selected assets of `runs`, each of one partition (or
 * without a partition: the unpartitioned assets), involve of partitions: the partition
 * each materializes and the upstream partitions each reads, with their
 * records and stored data versions, all partitions of an asset at once (one
 * query, however many runs), and returns the inputs of each run's plan.
 */
export async function readPartitionInputs(
  definitions: Definitions,
  storage: InstanceStorage,
  graph: AssetGraph,
  runs: readonly { readonly partition: string | undefined; readonly selected: readonly string[] }[],
  context: PartitionsContext,
): Promise<(partition: string | undefined) => PartitionInputs> {
  const needed = new Map<string, Set<string>>();
  const need = (key: string, keys: readonly string[]) => {
    const set = needed.get(key) ?? new Set<string>();
    for (const one of keys) set.add(one);
    needed.set(key, set);
  };
  const readsOf = new Map<string | undefined, Map<string, Readonly<Record<string, readonly string[]>>>>();
  for (const { partition, selected } of runs) {
    const inputPartitions = new Map<string, Readonly<Record<string, readonly string[]>>>();
    readsOf.set(partition, inputPartitions);
    for (const key of selected) {
      const asset = graph.asset(key);
      // An unpartitioned asset in a partition's run (one that feeds it) is read as one table, elsewhere.
      if (partition !== undefined && asset.partitions !== undefined) need(key, [partition]);
      const reads: Record<string, readonly string[]> = {};
      for (const dep of asset.deps) {
        const upstream = upstreamPartitions(asset, partition, graph.asset(dep), context);
        if (upstream === undefined) continue;
        reads[dep] = upstream;
        need(dep, upstream);
      }
      if (Object.keys(reads).length > 0) inputPartitions.set(key, Object.freeze(reads));
    }
  }

  const records = new Map<string, Map<string, MaterializationRecord>>();
  const partitionVersions = new Map<string, Map<string, string | undefined>>();
  const failures = new Map<string, unknown>();
  await Promise.all(
    [...needed].map(async ([key, keys]) => {
      const asset = graph.asset(key);
      const io = definitions.ioManagers[asset.ioManager]!;
      const versions = new Map<string, string | undefined>();
      partitionVersions.set(key, versions);
      try {
        // The records come first: IO managers use them to skip re-hashing unchanged outputs.
        const recorded = await storage.latestPartitionMaterializations(key, [...keys]);
        records.set(key, recorded);
        const read = await Promise.allSettled([...keys].map((one) => io.dataVersion(inPartition(asset, one), recorded.get(one))));
        [...keys].forEach((one, index) => {
          const outcome = read[index]!;
          if (outcome.status === 'fulfilled') versions.set(one, outcome.value);
          else if (!failures.has(key)) failures.set(key, outcome.reason);
        });
      } catch (error) {
        failures.set(key, error);
      }
    }),
  );

  // By partition, not `runs.find` per call: a backfill plans thousands of runs, and a scan each was quadratic (half its time at 3,650 days).
  const selectedOf = new Map(runs.map((run) => [run.partition, run.selected]));
  return (partition) => {
    const inputPartitions = readsOf.get(partition)!;
    const selected = selectedOf.get(partition)!;
    const recorded = new Map<string, MaterializationRecord>();
    const currentDataVersions = new Map<string, string | undefined>();
    if (partition !== undefined) {
      for (const key of selected) {
        if (!partitionVersions.has(key)) continue;
        const record = records.get(key)?.get(partition);
        if (record !== undefined) recorded.set(key, record);
        if (!failures.has(key)) currentDataVersions.set(key, partitionVersions.get(key)!.get(partition));
      }
    }
    const inputVersions = new Map<string, Map<string, string | undefined>>();
    for (const [key, reads] of inputPartitions) {
      const versions = new Map<string, string | undefined>();
      for (const [dep, keys] of Object.entries(reads)) versions.set(dep, combinedDataVersion(keys, (one) => partitionVersions.get(dep)!.get(one), partition));
      inputVersions.set(key, versions);
    }
    return { recorded, currentDataVersions, inputPartitions, partitionVersions, inputVersions, failures };
  };
}
