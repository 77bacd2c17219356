import type { AnyAsset } from './asset.js';
import { describeValue } from './describe-value.js';
import { describeColumns, type RowOf } from './row-schema.js';
import { type AssetCheck, CHECK_SAMPLE_SIZE, type CheckOptions, type CheckOutcome, declareCheck, type TableScanner } from './asset-check.js';
import type { CellValue, Row, Table } from './table.js';

/*
 * The built-in checks, named and counted as dbt's generic tests are: each
 * reads only the columns it names, batch by batch, so all of an asset's
 * built-ins share one pass over its stored table. Nulls are the business of
 * `notNull` alone: every other check ignores them, as dbt's do.
 */

/** Column names of the rows `R`. */
type ColumnOf<R> = keyof R & string;

/**
 * The rows a check on `columns` can be declared on: any with those columns.
 * A check is contravariant in its rows, so this fails `tsc` on an asset
 * that lacks one of them, and typing it from the literal column names (not
 * from the asset) lets TypeScript check `unique(['a', 'b'])` as well.
 */
type WithColumns<C extends string> = { readonly [K in C]: unknown };

/** Fails for each row whose `column` is null. */
export function notNull<const C extends string>(column: C, options: CheckOptions = {}): AssetCheck<WithColumns<C>> {
  return scanCheck(options, `not_null_${column}`, [column], { column }, [], () => rowsWhere((batch) => {
    const values = batch.column(column);
    return (index) => values[index] === null || values[index] === undefined;
  }));
}

/**
 * Fails for each value (of one column, or each combination of several) found
 * on more than one row; the sample shows the repeated rows.
 */
export function unique<const C extends string>(columns: C | readonly C[], options: CheckOptions = {}): AssetCheck<WithColumns<C>> {
  const names: readonly string[] = typeof columns === 'string' ? [columns] : columns;
  return scanCheck(options, `unique_${names.join('_')}`, names, { columns: names }, [], () => {
    let seen: Set<unknown> | undefined;
    const repeated = new Set<unknown>();
    const sample: Row[] = [];
    // While one column's values strictly ascend (ids, usually), they are all
    // distinct and need no set: a set of 5 million numbers takes ~250 MB. The
    // batches' values are kept (a reference, or one array of 8 bytes a row)
    // to fill the set should the order break.
    const ascending = names.length === 1 ? new AscendingRun() : undefined;
    return {
      add(batch) {
        const keyAt = compositeKey(batch, names);
        let index = 0;
        if (seen === undefined) {
          index = ascending?.add(batch.column(names[0]!)) ?? 0;
          if (index === batch.numRows) return;
          seen = new Set(ascending?.values());
        }
        for (; index < batch.numRows; index++) {
          const key = keyAt(index);
          if (key === null) continue;
          if (!seen.has(key)) seen.add(key);
          else {
            repeated.add(key);
            if (sample.length < CHECK_SAMPLE_SIZE) sample.push(batch.row(index));
          }
        }
      },
      finish: () => ({ failing: repeated.size, sample, metadata: { duplicatedValues: repeated.size } }),
    };
  });
}

/** Fails for each row whose `column` holds a value outside `values`. */
export function acceptedValues<const C extends string>(column: C, values: readonly CellValue[], options: CheckOptions = {}): AssetCheck<WithColumns<C>> {
  const accepted = new Set<unknown>(values);
  return scanCheck(options, `accepted_values_${column}`, [column], { column, values }, [], () => rowsWhere((batch) => {
    const cells = batch.column(column);
    return (index) => cells[index] !== null && !accepted.has(cells[index]);
  }));
}

/**
 * Fails for each row whose `column` matches no `field` of the asset `to`'s
 * stored table (dbt's `relationships`): a reference that does not resolve.
 */
