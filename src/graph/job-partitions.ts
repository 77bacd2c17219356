import type { TimePartitionsDefinition } from '../core/partitions.js';
import type { AssetGraph } from './asset-graph.js';

/**
 * What a schedule's tick runs of a job (Dagster's schedule from a
 * partitioned job): a job over unpartitioned assets runs as it is; a job over
 * assets that share one time partitions definition runs, at each tick, the
 * partition that definition has last at the tick time (see
 * `schedulePartition` in src/sensors). Any other job cannot be given one
 * partition per tick: `problem` says why, for the definitions check.
 */
export type ScheduledJobPartitions =
  | { readonly kind: 'unpartitioned' }
  | { readonly kind: 'time'; readonly definition: TimePartitionsDefinition }
  | { readonly kind: 'problem'; readonly problem: string };

/** How the ticks of a schedule choose their partition, from the assets its job selects (`selectJobAssets`). */
export function scheduledJobPartitions(graph: AssetGraph, selected: readonly string[]): ScheduledJobPartitions {
  const partitioned = selected.filter((key) => graph.asset(key).partitions !== undefined);
  if (partitioned.length === 0) return { kind: 'unpartitioned' };
  // A run materializes one partition: an unpartitioned asset in it would be left out at every tick.
  const unpartitioned = selected.filter((key) => graph.asset(key).partitions === undefined);
  if (unpartitioned.length > 0) {
    return {
      kind: 'problem',
      problem:
        `selects partitioned assets (${partitioned.join(', ')}) and unpartitioned ones (${unpartitioned.join(', ')}), but each tick runs one partition, ` +
        'which would leave the unpartitioned ones out; give each kind a job (and a schedule) of its own',
    };
  }
  const definitions = new Map(partitioned.map((key) => [graph.asset(key).partitions!.id, graph.asset(key).partitions!]));
  if (definitions.size > 1) {
    return {
      kind: 'problem',
      problem: `selects assets with different partitions (${partitioned.map((key) => `${key}: ${graph.asset(key).partitions!.describe()}`).join('; ')}), but each tick runs one partition key; give each partitions definition a job of its own`,
    };
  }
  const [definition] = definitions.values();
  if (definition!.kind !== 'time') {
    return {
      kind: 'problem',
      problem: `selects assets partitioned by ${definition!.describe()}: a schedule picks the partition of the time that ended, so its job needs time partitions; run the others with a sensor or \`assets backfill\``,
    };
  }
  return { kind: 'time', definition: definition! };
}
