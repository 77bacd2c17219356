import type { AssetGraph } from '../graph/asset-graph.js';

export type LineageDirection = 'upstream' | 'downstream';

/** An edge in data-flow order: `from` is read by `to`, whichever way the walk went. */
export interface LineageEdge {
  readonly from: string;
  readonly to: string;
}

/** The part of the graph a lineage shows, in one direction from a set of starting assets. */
export interface LineageWalk {
  readonly direction: LineageDirection;
  /** The starting assets, in topological order. */
  readonly selected: readonly string[];
  /**
   * Where trees start: the starting assets no other drawn asset leads to
   * (the others are drawn inside their trees), in topological order.
   */
  readonly roots: readonly string[];
  /** Every asset reached, the starting ones included, in topological order. */
  readonly keys: readonly string[];
  /**
   * For every asset within `depth - 1` of a starting one, its neighbours in
   * the walk's direction (parents upstream, children downstream), sorted by
   * key. Assets at the edge of the depth limit, and those with no
   * neighbours, are absent: a tree draws them as leaves.
   */
  readonly branches: ReadonlyMap<string, readonly string[]>;
  /** One per branch, sorted by the topological position of `from`, then of `to`. */
  readonly edges: readonly LineageEdge[];
}

/**
 * Walks breadth-first from all of `selected` at once, as the selection
 * `N+(...)` / `(...)+N` does, so an asset is expanded when its shortest
 * distance is below `depth` and the keys are exactly what that selection
 * selects. (AssetGraph's own walks return keys only; the tree also needs
 * the edges it went along.)
 */
export function walkLineage(graph: AssetGraph, selected: readonly string[], direction: LineageDirection, depth = Infinity): LineageWalk {
  const next = (key: string) => (direction === 'upstream' ? graph.parents(key) : graph.children(key));
  const reached = new Set(selected);
  const branches = new Map<string, readonly string[]>();
  let frontier = [...selected];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const following: string[] = [];
    for (const key of frontier) {
      const neighbours = next(key);
      if (neighbours.length === 0) continue;
      branches.set(key, neighbours);
      for (const neighbour of neighbours) {
        if (reached.has(neighbour)) continue;
        reached.add(neighbour);
        following.push(neighbour);
      }
    }
    frontier = following;
  }
  const led = new Set([...branches.values()].flat());
  const keys = graph.sortTopologically(reached);
  const edges = [...branches].flatMap(([key, neighbours]) =>
    neighbours.map((neighbour) => (direction === 'upstream' ? { from: neighbour, to: key } : { from: key, to: neighbour })),
  );
  const sortedSelected = graph.sortTopologically(new Set(selected));
  return {
    direction,
    selected: sortedSelected,
    roots: sortedSelected.filter((key) => !led.has(key)),
    keys,
    branches,
    edges: mergeEdges([edges], keys),
  };
}

/**
 * The edges of several walks (`--both`), each once, sorted by the position
 * of `from` in `order` (topological), then of `to`. Every key of the edges
 * must be in `order`.
 */
export function mergeEdges(lists: readonly (readonly LineageEdge[])[], order: readonly string[]): LineageEdge[] {
  const position = new Map(order.map((key, index) => [key, index]));
  const unique = new Map(lists.flat().map((edge) => [`${edge.from} ${edge.to}`, edge]));
  return [...unique.values()].sort((a, b) => position.get(a.from)! - position.get(b.from)! || position.get(a.to)! - position.get(b.to)!);
}
