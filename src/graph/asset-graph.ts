import type { DefinedAsset, Definitions } from '../core/definitions.js';

/**
 * The dependency graph of a definition set: edges run from an upstream asset
 * to the assets that read it. Callers see asset keys and plain arrays, always
 * in a deterministic order.
 *
 * Inside, every asset is a small integer id: its rank in key order, so
 * sorting ids sorts keys. Parents and children are id ranges in two flat
 * typed arrays (compressed adjacency lists), and the topological order is an
 * id array with each id's position in it. A general-purpose graph library
 * spent more time building its edge objects than everything else a plan does,
 * and several times the memory, for the few questions asked here.
 */
export class AssetGraph {
  readonly #definitions: Definitions;
  readonly #ids: ReadonlyMap<string, number>;
  /** Every key, by id: sorted. */
  readonly #keys: readonly string[];
  /** Every asset, by id. */
  readonly #assets: readonly DefinedAsset[];
  /** Parent and child ids of each id, ascending. */
  readonly #parents: Adjacency;
  readonly #children: Adjacency;
  /** Ids in topological order, ties by key; `#position` is the inverse. */
  readonly #topological: Int32Array;
  readonly #position: Int32Array;
  /** Topological generations, each sorted by key; computed once, since every plan and listing walks them. */
  readonly #generations: readonly (readonly string[])[];

  constructor(definitions: Definitions) {
    this.#definitions = definitions;
    const index = graphIndexOf(definitions);
    this.#ids = index.ids;
    this.#keys = index.keys;
    this.#assets = index.assets;
    this.#parents = index.parents;
    this.#children = index.children;
    this.#topological = index.topological;
    this.#position = index.position;
    this.#generations = index.generations;
  }

  get definitions(): Definitions {
    return this.#definitions;
  }

  /** Every key in topological order, ties broken by key. */
  get keys(): readonly string[] {
    return this.#keysOf(this.#topological);
  }

  /** Groups of keys that only depend on earlier groups; each sorted by key. */
  get generations(): readonly (readonly string[])[] {
    return this.#generations;
  }

  has(key: string): boolean {
    return this.#ids.has(key);
  }

  asset(key: string): DefinedAsset {
    const asset = this.#definitions.asset(key);
    if (asset === undefined) throw unknownKey(key);
    return asset;
  }

  /** Direct upstream keys, sorted. */
  parents(key: string): string[] {
    return this.#keysOf(neighbours(this.#parents, this.#id(key)));
  }

  /** Direct downstream keys, sorted. */
  children(key: string): string[] {
    return this.#keysOf(neighbours(this.#children, this.#id(key)));
  }

  /** Every upstream key within `depth` edges (all when omitted), in topological order. */
  ancestors(key: string, depth = Infinity): string[] {
    return this.ancestorsOf([key], depth);
  }

  /** Every downstream key within `depth` edges (all when omitted), in topological order. */
  descendants(key: string, depth = Infinity): string[] {
    return this.descendantsOf([key], depth);
  }

  /**
   * Every key within `depth` edges upstream of any of `keys` (none of `keys`
   * themselves), in topological order. One breadth-first search from all of
   * them at once, so each edge is followed once and each key is reached at
   * its shortest distance from the nearest of them.
   */
  ancestorsOf(keys: Iterable<string>, depth = Infinity): string[] {
    return this.#walk(keys, depth, this.#parents);
  }

  /** Every key within `depth` edges downstream of any of `keys` (none of `keys` themselves), in topological order; see `ancestorsOf`. */
  descendantsOf(keys: Iterable<string>, depth = Infinity): string[] {
    return this.#walk(keys, depth, this.#children);
  }

  /** `keys` in topological order, ties by key: the one order plans and listings use. Throws RangeError for a key that names no asset. */
  sortTopologically(keys: Iterable<string>): string[] {
    const list = asArray(keys);
    const positions = new Array<number>(list.length);
    for (let index = 0; index < list.length; index++) positions[index] = this.#position[this.#id(list[index]!)]!;
    return this.#atPositions(positions);
  }

