import type { AssetStatusWord, GraphEdge, GraphGroup, GraphNode, GraphResponse, Point } from '../../api-types.js';
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

/** A rectangle in drawing coordinates. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The drawn content and the rectangle it covers, which "fit" shows. */
export interface Drawing {
  readonly element: SVGGElement;
  readonly bounds: Box;
}

/** A collapsed group's card: its label and a count of its statuses. */
const CARD_WIDTH = 250;
const CARD_HEIGHT = 46;
const CARD_GAP = 10;
/** A collapsed card takes the colour of the first of these among its assets: the problems first. A status missing here would go uncounted. */
const STATUS_ORDER = ['failed', 'failed-check', 'running', 'stale', 'missing', 'fresh'] as const satisfies readonly AssetStatusWord[];

/**
 * The asset graph as SVG content (groups, then edges, then nodes, so nodes
 * draw on top), from the server's dagre layout. A collapsed group becomes a
 * card at its box's top-left corner, its nodes hidden; edges to and from
 * hidden nodes end at the card instead, one per pair of ends. The server's
 * group boxes may overlap (a group's assets span many ranks), so cards that
 * would land on each other are stacked downwards.
 */
export function drawGraph(graph: GraphResponse, state: DrawingState, handlers: DrawingHandlers): Drawing {
  const groupOf = new Map(graph.nodes.map((node) => [node.key, node.group]));
  const cards = placeCards(graph.groups.filter((group) => state.collapsed.has(group.name)));
  const isHidden = (key: string) => cards.has(groupOf.get(key) ?? '');
  const statusOf = new Map(graph.nodes.map((node) => [node.key, node.status]));
  const visibleNodes = graph.nodes.filter((node) => !isHidden(node.key));
  const expandedGroups = graph.groups.filter((group) => !cards.has(group.name));

  const element = s('g', { class: 'graph-content' });
  element.appendChild(s('g', { class: 'groups' }, ...expandedGroups.map((group) => drawGroupBox(group, handlers))));
  element.appendChild(s('g', { class: 'edges' }, ...drawEdges(graph.edges, groupOf, cards, state.selected)));
  element.appendChild(
    s(
      'g',
      { class: 'group-cards' },
      ...graph.groups.filter((group) => cards.has(group.name)).map((group) => drawGroupCard(group, cards.get(group.name)!, group.keys.map((key) => statusOf.get(key) ?? 'missing'), handlers)),
    ),
  );
  element.appendChild(s('g', { class: 'nodes' }, ...visibleNodes.map((node) => drawNode(node, state.selected, handlers))));
  const bounds = unionOf([...expandedGroups.map((group) => group.box), ...cards.values(), ...visibleNodes]) ?? { x: 0, y: 0, width: graph.width, height: graph.height };
  return { element, bounds };
}

function placeCards(groups: readonly GraphGroup[]): Map<string, Box> {
  const cards = new Map<string, Box>();
  for (const group of groups) {
    let card: Box = { x: group.box.x, y: group.box.y, width: CARD_WIDTH, height: CARD_HEIGHT };
    while ([...cards.values()].some((placed) => overlaps(placed, card))) card = { ...card, y: card.y + CARD_HEIGHT + CARD_GAP };
    cards.set(group.name, card);
  }
  return cards;
}

function drawGroupBox(group: GraphGroup, handlers: DrawingHandlers): SVGGElement {
  const { x, y, width, height } = group.box;
  return s('g', { class: 'group-box', 'data-group': group.name }, s('rect', { x, y, width, height, rx: 6 }), groupToggle(group, false, x + 8, y + 16, handlers));
}

function drawGroupCard(group: GraphGroup, card: Box, statuses: readonly string[], handlers: DrawingHandlers): SVGGElement {
  const counts = STATUS_ORDER.map((status) => [status, statuses.filter((each) => each === status).length] as const).filter(([, count]) => count > 0);
  return s(
    'g',
    { class: 'group-box collapsed', 'data-group': group.name, 'data-status': counts[0]?.[0] ?? 'fresh' },
    s('rect', { x: card.x, y: card.y, width: card.width, height: card.height, rx: 6 }),
    groupToggle(group, true, card.x + 8, card.y + 17, handlers),
    s('text', { class: 'group-summary', x: card.x + 20, y: card.y + 36 }, counts.map(([status, count]) => `${formatCount(count)} ${status}`).join(' · ')),
  );
}

