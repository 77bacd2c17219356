import type { PartitionsDefinition, TimePartitionsDefinition, TimeWindow } from './partitions.js';

/*
 * How the clock makes a time partition stale on its own: a maxAge ages only
 * the newest window (`agesOut`), and a partition materialized while its
 * window was still open holds part of it once the window has closed
 * (`windowClosedSince`).
 */

/**
 * Whether a `freshness.maxAge` can expire the partition `key` of an asset
 * partitioned by `definition` at `now`. A time window that a newer one
 * follows (in a multi-partition key, by its time dimension) holds history:
 * its data does not go out of date as it ages, and expiring it would run
 * every partition of the asset's history again once per maxAge. So only the
 * newest window ages, as Dagster judges a time-partitioned asset's freshness
 * by its newest partition. A static or dynamic partition (a region, a tenant)
 * is current data of its own, and ages as an unpartitioned asset does.
 */
export function agesOut(definition: PartitionsDefinition, key: string, now: Date): boolean {
  const time = timePartOf(definition, key);
  if (time === undefined) return true;
  // A time dimension's keys depend on the clock alone, not on the instance's dynamic keys.
  return time.key === time.definition.keys({ now, dynamicKeys: () => [] }).at(-1);
}

/** The time window of the partition `key` (of a multi-partition key, its time dimension's); undefined without time. */
export function partitionWindow(definition: PartitionsDefinition, key: string): TimeWindow | undefined {
  const time = timePartOf(definition, key);
  return time?.definition.timeWindow(time.key);
}

/**
 * The end of the partition `key`'s time window when a materialization made
 * at `materializedAt` was made before it, and the window has ended by `now`:
 * a partition in progress (`endOffset: 1`) materialized then read part of its
 * window only. Undefined otherwise, and for partitions without time.
 */
export function windowClosedSince(definition: PartitionsDefinition, key: string, materializedAt: Date, now: Date): Date | undefined {
  const window = partitionWindow(definition, key);
  return window !== undefined && materializedAt < window.end && window.end <= now ? window.end : undefined;
}

/** The time definition of a partition key and its key there: the key itself, or a multi-partition key's time part. */
function timePartOf(definition: PartitionsDefinition, key: string): { readonly definition: TimePartitionsDefinition; readonly key: string } | undefined {
  if (definition.kind === 'time') return { definition, key };
  if (definition.kind !== 'multi') return undefined;
  const parts = definition.parts(key);
  const index = definition.dimensions.findIndex((dimension) => dimension.definition.kind === 'time');
  const time = definition.dimensions[index]?.definition;
  return time?.kind === 'time' ? { definition: time, key: parts[index]!.key } : undefined;
}