export function relationships<const C extends string, T extends AnyAsset>(column: C, target: { readonly to: T; readonly field: ColumnOf<RowOf<T['schema']>> } & CheckOptions): AssetCheck<WithColumns<C>> {
  const { to, field, ...options } = target;
  // Both caught by tsc in TypeScript; JavaScript learns them with the other definitions problems,
  // so nothing here may read `to` as an asset before knowing it is one.
  const isAsset = isAssetLike(to);
  const toKey = isAsset ? to.key : undefined;
  return declareCheck(options, {
    name: `relationships_${column}`,
    columns: [column],
    // Reading no asset when `to` is none: a read of `undefined` would add a second, baffling problem.
    reads: toKey === undefined ? [] : [toKey],
    parameters: { column, to: toKey, field },
    problems: isAsset ? fieldProblems(to, field) : [notAnAssetProblem(to)],
    evaluation: {
      kind: 'scan',
      columns: [column],
      async start(context) {
        // Only the keys are kept: the referenced table is scanned, not loaded whole.
        const known = new Set<unknown>();
        for await (const rows of context.scan(to)) for (const row of rows) known.add((row as Row)[field]);
        const isKnown = membership(known);
        return rowsWhere((batch) => {
          const cells = batch.column(column);
          return (index) => cells[index] !== null && !isKnown(cells[index]);
        }, { to: to.key, field });
      },
    },
  });
}

/** Whether `value` is an asset a check can read, not (in JavaScript) its key or anything else. */
function isAssetLike(value: unknown): value is AnyAsset {
  return typeof value === 'object' && value !== null && typeof (value as AnyAsset).key === 'string' && typeof (value as AnyAsset).schema === 'object';
}

/** Why `to` is no asset, saying what to pass instead: for a key, the asset it names. */
function notAnAssetProblem(to: unknown): string {
  if (typeof to === 'string') return `to must be an asset, got the string ${JSON.stringify(to)}: pass the asset itself (what asset({ key: ${JSON.stringify(to)}, ... }) returned), not its key`;
  return `to must be an asset, got ${describeValue(to)}: pass the asset itself (what asset() returned)`;
}

/** Why `field` is no column of `to`'s rows, naming the columns it has. */
function fieldProblems(to: AnyAsset, field: string): string[] {
  const targetColumns = describeColumns(to.schema).columns.map((spec) => spec.name);
  return targetColumns.includes(field) ? [] : [`field "${field}" is not a column of "${to.key}" (${targetColumns.join(', ')})`];
}

/**
 * Fails (a failing count of 1) when the stored table has fewer rows than
 * `min` or more than `max`. It reads the count its materialization recorded,
 * not the table.
 */
export function rowCount(range: { readonly min?: number; readonly max?: number } & CheckOptions): AssetCheck<object> {
  const { min, max, ...options } = range;
  return declareCheck(options, {
    name: 'row_count',
    columns: [],
    reads: [],
    parameters: { min, max },
    problems: rangeProblems(min, max),
    evaluation: {
      kind: 'custom',
      async run(context) {
        const rows = await context.rowCount();
        return { failing: (min !== undefined && rows < min) || (max !== undefined && rows > max) ? 1 : 0, sample: [], metadata: { rows, min, max } };
      },
    },
  });
}

/** Fails for each row whose `column` is below `min` or above `max` (both inclusive). */
export function inRange<const C extends string>(column: C, range: { readonly min?: number; readonly max?: number } & CheckOptions): AssetCheck<WithColumns<C>> {
  const { min, max, ...options } = range;
  return scanCheck(options, `in_range_${column}`, [column], { column, min, max }, rangeProblems(min, max), () => rowsWhere((batch) => {
    const cells = batch.column(column) as readonly CellValue[];
    return (index) => {
      const value = cells[index];
      return typeof value === 'number' && ((min !== undefined && value < min) || (max !== undefined && value > max));
    };
  }, { min, max }));
}

function scanCheck<R extends object>(options: CheckOptions, name: string, columns: readonly string[], parameters: unknown, problems: readonly string[], start: () => TableScanner): AssetCheck<R> {
  return declareCheck(options, { name, columns, reads: [], parameters, problems, evaluation: { kind: 'scan', columns, start } });
}