  /** The keys at these topological positions, in topological order. */
  #atPositions(positions: readonly number[]): string[] {
    // A typed array sorts numbers natively, without calling a comparator per comparison.
    const sorted = Int32Array.from(positions).sort();
    const result = new Array<string>(sorted.length);
    for (let index = 0; index < sorted.length; index++) result[index] = this.#keys[this.#topological[sorted[index]!]!]!;
    return result;
  }

  // The id-level view, for walks inside src/graph (the planner) that keep what
  // they learn of each asset in arrays indexed by id rather than in maps and
  // sets of keys: at 100k assets, looking up keys scattered over a large heap
  // was most of a plan's time.

  /** How many assets: ids run from 0 to `size - 1`, in key order. */
  get size(): number {
    return this.#keys.length;
  }

  /** The ids of `keys` in topological order, ties by key, each once (a key given twice is one id). Throws RangeError for a key that names no asset. */
  topologicalIds(keys: Iterable<string>): Int32Array {
    const list = asArray(keys);
    const positions = new Int32Array(list.length);
    for (let index = 0; index < list.length; index++) positions[index] = this.#position[this.#id(list[index]!)]!;
    positions.sort();
    // Sorted, a key given twice sits side by side: kept once. Ids overwrite the positions already read.
    let count = 0;
    let previous = -1;
    for (let index = 0; index < positions.length; index++) {
      const position = positions[index]!;
      if (position === previous) continue;
      previous = position;
      positions[count++] = this.#topological[position]!;
    }
    return positions.subarray(0, count);
  }

  /** The id of `key`. Throws RangeError for a key that names no asset. */
  idOf(key: string): number {
    return this.#id(key);
  }

  keyOf(id: number): string {
    return this.#keys[id]!;
  }

  assetOf(id: number): DefinedAsset {
    return this.#assets[id]!;
  }

  /** The ids of the direct upstreams of `id`, ascending (so in key order), without repeats; a view, not a copy. */
  parentIdsOf(id: number): Int32Array {
    return neighbours(this.#parents, id);
  }

  #id(key: string): number {
    const id = this.#ids.get(key);
    if (id === undefined) throw unknownKey(key);
    return id;
  }

  #keysOf(ids: Int32Array): string[] {
    const result = new Array<string>(ids.length);
    for (let index = 0; index < ids.length; index++) result[index] = this.#keys[ids[index]!]!;
    return result;
  }

  /** Breadth-first over id ranges, so depth limits are exact; the start keys are marked first and never returned. */
  #walk(starts: Iterable<string>, depth: number, edges: Adjacency): string[] {
    const seen = new Uint8Array(this.#keys.length);
    const list = asArray(starts);
    let frontier: number[] = [];
    for (let index = 0; index < list.length; index++) {
      const id = this.#id(list[index]!);
      if (seen[id] === 1) continue;
      seen[id] = 1;
      frontier.push(id);
    }
    const reached: number[] = [];
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const following: number[] = [];
      for (let index = 0; index < frontier.length; index++) {
        const id = frontier[index]!;
        for (let edge = edges.start[id]!; edge < edges.start[id + 1]!; edge++) {
          const next = edges.ids[edge]!;
          if (seen[next] === 1) continue;
          seen[next] = 1;
          following.push(next);
          reached.push(this.#position[next]!);
        }
      }
      frontier = following;
    }
    return this.#atPositions(reached);
  }
}

/** What a graph is built from its definitions: everything but the definitions themselves. */
interface GraphIndex {
  readonly ids: ReadonlyMap<string, number>;
  readonly keys: readonly string[];
  readonly assets: readonly DefinedAsset[];
  readonly parents: Adjacency;
  readonly children: Adjacency;
  readonly topological: Int32Array;
  readonly position: Int32Array;
  readonly generations: readonly (readonly string[])[];
}

/**
 * One index per definition set, shared by every `AssetGraph` of it:
 * definitions are frozen, so their graph never changes, and a command builds
 * several graphs of the same definitions (validation, the instance,
 * planning), which at 100k assets cost 100 ms or more each.
 */
const graphIndexes = new WeakMap<Definitions, GraphIndex>();

function graphIndexOf(definitions: Definitions): GraphIndex {
  let index = graphIndexes.get(definitions);
  if (index === undefined) {
    index = buildGraphIndex(definitions);
    graphIndexes.set(definitions, index);
  }
  return index;
}

