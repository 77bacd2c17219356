import type { PartitionsDefinition } from './partitions.js';

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
  const time =
    definition.kind === 'time'
      ? { definition, key }
      : definition.kind === 'multi'
        ? definition.dimensions.flatMap((dimension) =>
            dimension.definition.kind === 'time' ? [{ definition: dimension.definition, key: definition.parts(key).find((part) => part.dimension === dimension.name)!.key }] : [],
          )[0]
        : undefined;
  if (time === undefined) return true;
  // A time dimension's keys depend on the clock alone, not on the instance's dynamic keys.
  return time.key === time.definition.keys({ now, dynamicKeys: () => [] }).at(-1);
}
