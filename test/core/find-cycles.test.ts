import { describe, expect, it } from 'vitest';
import { findCycles } from '../../src/core/find-cycles.js';

/** Adjacency lists from plain arrays: `deps[i]` are the deps of node i. */
function lists(deps: number[][]) {
  const start = new Int32Array(deps.length + 1);
  deps.forEach((list, node) => (start[node + 1] = start[node]! + list.length));
  return { start, deps: deps.flat() };
}

describe('findCycles', () => {
  it('finds nothing in a graph without cycles', () => {
    expect(findCycles(lists([[], [0], [0, 1], [2, 1]]))).toEqual([]);
    expect(findCycles(lists([]))).toEqual([]);
  });

  it('returns the full path of a cycle, first node repeated last', () => {
    // 0 depends on 1, 1 on 2, 2 on 0.
    expect(findCycles(lists([[1], [2], [0]]))).toEqual([[0, 1, 2, 0]]);
  });

  it('reports a node that depends on itself', () => {
    expect(findCycles(lists([[], [1]]))).toEqual([[1, 1]]);
  });

  it('reports separate cycles in node order, and only the cycle part of a path', () => {
    // 0 -> 1 -> 2 -> 1 (0 leads into the cycle but is not on it); 3 <-> 4.
    expect(findCycles(lists([[1], [2], [1], [4], [3]]))).toEqual([
      [1, 2, 1],
      [3, 4, 3],
    ]);
  });

  it('follows deps in list order, so the same graph always gives the same cycles', () => {
    // Two cycles through 0: 0 -> 1 -> 0 and 0 -> 2 -> 0; both are met, in list order.
    expect(findCycles(lists([[1, 2], [0], [0]]))).toEqual([
      [0, 1, 0],
      [0, 2, 0],
    ]);
    expect(findCycles(lists([[2, 1], [0], [0]]))).toEqual([
      [0, 2, 0],
      [0, 1, 0],
    ]);
  });

  it('walks long chains without recursion', () => {
    const count = 200_000;
    const deps = Array.from({ length: count }, (_, node) => (node + 1 < count ? [node + 1] : [0]));
    const [cycle] = findCycles(lists(deps));
    expect(cycle).toHaveLength(count + 1);
    expect(cycle!.at(-1)).toBe(0);
  });
});
