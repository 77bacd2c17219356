/**
 * Every cycle a depth-first search meets in the graph `nodes -> deps(node)`,
 * each as its full path with the first key repeated last (`a -> b -> a`).
 * Iterative, so deep graphs cannot overflow the stack. Nodes are visited in
 * the given order, so the result is deterministic.
 */
export function findCycles(nodes: readonly string[], deps: (node: string) => readonly string[]): string[][] {
  const VISITING = 1;
  const DONE = 2;
  const state = new Map<string, number>();
  const cycles: string[][] = [];

  for (const start of nodes) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const nextDep: number[] = [0];
    state.set(start, VISITING);
    while (path.length > 0) {
      const node = path[path.length - 1]!;
      const nodeDeps = deps(node);
      const index = nextDep[nextDep.length - 1]!;
      if (index >= nodeDeps.length) {
        state.set(node, DONE);
        path.pop();
        nextDep.pop();
        continue;
      }
      nextDep[nextDep.length - 1] = index + 1;
      const dep = nodeDeps[index]!;
      const depState = state.get(dep);
      if (depState === VISITING) {
        // The path runs from the start of the search down to `node`; the
        // cycle is its tail from `dep`, read as "depends on" edges.
        cycles.push([...path.slice(path.indexOf(dep)), dep]);
      } else if (depState === undefined) {
        state.set(dep, VISITING);
        path.push(dep);
        nextDep.push(0);
      }
    }
  }
  return cycles;
}