/** A range that can fail: at least one bound, both numbers, min not above max. */
function rangeProblems(min: number | undefined, max: number | undefined): string[] {
  if (min === undefined && max === undefined) return ['give min, max or both: a range without bounds never fails'];
  if ((min !== undefined && typeof min !== 'number') || (max !== undefined && typeof max !== 'number')) return ['min and max must be numbers'];
  return min !== undefined && max !== undefined && min > max ? [`min ${min} is above max ${max}: nothing could pass`] : [];
}

/** Up to this many slots per value, `membership` answers from a byte array. */
const DENSE_SLOTS_PER_VALUE = 8;

/**
 * A test of membership in `values`, answering as `values.has` does. Values
 * that are all non-negative integers, not much larger than their count (ids,
 * usually), are looked up in a byte array instead: 5 million references to
 * 100k ids are checked in a third of a Set's time (45 ms against 115-165 ms).
 */
function membership(values: ReadonlySet<unknown>): (value: unknown) => boolean {
  let largest = -1;
  for (const value of values) {
    if (!Number.isSafeInteger(value) || (value as number) < 0) return (candidate) => values.has(candidate);
    largest = Math.max(largest, value as number);
  }
  if (largest >= DENSE_SLOTS_PER_VALUE * values.size + 1024) return (candidate) => values.has(candidate);
  const present = new Uint8Array(largest + 1);
  for (const value of values) present[value as number] = 1;
  // Only numbers: a typed array would read '1' as index 1. Past either end, or not an integer, the index reads undefined.
  return (candidate) => typeof candidate === 'number' && present[candidate] === 1;
}

/** A scanner that counts (and samples) the rows a per-batch predicate picks. */
function rowsWhere(failsIn: (batch: Table<Row>) => (index: number) => boolean, metadata: Record<string, unknown> = {}): TableScanner {
  let failing = 0;
  const sample: Row[] = [];
  return {
    add(batch) {
      const fails = failsIn(batch);
      for (let index = 0; index < batch.numRows; index++) {
        if (!fails(index)) continue;
        failing++;
        if (sample.length < CHECK_SAMPLE_SIZE) sample.push(batch.row(index));
      }
    },
    finish: (): CheckOutcome => ({ failing, sample, metadata }),
  };
}

/** The values of one column while they strictly ascend (numbers, or strings), nulls skipped. */
class AscendingRun {
  readonly #batches: (readonly CellValue[])[] = [];
  /** How many rows of the last batch belong to the run. */
  #lastRows = 0;
  #last: number | string | undefined;

  /** Takes `values` into the run and returns how many of them ascend: all of them, or the index of the first that breaks the order. */
  add(values: readonly CellValue[]): number {
    this.#batches.push(values);
    let index = 0;
    for (; index < values.length; index++) {
      const value = values[index];
      if (value === null || value === undefined) continue;
      const last = this.#last;
      // `>` between a number and a string, NaN or -0 against 0 would not mean distinct: those end the run.
      if (!(typeof value === 'number' || typeof value === 'string') || (last !== undefined && (typeof last !== typeof value || !(value > last)))) break;
      this.#last = value;
    }
    this.#lastRows = index;
    return index;
  }

  /** Every value of the run, in order. */
  *values(): Generator<CellValue> {
    for (let batch = 0; batch < this.#batches.length; batch++) {
      const values = this.#batches[batch]!;
      const rows = batch === this.#batches.length - 1 ? this.#lastRows : values.length;
      for (let index = 0; index < rows; index++) if (values[index] !== null && values[index] !== undefined) yield values[index]!;
    }
  }
}

/**
 * A row's value for `columns` as one Set key: the value itself for one
 * column, a string that keeps kinds apart for several (`1` and `'1'` differ),
 * or null when any part is null (nulls are never duplicates).
 */
function compositeKey(batch: Table<Row>, columns: readonly string[]): (index: number) => unknown {
  const cells = columns.map((column) => batch.column(column));
  if (cells.length === 1) {
    const only = cells[0]!;
    return (index) => only[index] ?? null;
  }
  return (index) => {
    const parts: unknown[] = [];
    for (const column of cells) {
      const value = column[index];
      if (value === null || value === undefined) return null;
      parts.push(value);
    }
    return JSON.stringify(parts);
  };
}
