import type { SelectionNode } from './selection-ast.js';

/**
 * Every node of a selection tree, in reading order (a node before its
 * operands, left before right), without recursion: a deep expression must
 * not overflow the stack. What the walks over a tree (its state atoms, its
 * attributes, whether it has a union) share.
 */
export function* selectionNodes(root: SelectionNode): Generator<SelectionNode> {
  const pending: SelectionNode[] = [root];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    yield current;
    if (current.type === 'graph' || current.type === 'not') pending.push(current.operand);
    else if (current.type === 'and' || current.type === 'or') pending.push(current.right, current.left);
  }
}
