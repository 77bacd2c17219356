/**
 * The tree of an asset selection expression: what `parseSelection` builds,
 * `formatSelection` prints and `resolveSelection` evaluates against a graph.
 * Nodes are plain immutable data with no source positions, so two
 * expressions that mean the same thing in the same shape compare equal
 * (`customers, orders` and `customers or orders` give the same tree).
 *
 * Invariants of trees the parser builds (formatSelection relies on them):
 * a `key` is a word of `[A-Za-z0-9_]`, not starting with a digit, that is
 * not `and`, `or` or `not`; a `glob` is such a word holding at least one `*`
 * or `?`; an attribute
 * `pattern` is a non-empty run of `[A-Za-z0-9_*?\-./:@=]`; a `state` value
 * is one of `SELECTION_STATES[attribute]`.
 */
export type SelectionNode =
  | KeySelection
  | GlobSelection
  | AttributeSelection
  | StateSelection
  | GraphSelection
  | NotSelection
  | AndSelection
  | OrSelection;

/** One asset by its exact key (`top_customers`); an unknown key is an error when resolved. */
export interface KeySelection {
  readonly type: 'key';
  readonly key: string;
}

/** Keys matching a glob (`customer_*`, `*`): `*` is any run of characters, `?` exactly one. */
export interface GlobSelection {
  readonly type: 'glob';
  readonly pattern: string;
}

/** The attributes an expression can select by, written `<attribute>:<pattern>`. */
export const SELECTION_ATTRIBUTES = ['tag', 'group', 'kind', 'key'] as const;

/** `tag`, `group`, `kind` (the kind of the asset's IO manager) or `key` (a key glob that is never an error). */
export type SelectionAttribute = (typeof SELECTION_ATTRIBUTES)[number];

/** Assets whose attribute matches `pattern`, itself a glob (`group:analy*`). */
export interface AttributeSelection {
  readonly type: 'attribute';
  readonly attribute: SelectionAttribute;
  readonly pattern: string;
}

/**
 * The state attributes an expression can select by, each with its values,
 * written `<attribute>:<value>` like an attribute but never a glob. Their
 * assets come from the instance (see `SelectionStates`), not the graph.
 * Adding one is this entry, a method of the same name on `SelectionStates`
 * (and its case in `assetsInState`), and its reader in the instance's
 * `statesFor` (src/instance/selection-states.ts).
 */
export const SELECTION_STATES = {
  /** `fresh`, `stale`, `missing` as the planner decides; `failed`: the asset's last attempt failed. */
  status: ['fresh', 'stale', 'missing', 'failed'],
  /** `failed`: a check of severity error failed (or could not run) on the asset's stored output; `warned`: one warned. By the checks' latest results. */
  check: ['failed', 'warned'],
} as const;

export type SelectionStateAttribute = keyof typeof SELECTION_STATES;

/** The values of a state attribute: `SelectionStateValue<'status'>` is `'fresh' | 'stale' | 'missing' | 'failed'`. */
export type SelectionStateValue<A extends SelectionStateAttribute = SelectionStateAttribute> = (typeof SELECTION_STATES)[A][number];

/** Assets in a state the instance knows (`status:stale`), decided when the expression is resolved. */
export type StateSelection = {
  readonly [A in SelectionStateAttribute]: { readonly type: 'state'; readonly attribute: A; readonly value: SelectionStateValue<A> };
}[SelectionStateAttribute];

/**
 * The operand's assets plus their ancestors (`upstream`) and/or descendants
 * (`downstream`), each a number of levels: 0 for none, `Infinity` for all.
 * At least one of the two is above 0. `2+x+` is `{ upstream: 2, downstream: Infinity }`.
 */
export interface GraphSelection {
  readonly type: 'graph';
  readonly operand: SelectionNode;
  readonly upstream: number;
  readonly downstream: number;
}

/** Every asset of the graph that the operand does not select. */
export interface NotSelection {
  readonly type: 'not';
  readonly operand: SelectionNode;
}

/** Assets selected by both sides. Chains nest to the left: `a and b and c` is `(a and b) and c`. */
export interface AndSelection {
  readonly type: 'and';
  readonly left: SelectionNode;
  readonly right: SelectionNode;
}

/** Assets selected by either side (`a or b`, `a, b`). Chains nest to the left. */
export interface OrSelection {
  readonly type: 'or';
  readonly left: SelectionNode;
  readonly right: SelectionNode;
}

/**
 * The operands of an `and` (or `or`) chain in reading order: `a and b and c`
 * gives `[a, b, c]`; an operand that is itself the same operator in
 * parentheses (`a and (b and c)`) stays one operand. A loop down the left
 * spine, so a long generated chain does not recurse once per operand.
 */
export function chainOperands(node: AndSelection | OrSelection): SelectionNode[] {
  const rights: SelectionNode[] = [];
  let left: SelectionNode = node;
  while (left.type === node.type) {
    const link = left as AndSelection | OrSelection;
    rights.push(link.right);
    left = link.left;
  }
  return [left, ...rights.reverse()];
}