function groupToggle(group: GraphGroup, collapsed: boolean, x: number, y: number, handlers: DrawingHandlers): SVGGElement {
  const toggle = () => handlers.onToggleGroup(group.name);
  return s(
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
    s('text', { x, y }, `${collapsed ? '▸' : '▾'} ${group.name} (${group.keys.length} asset${group.keys.length === 1 ? '' : 's'})`),
  );
}

function drawEdges(edges: readonly GraphEdge[], groupOf: ReadonlyMap<string, string>, cards: ReadonlyMap<string, Box>, selected: ReadonlySet<string> | null): SVGElement[] {
  const drawn: SVGElement[] = [];
  const joined = new Set<string>();
  for (const edge of edges) {
    const fromCard = cards.get(groupOf.get(edge.from) ?? '');
    const toCard = cards.get(groupOf.get(edge.to) ?? '');
    const dimmed = selected !== null && !(selected.has(edge.from) && selected.has(edge.to));
    const attributes = { class: dimmed ? 'graph-edge dimmed' : 'graph-edge', 'marker-end': 'url(#arrow)', 'data-from': edge.from, 'data-to': edge.to };
    if (!fromCard && !toCard) {
      drawn.push(s('path', { ...attributes, d: pathThrough(edge.points) }));
      continue;
    }
    if (fromCard && fromCard === toCard) continue;
    const start = fromCard ? { x: fromCard.x + fromCard.width, y: fromCard.y + fromCard.height / 2 } : edge.points[0];
    const end = toCard ? { x: toCard.x, y: toCard.y + toCard.height / 2 } : edge.points[edge.points.length - 1];
    if (!start || !end) continue;
    const id = `${start.x},${start.y}>${end.x},${end.y}`;
    if (joined.has(id)) continue;
    joined.add(id);
    // Between two cards an edge stands for many: drawn faint, it shows that groups connect without hiding the cards.
    drawn.push(s('path', { ...attributes, class: `${attributes.class}${fromCard && toCard ? ' between-groups' : ''}`, d: pathThrough([start, end]) }));
  }
  return drawn;
}

function drawNode(node: GraphNode, selected: ReadonlySet<string> | null, handlers: DrawingHandlers): SVGGElement {
  const classes = ['asset-node'];
  if (selected?.has(node.key)) classes.push('selected');
  else if (selected !== null) classes.push('dimmed');
  const detail = [
    // First, so a narrow card cuts the time rather than the counts (the full counts are in the why lines of the tooltip).
    node.partitions === null ? null : node.partitions.total === 0 ? 'no partitions yet' : `${formatCount(node.partitions.fresh)}/${formatCount(node.partitions.total)} fresh`,
    node.lastMaterializedAt === null ? 'never materialized' : formatAgo(node.lastMaterializedAt),
    node.rows === null ? null : `${formatCount(node.rows)} rows`,
  ]
    .filter((part) => part !== null)
    .join(' · ');
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
    // A second word, not a colour: the status word stays the node's own state, and "blocked" says why a run will pass it by.
    node.blockedBy.length > 0 && s('text', { class: 'node-blocked', x: node.width - 8, y: 34, 'text-anchor': 'end' }, 'blocked'),
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

function pathThrough(points: readonly Point[]): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x.toFixed(1)} ${point.y.toFixed(1)}`).join(' ');
}

/**
 * Shortens text to about `width` user units (SVG text does not wrap or clip);
 * `charWidth` is an average glyph width at the node's font size. The full
 * key stays in the node's `<title>` and `aria-label`.
 */
function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function unionOf(boxes: readonly Box[]): Box | undefined {
  if (boxes.length === 0) return undefined;
  const left = Math.min(...boxes.map((box) => box.x));
  const top = Math.min(...boxes.map((box) => box.y));
  const right = Math.max(...boxes.map((box) => box.x + box.width));
  const bottom = Math.max(...boxes.map((box) => box.y + box.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

function fitText(text: string, width: number, charWidth: number): string {
  const fits = Math.floor(width / charWidth);
  return text.length <= fits ? text : `${text.slice(0, Math.max(1, fits - 1))}…`;
}

