import { SELECTION_STATES, type SelectionAttribute, type SelectionNode } from '../../src/graph/selection-ast.js';

const KEYS = ['users', 'posts', 'posts_enriched', 'user_stats', 'top_authors', 'summary', 'weekly_digest', 'audit_log'];
const GLOBS = ['*', 'user_*', 'po?ts', '*_stats', 'top_*', 'nothing_*'];
const ATTRIBUTES: readonly { attribute: SelectionAttribute; values: readonly string[] }[] = [
  { attribute: 'tag', values: ['api', 'report', 'daily', 're*', 'nope'] },
  { attribute: 'group', values: ['sources', 'analytics', 'analy*', 'ops', 'nope'] },
  { attribute: 'kind', values: ['csv', 'memory', 'mem*', 'parquet'] },
  { attribute: 'key', values: ['user*', '*s', 'summary', 'x?'] },
];
const DEPTHS = [0, 0, 1, 2, 3, Infinity, Infinity];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/**
 * A random selection tree over the example graph's keys (so it always
 * resolves, given states for its state atoms), up to `depth` levels of operators. No legacy `*x` globs appear:
 * none of GLOBS strips to an existing key.
 */
export function randomSelection(random: () => number, depth: number): SelectionNode {
  const roll = depth <= 0 ? random() * 0.3 : random();
  if (roll < 0.12) return { type: 'key', key: pick(random, KEYS) };
  if (roll < 0.2) return { type: 'glob', pattern: pick(random, GLOBS) };
  if (roll < 0.24) return { type: 'state', attribute: 'status', value: pick(random, SELECTION_STATES.status) };
  if (roll < 0.26) return { type: 'state', attribute: 'check', value: pick(random, SELECTION_STATES.check) };
  if (roll < 0.3) {
    const { attribute, values } = pick(random, ATTRIBUTES);
    return { type: 'attribute', attribute, pattern: pick(random, values) };
  }
  if (roll < 0.45) {
    const upstream = pick(random, DEPTHS);
    const downstream = upstream === 0 ? pick(random, DEPTHS.filter((d) => d > 0)) : pick(random, DEPTHS);
    return { type: 'graph', operand: randomSelection(random, depth - 1), upstream, downstream };
  }
  if (roll < 0.6) return { type: 'not', operand: randomSelection(random, depth - 1) };
  return {
    type: roll < 0.8 ? 'and' : 'or',
    left: randomSelection(random, depth - 1),
    right: randomSelection(random, depth - 1),
  };
}

/**
 * An independent, deliberately noisy printer: every compound node in
 * parentheses, random spacing where the grammar allows it, and "," for
 * some unions. The parser must read it back to the same tree.
 */
export function printNoisily(random: () => number, node: SelectionNode): string {
  const space = () => pick(random, ['', '', ' ', '  ', '\t']);
  const gap = () => pick(random, [' ', '  ', '\n']);
  switch (node.type) {
    case 'key':
      return node.key;
    case 'glob':
      return node.pattern;
    case 'attribute':
      return `${node.attribute}:${node.pattern}`;
    case 'state':
      return `${node.attribute}:${node.value}`;
    case 'graph': {
      const depthText = (depth: number) => (depth === Infinity ? '' : String(depth));
      const before = node.upstream > 0 ? `${depthText(node.upstream)}${space()}+${space()}` : '';
      const after = node.downstream > 0 ? `${space()}+${space()}${depthText(node.downstream)}` : '';
      return `${before}(${space()}${printNoisily(random, node.operand)}${space()})${after}`;
    }
    case 'not':
      return `(not${gap()}${printNoisily(random, node.operand)})`;
    case 'and':
      return `(${printNoisily(random, node.left)}${gap()}and${gap()}${printNoisily(random, node.right)})`;
    case 'or': {
      const operator = random() < 0.5 ? `${space()},${space()}` : `${gap()}or${gap()}`;
      return `(${printNoisily(random, node.left)}${operator}${printNoisily(random, node.right)})`;
    }
  }
}
