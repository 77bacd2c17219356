import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, MemoryIOManager, type AnyAsset } from '../../src/index.js';
import { AssetGraph } from '../../src/graph/asset-graph.js';
import { seededRandom } from './synthetic-graph.js';

const schema = z.object({ id: z.int() });
const make = (key: string, deps: AnyAsset[] = []) => asset({ key, schema, deps, compute: () => [] });

// raw_b and raw_a feed clean; clean feeds both report_x and report_y; report_x also reads raw_a (a diamond).
const rawA = make('raw_a');
const rawB = make('raw_b');
const clean = make('clean', [rawB, rawA]);
const reportY = make('report_y', [clean]);
const reportX = make('report_x', [clean, rawA]);
const graph = new AssetGraph(defineDefinitions({ assets: [reportY, reportX, clean, rawB, rawA], ioManagers: { default: new MemoryIOManager() } }));

describe('AssetGraph', () => {
  it('orders keys in topological generations, each sorted by key', () => {
    expect(graph.generations).toEqual([['raw_a', 'raw_b'], ['clean'], ['report_x', 'report_y']]);
    expect(graph.keys).toEqual(['raw_a', 'raw_b', 'clean', 'report_x', 'report_y']);
  });

  it('gives the ids of a selection in topological order, each once, with their keys, assets and parents', () => {
    const ids = graph.topologicalIds(['report_y', 'clean', 'raw_b', 'report_y', 'clean']);
    expect(Array.from(ids, (id) => graph.keyOf(id))).toEqual(['raw_b', 'clean', 'report_y']);
    expect(graph.size).toBe(5);
    const cleanId = graph.idOf('clean');
    expect(graph.assetOf(cleanId)).toBe(graph.asset('clean'));
    expect(Array.from(graph.parentIdsOf(cleanId), (id) => graph.keyOf(id))).toEqual(['raw_a', 'raw_b']);
    expect(() => graph.topologicalIds(['nope'])).toThrow(RangeError);
  });

  it('lists direct parents and children sorted by key', () => {
    expect(graph.parents('clean')).toEqual(['raw_a', 'raw_b']);
    expect(graph.children('raw_a')).toEqual(['clean', 'report_x']);
    expect(graph.parents('raw_a')).toEqual([]);
  });

  it('walks ancestors and descendants in topological order, each node once', () => {
    expect(graph.ancestors('report_x')).toEqual(['raw_a', 'raw_b', 'clean']);
    expect(graph.descendants('raw_a')).toEqual(['clean', 'report_x', 'report_y']);
  });

  it('limits walks by depth, reaching each node at its shortest distance', () => {
    // raw_a is a direct parent of report_x as well as a grandparent.
    expect(graph.ancestors('report_x', 1)).toEqual(['raw_a', 'clean']);
    expect(graph.descendants('raw_b', 1)).toEqual(['clean']);
    expect(graph.descendants('raw_b', 2)).toEqual(['clean', 'report_x', 'report_y']);
    expect(graph.ancestors('report_x', 0)).toEqual([]);
  });

  it('walks from several keys at once, leaving the start keys out', () => {
    expect(graph.ancestorsOf(['report_x', 'report_y'], 1)).toEqual(['raw_a', 'clean']);
    // clean is an ancestor of report_x, but it is a start key.
    expect(graph.ancestorsOf(['report_x', 'clean'])).toEqual(['raw_a', 'raw_b']);
    expect(graph.descendantsOf(['raw_b', 'clean'])).toEqual(['report_x', 'report_y']);
    expect(graph.descendantsOf([])).toEqual([]);
  });

  it('sorts any keys topologically, ties by key', () => {
    expect(graph.sortTopologically(new Set(['report_y', 'clean', 'raw_b', 'report_x', 'raw_a']))).toEqual(['raw_a', 'raw_b', 'clean', 'report_x', 'report_y']);
    expect(graph.sortTopologically([])).toEqual([]);
  });

  it('counts a dep listed twice as one edge', () => {
    const twice = new AssetGraph(defineDefinitions({ assets: [rawA, make('doubled', [rawA, rawA])], ioManagers: { default: new MemoryIOManager() } }));
    expect(twice.parents('doubled')).toEqual(['raw_a']);
    expect(twice.children('raw_a')).toEqual(['doubled']);
    expect(twice.generations).toEqual([['raw_a'], ['doubled']]);
  });

  it('rejects an unknown key', () => {
    expect(() => graph.ancestors('nope')).toThrow(/no asset "nope"/);
    expect(() => graph.parents('nope')).toThrow(/no asset "nope"/);
    expect(() => graph.sortTopologically(['clean', 'nope'])).toThrow(/no asset "nope"/);
  });
});

describe('AssetGraph on random graphs', () => {
  /**
   * A random DAG of `count` assets declared in shuffled order, with keys
   * whose order is unrelated to the dependency order, and some deps repeated.
   */
  function randomAssets(seed: number, count: number): AnyAsset[] {
    const random = seededRandom(seed);
    const names = Array.from({ length: count }, (_, index) => `n${((index * 7919) % 1000).toString(36)}_${index}`);
    const made: AnyAsset[] = [];
    for (const name of names) {
      const deps = made.length === 0 ? [] : Array.from({ length: Math.floor(random() * 4) }, () => made[Math.floor(random() * made.length)]!);
      made.push(make(name, deps));
    }
    for (let index = made.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [made[index], made[other]] = [made[other]!, made[index]!];
    }
    return made;
  }

  /** The obvious reference: levels by recursion, walks by repeated scans of every asset's deps. */
  function reference(assets: readonly AnyAsset[]) {
    const byKey = new Map(assets.map((item) => [item.key, item]));
    const level = (key: string): number => Math.max(-1, ...byKey.get(key)!.deps.map(level)) + 1;
    const keys = [...byKey.keys()].sort();
    const order = [...keys].sort((a, b) => level(a) - level(b) || (a < b ? -1 : 1));
    const generations: string[][] = [];
    for (const key of order) (generations[level(key)] ??= []).push(key);
    const parents = (key: string) => [...new Set(byKey.get(key)!.deps)].sort();
    const children = (key: string) => keys.filter((other) => byKey.get(other)!.deps.includes(key));
    const walk = (key: string, depth: number, next: (key: string) => string[]) => {
      const distance = new Map([[key, 0]]);
      for (let frontier = [key], level = 1; level <= depth && frontier.length > 0; level++) {
        frontier = frontier.flatMap(next).filter((other) => !distance.has(other) && distance.set(other, level));
      }
      distance.delete(key);
      return order.filter((other) => distance.has(other));
    };
    return { order, generations, parents, children, walk };
  }

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`matches a plain reference implementation (seed ${seed})`, () => {
      const assets = randomAssets(seed, 60);
      const built = new AssetGraph(defineDefinitions({ assets, ioManagers: { default: new MemoryIOManager() } }));
      const expected = reference(assets);
      expect(built.keys).toEqual(expected.order);
      expect(built.generations).toEqual(expected.generations);
      for (const key of expected.order) {
        expect(built.parents(key)).toEqual(expected.parents(key));
        expect(built.children(key)).toEqual(expected.children(key));
        for (const depth of [1, 2, Infinity]) {
          expect(built.ancestors(key, depth)).toEqual(expected.walk(key, depth, expected.parents));
          expect(built.descendants(key, depth)).toEqual(expected.walk(key, depth, expected.children));
        }
      }
    });
  }
});
