import { createHash } from 'node:crypto';
import type { AnyAsset } from './asset.js';
import { ANY_FAILING, type CheckThreshold, parseThreshold } from './check-threshold.js';
import type { RowOf } from './row-schema.js';
import type { Row, Table } from './table.js';

/**
 * A check that fails with `error` severity is a problem (the run fails, and a
 * blocking check keeps downstream assets from running); one with `warn` is
 * reported and recorded, and blocks nothing.
 */
export type CheckSeverity = 'warn' | 'error';

/** How a check ended: `errored` when it could not be evaluated at all (its code threw, a table it reads is missing). */
export type CheckStatus = 'passed' | 'warned' | 'failed' | 'errored';

/** At most this many failing rows are kept with a result: enough to see the problem, small enough to store every time. */
export const CHECK_SAMPLE_SIZE = 5;

/** What a check found: how many rows (or things) fail it, a few of them, and facts worth keeping. */
export interface CheckOutcome {
  readonly failing: number;
  readonly sample: readonly Row[];
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** What a custom check's `run` returns: a verdict, or how many things fail it. */
export type CustomCheckResult =
  | { readonly passed: boolean; readonly metadata?: Record<string, unknown> }
  | { readonly failing: number; readonly sample?: readonly Row[]; readonly metadata?: Record<string, unknown> };

/** What a check can read: its asset's stored table and, through their IO managers, other assets'. */
export interface CheckContext<R extends object = Row> {
  /** The key of the asset the check is declared on. */
  readonly assetKey: string;
  /** The asset's stored table, read through its IO manager once, on the first call. */
  table(): Promise<Table<R>>;
  /** How many rows an asset's stored output holds (this asset's when none is given), from its latest materialization: nothing is read. */
  rowCount(asset?: AnyAsset): Promise<number>;
  /** Another asset's stored table, read through its IO manager. */
  load<A extends AnyAsset>(asset: A): Promise<Table<RowOf<A['schema']>>>;
  /** Another asset's stored rows in batches, through its IO manager's scan: for a large table, never held whole. */
  scan<A extends AnyAsset>(asset: A): AsyncIterable<readonly RowOf<A['schema']>[]>;
}

/** Takes a stored table batch by batch, for checks that judge it in one pass without holding it whole. */
export interface TableScanner {
  add(batch: Table<Row>): void;
  finish(): CheckOutcome;
}

/**
 * How a check is evaluated. `scan` checks read only their asset's table, in
 * one pass shared by every scan check of the asset (the built-ins); `custom`
 * checks run arbitrary code with a `CheckContext`.
 */
export type CheckEvaluation =
  | { readonly kind: 'scan'; readonly columns: readonly string[]; start(context: CheckContext): TableScanner | Promise<TableScanner> }
  | { readonly kind: 'custom'; run(context: CheckContext): Promise<CheckOutcome> };

/** Options every check takes. */
export interface CheckOptions {
  /** Unique among the asset's checks, `^[a-z][a-z0-9_]*$`; the built-ins name themselves (`unique_id`, `not_null_email`, ...). */
  readonly name?: string;
  readonly description?: string;
  /** Default `error`. */
  readonly severity?: CheckSeverity;
  /** When the failing count makes the check a warning; default `'!=0'` (dbt's `warn_if`). */
  readonly warnIf?: CheckThreshold;
  /** When the failing count makes an `error` check fail; default `'!=0'` (dbt's `error_if`). Ignored for `warn` checks. */
  readonly errorIf?: CheckThreshold;
  /**
   * Whether a failure (severity `error`) keeps the assets downstream from
   * running until the check passes again. Default true, as `dbt build` does
   * with a failing test: a bad table should not feed the next one. A
   * downstream asset can still opt out per check (`ignoreFailedChecks`).
   * A `warn` check never blocks: `blocking: true` on one is a definitions
   * problem, not a silent no-op.
   */
  readonly blocking?: boolean;
}

/**
 * A data-quality check declared on an asset (`checks: [...]`). Its fields
 * are plain data; the definitions check them with every other problem.
 * `R` is the row type of the asset it may be declared on: a check naming a
 * column the asset does not have fails `tsc`.
 */
export interface AssetCheck<R extends object = Row> {
  readonly name: string;
  readonly description: string | undefined;
  readonly severity: CheckSeverity;
  readonly warnIf: string;
  readonly errorIf: string;
  /**
   * Whether a failure keeps the assets downstream from running: only an
   * `error` check can (as declared, default true); a `warn` check blocks
   * nothing (declared `blocking: true`, it is refused). What the executor, the
   * CLI and the UI all read, so none reports a block that does not happen.
   */
  readonly blocking: boolean;
  /** Columns of its asset it reads (checked against the schema by the definitions). */
  readonly columns: readonly string[];
  /** Keys of the other assets whose stored tables it reads, so their changes re-run it. */
  readonly reads: readonly string[];
  /** Its code version: a hash of its kind, parameters and thresholds, or of a custom check's source. */
  readonly codeVersion: string;
  /** What is wrong with its parameters (a range with no bound), found when it was declared and reported with the definitions. */
  readonly problems: readonly string[];
  readonly evaluation: CheckEvaluation;
  /** Never set: ties the check to its asset's row type (see above). */
  readonly rowType?: (row: R) => void;
}

/** Any check, whatever its asset's rows. */
export type AnyAssetCheck = AssetCheck<never>;

/** What `check()` takes: a name, and the code that judges the stored table. */
export interface CustomCheckSpec<R extends object> extends CheckOptions {
  readonly name: string;
  /** Bump it to re-run the check when its logic changes; default: a hash of `run`'s source. */
  readonly codeVersion?: string;
  run(context: CheckContext<R>): CustomCheckResult | Promise<CustomCheckResult>;
}

/**
 * Declares a custom check: `run` reads what it needs through its context and
 * returns `{ passed }` or `{ failing, sample?, metadata? }`.
 *
 * @example
 * check({
 *   name: 'one_row_per_order',
 *   run: async ({ rowCount }) => ({ failing: Math.abs((await rowCount()) - (await rowCount(orders))) }),
 * })
 */
export function check<R extends object = Row>(spec: CustomCheckSpec<NoInfer<R>>): AssetCheck<R> {
  const run = spec.run as (context: CheckContext) => CustomCheckResult | Promise<CustomCheckResult>;
  return declareCheck<R>(spec, {
    name: spec.name,
    columns: [],
    reads: [],
    parameters: { custom: spec.codeVersion ?? run.toString() },
    evaluation: { kind: 'custom', run: async (context) => toOutcome(await run(context)) },
  });
}

/** What a built-in or custom check adds to the options every check takes. */
export interface CheckParts {
  readonly name: string;
  readonly columns: readonly string[];
  readonly reads: readonly string[];
  /** Whatever decides its result besides its thresholds: hashed into its code version. */
  readonly parameters: unknown;
  readonly evaluation: CheckEvaluation;
  /** What is wrong with the parameters, in words that follow `check "<name>": `. */
  readonly problems?: readonly string[];
}

/** Builds a check from its options and parts; shared by `check()` and the built-ins so every check is made alike. */
export function declareCheck<R extends object>(options: CheckOptions, parts: CheckParts): AssetCheck<R> {
  const severity = options.severity ?? 'error';
  const warnIf = options.warnIf ?? ANY_FAILING;
  const errorIf = options.errorIf ?? ANY_FAILING;
  const codeVersion = createHash('sha256').update(JSON.stringify([parts.name, parts.parameters, severity, warnIf, errorIf])).digest('hex').slice(0, 16);
  return Object.freeze({
    name: options.name ?? parts.name,
    description: options.description,
    severity,
    warnIf,
    errorIf,
    blocking: severity === 'error' && (options.blocking ?? true),
    columns: Object.freeze([...parts.columns]),
    reads: Object.freeze([...parts.reads]),
    codeVersion,
    problems: Object.freeze([...(parts.problems ?? []), ...optionProblems(severity, options)]),
    evaluation: parts.evaluation,
  });
}

/** What contradicts itself among the options every check takes, in words that follow `check "<name>": `. */
function optionProblems(severity: CheckSeverity, options: CheckOptions): string[] {
  // Refused rather than ignored: the author asked for a block that would never happen.
  if (severity === 'warn' && options.blocking === true) {
    return ["severity 'warn' with blocking: true, but a warning never blocks; drop `blocking`, or use severity 'error' to keep downstream assets from running when it fails"];
  }
  return [];
}

/**
 * The status an outcome gives a check, by dbt's rule: an `error` check fails
 * when `errorIf` holds, else warns when `warnIf` holds; a `warn` check only
 * warns. Thresholds were checked with the definitions.
 */
export function judgeOutcome(check: Pick<AnyAssetCheck, 'severity' | 'warnIf' | 'errorIf'>, outcome: CheckOutcome): Exclude<CheckStatus, 'errored'> {
  const holds = (threshold: string) => (parseThreshold(threshold) as (failing: number) => boolean)(outcome.failing);
  if (check.severity === 'error' && holds(check.errorIf)) return 'failed';
  return holds(check.warnIf) ? 'warned' : 'passed';
}

/** Problems with a check's own fields, for the definitions to report with the others. */
export function checkProblems(check: AnyAssetCheck, where: string): string[] {
  const problems: string[] = check.problems.map((problem) => `${where}: ${problem}`);
  if (!CHECK_NAME_PATTERN.test(check.name)) problems.push(`${where}: invalid check name ${JSON.stringify(check.name)}; check names match ${CHECK_NAME_PATTERN.source}`);
  if (check.severity !== 'warn' && check.severity !== 'error') problems.push(`${where}: severity must be "warn" or "error", got ${JSON.stringify(check.severity)}`);
  for (const [field, threshold] of [['warnIf', check.warnIf], ['errorIf', check.errorIf]] as const) {
    const parsed = parseThreshold(threshold);
    if (typeof parsed === 'string') problems.push(`${where}: ${field} is an ${parsed}`);
  }
  return problems;
}

const CHECK_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

function toOutcome(result: CustomCheckResult): CheckOutcome {
  if ('failing' in result) {
    if (!Number.isInteger(result.failing) || result.failing < 0) {
      throw new TypeError(`the check returned failing: ${String(result.failing)}; return a whole number >= 0, or { passed: true | false }`);
    }
    return { failing: result.failing, sample: (result.sample ?? []).slice(0, CHECK_SAMPLE_SIZE), metadata: result.metadata ?? {} };
  }
  if (typeof result.passed !== 'boolean') throw new TypeError('the check returned neither { passed: boolean } nor { failing: number }');
  return { failing: result.passed ? 0 : 1, sample: [], metadata: result.metadata ?? {} };
}
