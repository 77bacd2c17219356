import type { ShownStatus } from '../instance/asset-states.js';
import type { LineageGraph } from '../instance/asset-lineage.js';

/** Fill and outline colours per status, shared by the Graphviz and Mermaid outputs. */
const COLOURS: Readonly<Record<ShownStatus, { readonly fill: string; readonly stroke: string }>> = {
  fresh: { fill: '#dcf5e3', stroke: '#2e7d32' },
  stale: { fill: '#fff4c2', stroke: '#b58900' },
  missing: { fill: '#fde2e1', stroke: '#c62828' },
  'failed-check': { fill: '#fde2e1', stroke: '#c62828' },
};

/**
 * Graphviz DOT, left to right, one box per asset coloured by status:
 * `assets lineage customers --downstream --format dot | dot -Tsvg > lineage.svg`.
 */
export function renderDot(lineage: LineageGraph): string {
  const selected = new Set(lineage.selected);
  const lines = [
    'digraph lineage {',
    '  rankdir=LR;',
    '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
    ...lineage.nodes.map((node) => {
      const { fill, stroke } = COLOURS[node.status];
      const emphasis = selected.has(node.key) ? ', penwidth=2' : '';
      return `  ${dotId(node.key)} [label=${dotId(`${node.key}\n${node.status}`)}, fillcolor="${fill}", color="${stroke}"${emphasis}];`;
    }),
    ...lineage.edges.map((edge) => `  ${dotId(edge.from)} -> ${dotId(edge.to)};`),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * A Mermaid flowchart to paste into Markdown (in a ```mermaid block). Nodes
 * get generated ids (`n0`, `n1`, ... in topological order) and the key as
 * their label, since some valid asset keys (`end`) are Mermaid keywords.
 */
export function renderMermaid(lineage: LineageGraph): string {
  const ids = new Map(lineage.nodes.map((node, index) => [node.key, `n${index}`]));
  const isSelected = new Set(lineage.selected);
  const selected = lineage.nodes.filter((node) => isSelected.has(node.key)).map((node) => ids.get(node.key)!);
  const lines = [
    'flowchart LR',
    ...lineage.nodes.map((node) => `  ${ids.get(node.key)}["${node.key} (${node.status})"]:::${node.status}`),
    ...lineage.edges.map((edge) => `  ${ids.get(edge.from)} --> ${ids.get(edge.to)}`),
    ...Object.entries(COLOURS).map(([status, { fill, stroke }]) => `  classDef ${status} fill:${fill},stroke:${stroke},color:#000`),
    '  classDef selected stroke-width:3px',
    ...(selected.length === 0 ? [] : [`  class ${selected.join(',')} selected`]),
  ];
  return `${lines.join('\n')}\n`;
}

/** A DOT identifier: always quoted, so any key (or label) is valid; `\n` becomes DOT's line break escape. */
function dotId(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
