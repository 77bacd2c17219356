import { chainOperands, type SelectionNode } from './selection-ast.js';

/**
 * Prints a selection tree in canonical form; parsing the result gives back
 * an equal tree. Canonical means: union is always written `or` (never `,`,
 * so the three keywords read alike), one space around keywords, depths as
 * `2+x` / `x+1` / `+x+`, and parentheses only where precedence or
 * associativity needs them (`a or (b or c)` keeps its right-nested shape).
 *
 * The tree is expected to be one the parser can build (see selection-ast.ts):
 * a key node named `and` would print as the keyword.
 *
 * @example
 * formatSelection(parseSelection('customers , ( orders )'))     // 'customers or orders'
 * formatSelection(parseSelection('(not (+a)) and (b or c)')) // 'not +a and (b or c)'
 */
export function formatSelection(node: SelectionNode): string {
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
      const operand = formatOperand(node.operand, PRIMARY);
      return `${levels(node.upstream)}${node.upstream > 0 ? '+' : ''}${operand}${node.downstream > 0 ? '+' : ''}${levels(node.downstream)}`;
    }
    case 'not':
      return `not ${formatOperand(node.operand, NOT)}`;
    case 'and':
    case 'or':
      return formatChain(node);
  }
}

// Binding strength, loosest first; an operand binding looser than its slot needs parentheses.
const OR = 1;
const AND = 2;
const NOT = 3;
const GRAPH = 4;
const PRIMARY = 5;

function strength(node: SelectionNode): number {
  switch (node.type) {
    case 'or':
      return OR;
    case 'and':
      return AND;
    case 'not':
      return NOT;
    case 'graph':
      return GRAPH;
    default:
      return PRIMARY;
  }
}

function formatOperand(node: SelectionNode, slot: number): string {
  const text = formatSelection(node);
  return strength(node) < slot ? `(${text})` : text;
}

/**
 * An `a or b or c ...` (or `and`) chain. The first operand sits at the
 * chain's own level; the others one level tighter, since an equal operator
 * there is a right-nested tree that only parentheses express.
 */
function formatChain(node: SelectionNode & { type: 'and' | 'or' }): string {
  const level = node.type === 'or' ? OR : AND;
  const [first, ...rest] = chainOperands(node);
  return [formatOperand(first!, level), ...rest.map((part) => formatOperand(part, level + 1))].join(` ${node.type} `);
}

function levels(depth: number): string {
  return depth > 0 && depth !== Infinity ? String(depth) : '';
}
