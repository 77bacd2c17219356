/**
 * A graph of nodes `0 .. n-1` as adjacency lists in two flat arrays: the
 * deps of node `i` are `deps[start[i]]` up to (excluding) `deps[start[i + 1]]`.
 */
export interface DependencyLists {
  readonly start: Int32Array;
  readonly deps: ArrayLike<number>;
}

/**
 * Every cycle a depth-first search meets in `graph`, each as its full path of
 * nodes with the first one repeated last (`a -> b -> a`, read as "depends
 * on"). Nodes are visited in ascending order and deps in list order, so the
 * result is deterministic. Iterative, so deep graphs cannot overflow the
 * stack; on integer nodes and typed arrays, because definition sets of 100k
 * assets are checked on every load.
 */
export function findCycles(graph: DependencyLists): number[][] {
  const { start, deps } = graph;
  const count = start.length - 1;
  const VISITING = 1;
  const DONE = 2;
  const state = new Uint8Array(count);
  // The current search path and, for each node on it, where its next dep to follow is in `deps`.
  const path = new Int32Array(count);
  const nextDep = new Int32Array(count);
  const cycles: number[][] = [];

  for (let root = 0; root < count; root++) {
    if (state[root] !== 0) continue;
    let top = 0;
    path[0] = root;
    nextDep[0] = start[root]!;
    state[root] = VISITING;
    while (top >= 0) {
      const node = path[top]!;
      const edge = nextDep[top]!;
      if (edge >= start[node + 1]!) {
        state[node] = DONE;
        top--;
        continue;
      }
      nextDep[top] = edge + 1;
      const dep = deps[edge]!;
      if (state[dep] === VISITING) {
        // The path runs from the root of the search down to `node`; the cycle is its tail from `dep`.
        const cycle = Array.from(path.subarray(path.lastIndexOf(dep, top), top + 1));
        cycle.push(dep);
        cycles.push(cycle);
      } else if (state[dep] === 0) {
        state[dep] = VISITING;
        top++;
        path[top] = dep;
        nextDep[top] = start[dep]!;
      }
    }
  }
  return cycles;
}
