import type { GraphEdge, GraphGroup, GraphNode, GraphResponse, Point } from '../../api-types.js';
import { s } from '../dom.js';
import { formatAgo, formatCount } from '../format.js';

/** What the drawing shows besides the server's layout: collapsed groups and the selection. */
export interface DrawingState {
  readonly collapsed: ReadonlySet<string>;
  /** Keys to highlight; null when nothing is selected (nothing is dimmed then). */
  readonly selected: ReadonlySet<string> | null;
}

export interface DrawingHandlers {
  /** The pointer or the keyboard focus came to a node (null: it left). */
  readonly onInspect: (node: GraphNode | null) => void;
  readonly onOpen: (node: GraphNode) => void;
  readonly onToggleGroup: (group: string) => void;
}

/** The height of a collapsed group's box: its label row only. */
const COLLAPSED_HEIGHT = 34;

/**
 * The asset graph as SVG content (groups, then edges, then nodes, so nodes
 * draw on top), from the server's dagre layout. A collapsed group keeps its
 * place in the layout but shrinks to its label, its nodes hidden; edges to
 * and from hidden nodes end at the group's label instead, one per pair.
 */
export function drawGraph(graph: GraphResponse, state: DrawingState, handlers: DrawingHandlers): SVGGElement {
  const groupOf = new Map(graph.nodes.map((node) => [node.key, node.group]));
  const collapsedBoxes = new Map(graph.groups.filter((group) => state.collapsed.has(group.name)).map((group) => [group.name, group.box]));
  const isHidden = (key: string) => collapsedBoxes.has(groupOf.get(key) ?? '');

  const root = s('g', { class: 'graph-content' });
  root.appendChild(s('g', { class: 'groups' }, ...graph.groups.map((group) => drawGroup(group, state.collapsed.has(group.name), handlers))));
  root.appendChild(s('g', { class: 'edges' }, ...drawEdges(graph.edges, groupOf, collapsedBoxes, state.selected)));
  root.appendChild(s('g', { class: 'nodes' }, ...graph.nodes.filter((node) => !isHidden(node.key)).map((node) => drawNode(node, state.selected, handlers))));
  return root;
}

function drawGroup(group: GraphGroup, collapsed: boolean, handlers: DrawingHandlers): SVGGElement {
  const { x, y, width, height } = group.box;
  const toggle = () => handlers.onToggleGroup(group.name);
  const label = `${collapsed ? '▸' : '▾'} ${group.name} (${group.keys.length} asset${group.keys.length === 1 ? '' : 's'})`;
  return s(
    'g',
    { class: collapsed ? 'group-box collapsed' : 'group-box', 'data-group': group.name },
    s('rect', { x, y, width, height: collapsed ? COLLAPSED_HEIGHT : height, rx: 6 }),
    s(
      'g',
      {
        class: 'group-toggle',
        tabindex: 0,
        role: 'button',
        'aria-expanded': String(!collapsed),
        'aria-label': `${collapsed ? 'Expand' : 'Collapse'} group ${group.name}`,
        onclick: toggle,
        onkeydown: (event: Event) => activateOnKey(event as KeyboardEvent, toggle),
      },
      s('text', { x: x + 8, y: y + 16 }, label),
    ),
  );
}

function drawEdges(edges: readonly GraphEdge[], groupOf: ReadonlyMap<string, string>, collapsedBoxes: ReadonlyMap<string, GraphGroup['box']>, selected: ReadonlySet<string> | null): SVGElement[] {
  const drawn: SVGElement[] = [];
  const joined = new Set<string>();
  for (const edge of edges) {
    const fromBox = collapsedBoxes.get(groupOf.get(edge.from) ?? '');
    const toBox = collapsedBoxes.get(groupOf.get(edge.to) ?? '');
    const dimmed = selected !== null && !(selected.has(edge.from) && selected.has(edge.to));
    const attributes = { class: dimmed ? 'graph-edge dimmed' : 'graph-edge', 'marker-end': 'url(#arrow)', 'data-from': edge.from, 'data-to': edge.to };
    if (!fromBox && !toBox) {
      drawn.push(s('path', { ...attributes, d: pathThrough(edge.points) }));
      continue;
    }
    if (fromBox && fromBox === toBox) continue;
    const start = fromBox ? labelAnchor(fromBox, 'right') : edge.points[0];
    const end = toBox ? labelAnchor(toBox, 'left') : edge.points[edge.points.length - 1];
    if (!start || !end) continue;
    const id = `${start.x},${start.y}>${end.x},${end.y}`;
    if (joined.has(id)) continue;
    joined.add(id);
    drawn.push(s('path', { ...attributes, d: pathThrough([start, end]) }));
  }
  return drawn;
}

function drawNode(node: GraphNode, selected: ReadonlySet<string> | null, handlers: DrawingHandlers): SVGGElement {
  const classes = ['asset-node'];
  if (selected?.has(node.key)) classes.push('selected');
  else if (selected !== null) classes.push('dimmed');
  const detail = node.lastMaterializedAt === null ? 'never materialized' : node.rows === null ? formatAgo(node.lastMaterializedAt) : `${formatAgo(node.lastMaterializedAt)} · ${formatCount(node.rows)} rows`;
  const inspect = () => handlers.onInspect(node);
  const leave = () => handlers.onInspect(null);
  const open = () => handlers.onOpen(node);
  const group = s(
    'g',
    {
      class: classes.join(' '),
      transform: `translate(${node.x} ${node.y})`,
      tabindex: 0,
      role: 'link',
      'aria-label': `${node.key}: ${node.status}`,
      'data-key': node.key,
      'data-status': node.status,
      onmouseenter: inspect,
      onfocus: inspect,
      onmouseleave: leave,
      onblur: leave,
      onclick: open,
      onkeydown: (event: Event) => activateOnKey(event as KeyboardEvent, open),
    },
    s('title', {}, [node.key, ...node.why].join('\n')),
    s('rect', { class: 'node-box', width: node.width, height: node.height, rx: 5 }),
    s('rect', { class: 'node-band', width: 6, height: node.height, rx: 2 }),
    s('text', { class: 'node-key', x: 14, y: 18 }, fitText(node.key, node.width - 20, 7.4)),
    s('text', { class: 'node-status', x: 14, y: 34 }, node.status),
    s('text', { class: 'node-detail', x: 14, y: Math.min(50, node.height - 6) }, fitText(detail, node.width - 20, 6)),
  );
  return group;
}

/** Enter or Space activates a focusable SVG element, as they do a button. */
function activateOnKey(event: KeyboardEvent, action: () => void): void {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  event.preventDefault();
  action();
}

function labelAnchor(box: GraphGroup['box'], side: 'left' | 'right'): Point {
  return { x: side === 'left' ? box.x : box.x + box.width, y: box.y + COLLAPSED_HEIGHT / 2 };
}

function pathThrough(points: readonly Point[]): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x.toFixed(1)} ${point.y.toFixed(1)}`).join(' ');
}

/**
 * Shortens text to about `width` user units (SVG text does not wrap or clip);
 * `charWidth` is an average glyph width at the node's font size. The full
 * key stays in the node's `<title>` and `aria-label`.
 */
function fitText(text: string, width: number, charWidth: number): string {
  const fits = Math.floor(width / charWidth);
  return text.length <= fits ? text : `${text.slice(0, Math.max(1, fits - 1))}…`;
}

