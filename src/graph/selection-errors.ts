import { StrataError } from '../core/errors.js';
import type { StateSelection } from './selection-ast.js';
import { formatSelection } from './selection-format.js';

/**
 * The errors of the selection language. Syntax and legacy-form errors found
 * while parsing show the expression with a caret under the offending column:
 *
 *     Invalid selection: expected an asset key, tag:, group:, kind:, key:, status:, check: or "(" after "and"
 *       +customers and
 *                 ^
 */

/** An expression that does not follow the selection grammar. `column` is 1-based. */
export class SelectionSyntaxError extends StrataError {
  readonly expression: string;
  readonly column: number;

  constructor(expression: string, column: number, reason: string, hint: string) {
    super('STRATA_SELECTION_SYNTAX', `Invalid selection: ${reason}\n${pointAt(expression, column)}`, { hint });
    this.expression = expression;
    this.column = column;
  }
}

/**
 * Dagster's older syntax (`*x`, `x*`, `++x`, `x++`), which means something
 * else here; rejected instead of guessed at. `legacy` is the text as written
 * (`++`, `*customers`) and `replacement` what to write in its place (`2+`,
 * `+customers`). Forms found while parsing carry the expression and column;
 * `*`-forms are only recognised against the graph, where neither is known.
 */
export class LegacySelectionError extends StrataError {
  readonly legacy: string;
  readonly replacement: string;
  readonly expression: string | undefined;
  readonly column: number | undefined;

  constructor(options: { reason: string; legacy: string; replacement: string; hint: string; expression?: string; column?: number }) {
    const where =
      options.expression !== undefined && options.column !== undefined ? `\n${pointAt(options.expression, options.column)}` : '';
    super('STRATA_SELECTION_LEGACY', `Invalid selection: ${options.reason}${where}`, { hint: options.hint });
    this.legacy = options.legacy;
    this.replacement = options.replacement;
    this.expression = options.expression;
    this.column = options.column;
  }
}

/** A selection (after any exclusion) that leaves no assets: an error, never a silent no-op. */
export class EmptySelectionError extends StrataError {
  readonly select: string;
  readonly exclude: string | undefined;

  constructor(options: { message: string; hint: string; select: string; exclude?: string }) {
    super('STRATA_SELECTION_EMPTY', options.message, { hint: options.hint });
    this.select = options.select;
    this.exclude = options.exclude;
  }
}

/**
 * A state atom resolved where no states are given: a job's selection (its
 * assets must not change with the instance's state behind the job's back),
 * or a caller of `selectAssets` that did not read them.
 */
export class StateUnavailableError extends StrataError {
  constructor(atom: StateSelection) {
    const text = formatSelection(atom);
    super('STRATA_SELECTION_STATE_UNAVAILABLE', `Selection "${text}" selects by the instance's state, which is not known here.`, {
      hint: `State atoms (${text}) work in --select and --exclude of assets list, status and materialize; a job's selection names assets by key, tag, group or kind.`,
    });
  }
}

/**
 * The expression on one line (tabs and newlines shown as spaces, one for one,
 * so columns still line up) and a caret under `column`, both indented.
 */
function pointAt(expression: string, column: number): string {
  const line = expression.replace(/\s/g, ' ');
  return `  ${line}\n  ${' '.repeat(Math.max(0, column - 1))}^`;
}
