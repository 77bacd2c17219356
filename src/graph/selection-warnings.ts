import type { AssetGraph } from './asset-graph.js';
import type { SelectionNode } from './selection-ast.js';
import { formatSelection } from './selection-format.js';
import { selectionValuesHint } from './selection-hint.js';

/**
 * Something about a selection that selects assets, but probably not the ones
 * meant: returned as data next to the keys, for the caller to show (the CLI
 * prints `warning:` lines on stderr). Today one kind: a part of a union
 * (`a, b` / `a or b`) that selects nothing while the whole expression selects
 * something, as dbt warns "nothing matched" for one of several selectors. A
 * typo there (`customers, tag:dialy`) would otherwise go unnoticed, because the
 * rest of the union still selects assets.
 */
export interface SelectionWarning {
  readonly code: 'STRATA_SELECTION_PART_EMPTY';
  /** Which option of `selectAssets` the expression came from. */
  readonly option: 'select' | 'exclude';
  /** The whole expression, as given. */
  readonly expression: string;
  /** The part that selects nothing, printed back in the selection syntax (`tag:dialy`, `+group:x`). */
  readonly part: string;
  readonly message: string;
  readonly hint: string;
}

/** The warning for `part`, a member of a union in `expression` that selects no assets. */
export function emptyUnionPartWarning(graph: AssetGraph, option: SelectionWarning['option'], expression: string, part: SelectionNode): SelectionWarning {
  const text = formatSelection(part);
  const where = option === 'exclude' ? `the exclusion "${expression}"` : `"${expression}"`;
  return {
    code: 'STRATA_SELECTION_PART_EMPTY',
    option,
    expression,
    part: text,
    message: `"${text}" in ${where} selects no assets; the rest of ${option === 'exclude' ? 'the exclusion' : 'the selection'} does.`,
    hint: selectionValuesHint(graph, [part]),
  };
}
