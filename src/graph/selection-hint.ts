import type { AssetGraph } from './asset-graph.js';
import type { SelectionAttribute, SelectionNode } from './selection-ast.js';
import { selectionNodes } from './selection-nodes.js';

const LISTED_VALUES = 20;

/**
 * The hint for (part of) a selection that selects nothing: the known values
 * of the attributes the expressions used, so a typo in `tag:` shows the real
 * tags; else where to see every asset key.
 */
export function selectionValuesHint(graph: AssetGraph, trees: readonly SelectionNode[]): string {
  if (graph.definitions.assets.length === 0) return 'The definitions declare no assets.';
  const used = new Set<SelectionAttribute>();
  for (const tree of trees) collectAttributes(tree, used);
  const lines: string[] = [];
  const assets = graph.definitions.assets;
  if (used.has('tag')) lines.push(`Known tags: ${listValues(assets.flatMap((asset) => asset.tags))}.`);
  if (used.has('group')) lines.push(`Known groups: ${listValues(assets.map((asset) => asset.group))}.`);
  if (used.has('kind')) {
    const { ioManagers } = graph.definitions;
    lines.push(`Known kinds: ${listValues(assets.map((asset) => ioManagers[asset.ioManager]?.kind ?? ''))}.`);
  }
  if (lines.length === 0) lines.push('Run `assets list` to see every asset key.');
  return lines.join(' ');
}

function listValues(values: readonly string[]): string {
  const distinct = [...new Set(values.filter((value) => value !== ''))].sort();
  if (distinct.length === 0) return '(none)';
  const shown = distinct.slice(0, LISTED_VALUES).join(', ');
  return distinct.length > LISTED_VALUES ? `${shown} and ${distinct.length - LISTED_VALUES} more` : shown;
}

function collectAttributes(node: SelectionNode, into: Set<SelectionAttribute>): void {
  for (const current of selectionNodes(node)) if (current.type === 'attribute') into.add(current.attribute);
}
