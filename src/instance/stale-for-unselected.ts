import type { Definitions } from '../core/definitions.js';
import type { AssetState } from './asset-states.js';

/** A selected asset that a run of its selection leaves stale, and the upstreams outside the selection it waits for. */
export interface StaleForUnselected {
  readonly key: string;
  readonly upstreams: readonly string[];
  /** For each partitioned one of `upstreams`: its partitions that are not fresh, in key order. */
  readonly upstreamPartitions: Readonly<Record<string, readonly string[]>>;
}

/**
 * The selected assets stale only because upstreams outside the selection
 * are stale or missing. `status` calls them stale (`upstream-planned`), yet
 * a run of the selection has nothing to do for them: it never runs an
 * upstream it leaves out, and what that upstream stored is what they last
 * read. Worth asking only when a run or plan of `selected` found nothing to
 * do; it reads states (observing sources) only when some selected asset has
 * an upstream outside, and the states of partitions only of the partitioned
 * upstreams it names.
 */
export async function staleForUnselected(
  definitions: Definitions,
  selected: readonly string[],
  assetStates: (keys: readonly string[]) => Promise<ReadonlyMap<string, AssetState>>,
  stalePartitions: (keys: readonly string[]) => Promise<ReadonlyMap<string, readonly string[]>>,
): Promise<readonly StaleForUnselected[]> {
  const inSelection = new Set(selected);
  const outside = new Set<string>();
  for (const key of selected) for (const dep of definitions.asset(key)!.deps) if (!inSelection.has(dep)) outside.add(dep);
  if (outside.size === 0) return [];
  const states = await assetStates([...selected, ...outside]);
  const held = selected.flatMap((key) => {
    if (states.get(key)!.status !== 'stale') return [];
    const upstreams = definitions.asset(key)!.deps.filter((dep) => outside.has(dep) && states.get(dep)!.status !== 'fresh');
    return upstreams.length === 0 ? [] : [{ key, upstreams }];
  });
  const partitioned = [...new Set(held.flatMap(({ upstreams }) => upstreams))].filter((dep) => definitions.asset(dep)!.partitions !== undefined);
  const partitions = await stalePartitions(partitioned);
  return held.map(({ key, upstreams }) => ({ key, upstreams, upstreamPartitions: Object.fromEntries(upstreams.flatMap((dep) => (partitions.has(dep) ? [[dep, partitions.get(dep)!]] : []))) }));
}
