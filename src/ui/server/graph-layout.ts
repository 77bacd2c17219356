import dagre from '@dagrejs/dagre';
import type { Definitions } from '../../core/definitions.js';
import type { GraphEdge, GraphGroup } from '../api-types.js';

/** Where an asset's box is drawn: top-left corner and size, in SVG user units. */
export interface NodeBox {
  readonly key: string;
  readonly group: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The drawing of a whole graph: what `GET /api/graph` sends besides the statuses. */
export interface GraphLayout {
  /** In the definitions' order. */
  readonly nodes: readonly NodeBox[];
  readonly edges: readonly GraphEdge[];
  readonly groups: readonly GraphGroup[];
  readonly width: number;
  readonly height: number;
}

/** A node shows its key on the first line, status and time below: wide enough for the key, within limits. */
const NODE_HEIGHT = 56;
const MIN_NODE_WIDTH = 160;
const MAX_NODE_WIDTH = 320;
/** About the width of one character of the client's 13px node font. */
const CHARACTER_WIDTH = 7.5;
/** Room inside a group's box above its nodes for the label. */
const GROUP_LABEL_HEIGHT = 24;
const GROUP_PADDING = 12;
const NODE_GAP = 18;
const RANK_GAP = 64;
const MARGIN = 16;

const layouts = new WeakMap<Definitions, GraphLayout>();

/**
 * The graph laid out left to right by dagre, computed once per loaded
 * definitions: positions depend only on the assets and their deps, never on
 * statuses, so a server lays out once and every request after is free.
 */
export function graphLayout(definitions: Definitions): GraphLayout {
  let layout = layouts.get(definitions);
  if (layout === undefined) {
    layout = layOut(definitions);
    layouts.set(definitions, layout);
  }
  return layout;
}

/**
 * How many boxes (assets, plus one per rank a dependency skips over) dagre
 * lays out within the one second. Measured on the bench's layered
 * graphs: dagre 3 takes 0.5 s for 100 assets whose edges skip ranks, 4.7 s
 * for 600, and did not finish 2,000 in ten minutes: its crossing reduction
 * grows far faster than the graph. Larger graphs get `layeredLayout`.
 */
const DAGRE_BUDGET = 400;

/**
 * Left to right: dagre for graphs within its budget, else the same layered
 * scheme (ranks by longest path, crossing reduction by barycenters) done
 * with fewer passes and straight edges, in milliseconds.
 *
 * Groups are not dagre compound nodes: clusters make its ordering several
 * times slower, and a pipeline's groups spread across ranks anyway (sources
 * left, analytics right). A group's box is the bounding box of its nodes,
 * drawn behind them; boxes of interleaved groups overlap, which the client
 * shows with translucent fills.
 */
function layOut(definitions: Definitions): GraphLayout {
  const ranks = longestPathRanks(definitions);
  let boxes = 0;
  for (const asset of definitions.assets) {
    boxes++;
    for (const dep of asset.deps) boxes += ranks.get(asset.key)! - ranks.get(dep)! - 1;
  }
  const { nodes, edges } = boxes <= DAGRE_BUDGET ? dagreLayout(definitions) : layeredLayout(definitions, ranks);
  const groups = groupBoxes(nodes);
  const right = Math.max(0, ...nodes.map((node) => node.x + node.width), ...groups.map((group) => group.box.x + group.box.width));
  const bottom = Math.max(0, ...nodes.map((node) => node.y + node.height), ...groups.map((group) => group.box.y + group.box.height));
  return { nodes, edges, groups, width: Math.ceil(right + MARGIN), height: Math.ceil(bottom + MARGIN) };
}

function nodeWidth(key: string): number {
  return Math.min(MAX_NODE_WIDTH, Math.max(MIN_NODE_WIDTH, Math.ceil(key.length * CHARACTER_WIDTH) + 32));
}

function dagreLayout(definitions: Definitions): { nodes: NodeBox[]; edges: GraphEdge[] } {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: NODE_GAP, ranksep: RANK_GAP, edgesep: 8, marginx: MARGIN, marginy: MARGIN + GROUP_LABEL_HEIGHT });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const asset of definitions.assets) graph.setNode(asset.key, { width: nodeWidth(asset.key), height: NODE_HEIGHT });
  for (const asset of definitions.assets) for (const dep of asset.deps) graph.setEdge(dep, asset.key);
  dagre.layout(graph);
  // dagre gives centres; the API gives top-left corners, which SVG rects take.
  const nodes = definitions.assets.map((asset): NodeBox => {
    const { x, y, width, height } = graph.node(asset.key);
    return { key: asset.key, group: asset.group, x: round(x - width / 2), y: round(y - height / 2), width, height };
  });
  const edges = definitions.assets.flatMap((asset) =>
    asset.deps.map((dep): GraphEdge => ({ from: dep, to: asset.key, points: (graph.edge(dep, asset.key).points ?? []).map((point: { x: number; y: number }) => ({ x: round(point.x), y: round(point.y) })) })),
  );
  return { nodes, edges };
}