function buildGraphIndex(definitions: Definitions): GraphIndex {
  // `definitions.assets` comes sorted by key, so this sort is one linear pass that only guards the invariant.
  const assets = [...definitions.assets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const keys = assets.map((asset) => asset.key);
  const ids = new Map<string, number>();
  for (let id = 0; id < keys.length; id++) ids.set(keys[id]!, id);
  const parents = parentAdjacency(assets, ids);
  const children = invertAdjacency(parents);
  const { order, generationEnds } = topologicalOrder(parents, children);
  const position = new Int32Array(keys.length);
  for (let at = 0; at < keys.length; at++) position[order[at]!] = at;
  const keysOf = (slice: Int32Array) => Object.freeze(Array.from(slice, (id) => keys[id]!));
  const generations = generationEnds.map((end, index) => keysOf(order.subarray(generationEnds[index - 1] ?? 0, end)));
  return { ids, keys, assets, parents, children, topological: order, position, generations: Object.freeze(generations) };
}

/** Adjacency lists in two flat arrays: the neighbours of id `i` are `ids[start[i]]` up to (excluding) `ids[start[i + 1]]`. */
interface Adjacency {
  readonly start: Int32Array;
  readonly ids: Int32Array;
}

/** Each asset's parent ids, ascending, without repeats: an asset may list a dep twice, and that is still one edge. */
function parentAdjacency(assets: readonly DefinedAsset[], idOf: ReadonlyMap<string, number>): Adjacency {
  const start = new Int32Array(assets.length + 1);
  let edges = 0;
  for (let id = 0; id < assets.length; id++) edges += assets[id]!.deps.length;
  const ids = new Int32Array(edges);
  edges = 0;
  for (let id = 0; id < assets.length; id++) {
    const first = (start[id] = edges);
    const deps = assets[id]!.deps;
    // Insertion sort into place: deps lists are short, and this allocates nothing per asset.
    for (let index = 0; index < deps.length; index++) {
      const dep = deps[index]!;
      const parent = idOf.get(dep);
      if (parent === undefined) throw new RangeError(`AssetGraph: asset "${assets[id]!.key}" depends on "${dep}", which is not among the assets`);
      let at = edges;
      while (at > first && ids[at - 1]! > parent) at--;
      if (at > first && ids[at - 1] === parent) continue;
      ids.copyWithin(at + 1, at, edges);
      ids[at] = parent;
      edges++;
    }
  }
  start[assets.length] = edges;
  return { start, ids: ids.slice(0, edges) };
}

/** The same edges the other way round; each list stays ascending, since they are filled in ascending id order. */
function invertAdjacency(forward: Adjacency): Adjacency {
  const count = forward.start.length - 1;
  const start = new Int32Array(count + 1);
  for (let edge = 0; edge < forward.ids.length; edge++) start[forward.ids[edge]! + 1]!++;
  for (let id = 0; id < count; id++) start[id + 1]! += start[id]!;
  const ids = new Int32Array(forward.ids.length);
  const fill = start.slice(0, count);
  for (let from = 0; from < count; from++) {
    for (let edge = forward.start[from]!; edge < forward.start[from + 1]!; edge++) ids[fill[forward.ids[edge]!]!++] = from;
  }
  return { start, ids };
}

/**
 * `values` as an array, not copying one that is already. The loops over
 * assets and edges are indexed: `for...of` allocates an iterator result per
 * step until V8 optimizes the loop, which at 10k assets is most of the run.
 */
function asArray<T>(values: Iterable<T>): readonly T[] {
  return Array.isArray(values) ? values : [...values];
}

function neighbours(edges: Adjacency, id: number): Int32Array {
  return edges.ids.subarray(edges.start[id], edges.start[id + 1]);
}

/**
 * Kahn's algorithm, one generation at a time: a generation is every id whose
 * parents all sit in earlier ones, sorted ascending (by key). Returns the ids
 * in that order and where each generation ends. `defineDefinitions` rejects
 * cycles, so every id gets placed.
 */
function topologicalOrder(parents: Adjacency, children: Adjacency): { order: Int32Array; generationEnds: number[] } {
  const count = parents.start.length - 1;
  const waiting = new Int32Array(count);
  for (let id = 0; id < count; id++) waiting[id] = parents.start[id + 1]! - parents.start[id]!;
  const order = new Int32Array(count);
  const generationEnds: number[] = [];
  let placed = 0;
  for (let id = 0; id < count; id++) if (waiting[id] === 0) order[placed++] = id;
  let start = 0;
  while (start < placed) {
    const end = placed;
    order.subarray(start, end).sort();
    generationEnds.push(end);
    for (let at = start; at < end; at++) {
      const id = order[at]!;
      for (let edge = children.start[id]!; edge < children.start[id + 1]!; edge++) {
        if (--waiting[children.ids[edge]!]! === 0) order[placed++] = children.ids[edge]!;
      }
    }
    start = end;
  }
  if (placed !== count) throw new Error('AssetGraph: the definitions contain a dependency cycle (defineDefinitions should have rejected them)');
  return { order, generationEnds };
}

function unknownKey(key: string): RangeError {
  return new RangeError(`AssetGraph: no asset "${key}"`);
}
