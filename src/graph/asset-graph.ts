import { DirectedGraph } from 'graphology';
import { topologicalGenerations } from 'graphology-dag';
import type { DefinedAsset, Definitions } from '../core/definitions.js';

/**
 * The dependency graph of a definition set: edges run from an upstream asset
 * to the assets that read it. graphology stays behind this class; callers see
 * asset keys and plain arrays, always in a deterministic order.
 */
export class AssetGraph {
  readonly #graph: DirectedGraph;
  readonly #definitions: Definitions;
  /** Topological generations, each sorted by key; computed once, since every plan and listing walks them. */
  readonly #generations: readonly (readonly string[])[];
  readonly #order: ReadonlyMap<string, number>;

  constructor(definitions: Definitions) {
    this.#definitions = definitions;
    const graph = new DirectedGraph({ allowSelfLoops: false });
    for (const asset of definitions.assets) graph.addNode(asset.key);
    for (const asset of definitions.assets) {
      for (const dep of asset.deps) graph.mergeEdge(dep, asset.key);
    }
    this.#graph = graph;
    this.#generations = topologicalGenerations(graph).map((generation) => Object.freeze(generation.sort()));
    const order = new Map<string, number>();
    for (const generation of this.#generations) for (const key of generation) order.set(key, order.size);
    this.#order = order;
  }

  get definitions(): Definitions {
    return this.#definitions;
  }

  /** Every key in topological order, ties broken by key. */
  get keys(): readonly string[] {
    return [...this.#order.keys()];
  }

  /** Groups of keys that only depend on earlier groups; each sorted by key. */
  get generations(): readonly (readonly string[])[] {
    return this.#generations;
  }

  has(key: string): boolean {
    return this.#graph.hasNode(key);
  }

  asset(key: string): DefinedAsset {
    const asset = this.#definitions.asset(key);
    if (asset === undefined) throw new RangeError(`AssetGraph: no asset "${key}"`);
    return asset;
  }

  /** Direct upstream keys, sorted. */
  parents(key: string): string[] {
    return this.#graph.inNeighbors(key).sort();
  }

  /** Direct downstream keys, sorted. */
  children(key: string): string[] {
    return this.#graph.outNeighbors(key).sort();
  }

  /** Every upstream key within `depth` edges (all when omitted), in topological order. */
  ancestors(key: string, depth = Infinity): string[] {
    return this.#walk(key, depth, (node) => this.#graph.inNeighbors(node));
  }

  /** Every downstream key within `depth` edges (all when omitted), in topological order. */
  descendants(key: string, depth = Infinity): string[] {
    return this.#walk(key, depth, (node) => this.#graph.outNeighbors(node));
  }

  /** `keys` in topological order, ties by key: the one order plans and listings use. */
  sortTopologically(keys: Iterable<string>): string[] {
    return [...keys].sort((a, b) => this.#order.get(a)! - this.#order.get(b)!);
  }

  /** Breadth-first, so each node is reached at its shortest distance and depth limits are exact. */
  #walk(start: string, depth: number, next: (node: string) => string[]): string[] {
    this.asset(start);
    const seen = new Set<string>([start]);
    let frontier = [start];
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const following: string[] = [];
      for (const node of frontier) {
        for (const neighbour of next(node)) {
          if (seen.has(neighbour)) continue;
          seen.add(neighbour);
          following.push(neighbour);
        }
      }
      frontier = following;
    }
    seen.delete(start);
    return this.sortTopologically(seen);
  }
}