/** Sweeps of crossing reduction, each down then up: past four, the 2,000-asset bench graph gains little. */
const SWEEPS = 4;

/**
 * Ranks as columns, each column ordered to reduce crossings (every node
 * moves to the mean position of its neighbours in the column just placed),
 * then placed top to bottom and centred; an edge runs straight from the
 * right side of its upstream to the left side of its downstream.
 */
function layeredLayout(definitions: Definitions, ranks: ReadonlyMap<string, number>): { nodes: NodeBox[]; edges: GraphEdge[] } {
  const columns: string[][] = [];
  for (const asset of definitions.assets) (columns[ranks.get(asset.key)!] ??= []).push(asset.key);
  const groupOf = new Map(definitions.assets.map((asset) => [asset.key, asset.group]));
  for (const column of columns) column.sort((a, b) => compare(groupOf.get(a)!, groupOf.get(b)!) || compare(a, b));
  const downstream = new Map<string, string[]>();
  for (const asset of definitions.assets) for (const dep of asset.deps) (downstream.get(dep) ?? downstream.set(dep, []).get(dep)!).push(asset.key);
  const position = new Map<string, number>();
  const place = (column: string[]) => column.forEach((key, index) => position.set(key, index / Math.max(1, column.length - 1)));
  columns.forEach(place);
  const reorder = (column: string[], neighbours: (key: string) => readonly string[]) => {
    const centre = new Map(column.map((key) => {
      const placed = neighbours(key).map((neighbour) => position.get(neighbour)!);
      return [key, placed.length === 0 ? position.get(key)! : placed.reduce((sum, value) => sum + value, 0) / placed.length];
    }));
    column.sort((a, b) => centre.get(a)! - centre.get(b)! || compare(a, b));
    place(column);
  };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (const column of columns.slice(1)) reorder(column, (key) => definitions.asset(key)!.deps);
    for (const column of columns.slice(0, -1).reverse()) reorder(column, (key) => downstream.get(key) ?? []);
  }
  const tallest = Math.max(...columns.map((column) => column.length));
  const boxes = new Map<string, NodeBox>();
  let left = MARGIN;
  for (const column of columns) {
    const width = Math.max(...column.map(nodeWidth));
    // Shorter columns are centred against the tallest.
    const top = MARGIN + GROUP_LABEL_HEIGHT + ((tallest - column.length) * (NODE_HEIGHT + NODE_GAP)) / 2;
    column.forEach((key, index) => boxes.set(key, { key, group: groupOf.get(key)!, x: left, y: top + index * (NODE_HEIGHT + NODE_GAP), width, height: NODE_HEIGHT }));
    left += width + RANK_GAP;
  }
  const nodes = definitions.assets.map((asset) => boxes.get(asset.key)!);
  const edges = definitions.assets.flatMap((asset) =>
    asset.deps.map((dep): GraphEdge => {
      const from = boxes.get(dep)!;
      const to = boxes.get(asset.key)!;
      return { from: dep, to: asset.key, points: [{ x: from.x + from.width, y: from.y + from.height / 2 }, { x: to.x, y: to.y + to.height / 2 }] };
    }),
  );
  return { nodes, edges };
}

/** Each asset's column: 0 for an asset without deps, else one past its furthest upstream. */
function longestPathRanks(definitions: Definitions): Map<string, number> {
  const ranks = new Map<string, number>();
  const rankOf = (key: string): number => {
    let rank = ranks.get(key);
    if (rank === undefined) {
      rank = 0;
      for (const dep of definitions.asset(key)!.deps) rank = Math.max(rank, rankOf(dep) + 1);
      ranks.set(key, rank);
    }
    return rank;
  };
  for (const asset of definitions.assets) rankOf(asset.key);
  return ranks;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each group's box around its nodes, with room for its label above; groups sorted by name, keys within by key. */
function groupBoxes(nodes: readonly NodeBox[]): GraphGroup[] {
  const byGroup = new Map<string, NodeBox[]>();
  for (const node of nodes) {
    const members = byGroup.get(node.group);
    if (members === undefined) byGroup.set(node.group, [node]);
    else members.push(node);
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([name, members]) => {
      let left = Infinity;
      let top = Infinity;
      let right = -Infinity;
      let bottom = -Infinity;
      for (const node of members) {
        left = Math.min(left, node.x);
        top = Math.min(top, node.y);
        right = Math.max(right, node.x + node.width);
        bottom = Math.max(bottom, node.y + node.height);
      }
      const x = Math.max(0, left - GROUP_PADDING);
      const y = Math.max(0, top - GROUP_PADDING - GROUP_LABEL_HEIGHT);
      return {
        name,
        box: { x, y, width: round(right + GROUP_PADDING - x), height: round(bottom + GROUP_PADDING - y) },
        keys: members.map((node) => node.key).sort(compare),
      };
    });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
