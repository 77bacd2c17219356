import type { ShownStatus } from '../instance/asset-states.js';
import type { LineageWalk } from '../instance/lineage-walk.js';
import { visibleLength } from './render-table.js';
import { statusSymbol } from './status-symbol.js';
import type { Style } from './style.js';

export interface LineageTreeOptions {
  /** Box-drawing characters and `●` when true; `|--`, `` `-- `` and `*` otherwise. */
  readonly unicode: boolean;
  readonly style: Style;
  /** Fit every line into this many characters; undefined: no limit (not a terminal). */
  readonly width: number | undefined;
  /** The status of an asset, and when it was last materialized, as the line shows it ("3 min ago", an ISO time, "never materialized"). */
  readonly describe: (key: string) => { readonly status: ShownStatus; readonly when: string };
}

type Colour = Parameters<Style['apply']>[0];
interface Segment {
  readonly text: string;
  readonly colour?: Colour | undefined;
}
interface TreeLine {
  readonly label: readonly Segment[];
  readonly detail: readonly Segment[];
}

const BRANCHES = {
  unicode: { tee: '├── ', last: '└── ', pipe: '│   ', space: '    ', seeAbove: '↑' },
  ascii: { tee: '|-- ', last: '`-- ', pipe: '|   ', space: '    ', seeAbove: '^' },
} as const;

/**
 * Draws a lineage walk as one tree per root, depth first, neighbours in key
 * order. Each asset is drawn in full once, where it is first reached; later
 * occurrences (the second path into a diamond) are one-line references, so
 * a wide graph gives a tree the size of its edge count, not its path count.
 * Status and time line up in columns when they fit the width; otherwise each
 * line is cut to it.
 *
 * @example
 * ● top_customers        fresh  3 min ago
 * └── ● customer_totals  fresh  3 min ago
 *     ├── ● orders       fresh  3 min ago
 *     └── ● customers    fresh  3 min ago
 */
export function renderLineageTree(walk: LineageWalk, options: LineageTreeOptions): string {
  const lines = treeLines(walk, options);
  const labelWidth = Math.max(...lines.map((line) => length(line.label)));
  const aligned = options.width === undefined || labelWidth + Math.max(...lines.map((line) => 2 + length(line.detail))) <= options.width;
  return lines
    .map((line) => {
      const padding = aligned ? ' '.repeat(labelWidth - length(line.label)) : '';
      const segments = [...line.label, { text: `${padding}  ` }, ...line.detail];
      return paint(options.width === undefined || aligned ? segments : fit(segments, options.width), options.style).trimEnd();
    })
    .map((line) => `${line}\n`)
    .join('');
}

function treeLines(walk: LineageWalk, options: LineageTreeOptions): TreeLine[] {
  const chars = options.unicode ? BRANCHES.unicode : BRANCHES.ascii;
  const lines: TreeLine[] = [];
  const drawn = new Set<string>();
  // An explicit stack rather than recursion: a chain of thousands of assets must not overflow the call stack.
  const stack = [...walk.roots].reverse().map((key) => ({ key, lead: '', indent: '' }));
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const lead = { text: item.lead, colour: 'dim' as const };
    if (drawn.has(item.key)) {
      lines.push({ label: [lead, { text: `${chars.seeAbove} ${item.key}`, colour: 'dim' }], detail: [{ text: '(see above)', colour: 'dim' }] });
      continue;
    }
    drawn.add(item.key);
    const { status, when } = options.describe(item.key);
    const { symbol, colour } = statusSymbol(status, options.unicode);
    lines.push({
      label: [lead, { text: symbol, colour }, { text: ` ${item.key}` }],
      detail: [{ text: status.padEnd('missing'.length), colour }, { text: '  ' }, { text: when, colour: 'dim' }],
    });
    const neighbours = walk.branches.get(item.key) ?? [];
    for (let index = neighbours.length - 1; index >= 0; index--) {
      const last = index === neighbours.length - 1;
      stack.push({ key: neighbours[index]!, lead: item.indent + (last ? chars.last : chars.tee), indent: item.indent + (last ? chars.space : chars.pipe) });
    }
  }
  return lines;
}

function length(segments: readonly Segment[]): number {
  return segments.reduce((sum, segment) => sum + visibleLength(segment.text), 0);
}

/** Cuts segments to `width` characters, ending in an ellipsis, keeping each piece's colour. */
function fit(segments: readonly Segment[], width: number): Segment[] {
  if (length(segments) <= width) return [...segments];
  const fitted: Segment[] = [];
  let room = width;
  for (const segment of segments) {
    const size = visibleLength(segment.text);
    if (size < room) {
      fitted.push(segment);
      room -= size;
      continue;
    }
    // More follows this segment (the whole is too long), so it ends in the ellipsis even when it would just fit.
    fitted.push({ ...segment, text: `${[...segment.text].slice(0, room - 1).join('')}…` });
    break;
  }
  return fitted;
}

function paint(segments: readonly Segment[], style: Style): string {
  return segments.map((segment) => (segment.colour === undefined || segment.text === '' ? segment.text : style.apply(segment.colour, segment.text))).join('');
}
