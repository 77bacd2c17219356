import type { SelectionNode, SelectionStateValue, StateSelection } from './selection-ast.js';
import { formatSelection } from './selection-format.js';
import { selectionNodes } from './selection-nodes.js';

/**
 * What the evaluator asks about the assets' states for a state atom
 * (`status:stale`): one method per state attribute of `SELECTION_STATES`,
 * each returning the keys in that state. The graph layer knows no storage
 * or plan, so the instance builds this, and only for an expression that has
 * a state atom (see `stateAtoms`): a selection without one costs nothing more.
 */
export interface SelectionStates {
  /** The assets whose status is `value`: `fresh`, `stale`, `missing` as planned now, `failed` when their last attempt failed. */
  status(value: SelectionStateValue<'status'>): ReadonlySet<string>;
  /** The assets with a check whose latest result is `value`: `failed` (an error check that failed or could not run), `warned`. */
  check(value: SelectionStateValue<'check'>): ReadonlySet<string>;
}

/** The state atoms of the trees, each distinct one once, in reading order: what the instance must read before resolving. */
export function stateAtoms(trees: readonly (SelectionNode | undefined)[]): StateSelection[] {
  const atoms = new Map<string, StateSelection>();
  for (const tree of trees) {
    if (tree === undefined) continue;
    for (const current of selectionNodes(tree)) if (current.type === 'state') atoms.set(formatSelection(current), current);
  }
  return [...atoms.values()];
}

/** The keys `states` gives for a state atom. */
export function assetsInState(states: SelectionStates, atom: StateSelection): ReadonlySet<string> {
  switch (atom.attribute) {
    case 'status':
      return states.status(atom.value);
    case 'check':
      return states.check(atom.value);
  }
}
