import { table as arqueroTable, type ColumnTable } from 'arquero';
import { type CellValue, type Columns, type Row, Table } from './table.js';

/**
 * The dataframe idiom: an asset's inputs arrive as `Table`s (rows when
 * iterated), a compute that wants verbs wraps one with `asArquero`, and it may
 * return the arquero table as it is: the executor converts it back with
 * `fromArquero` and validates it against the asset's schema like any output.
 * A function at the point of use rather than an asset option, so one compute
 * can take one input as rows and another as a dataframe, and the type of
 * `inputs` does not depend on a flag.
 *
 * Both conversions go column by column, never through row objects. Types map
 * one to one: integers and floats are JavaScript numbers, strings (and enums)
 * strings, booleans booleans, and a missing value is `null` in a `Table`;
 * what arquero produces beyond those is mapped back by `fromArquero`.
 */

/**
 * Wraps a `Table` as an arquero table without copying: the arquero columns
 * are the table's own arrays (neither side ever changes them).
 *
 * @example
 * compute: ({ inputs }) => asArquero(inputs.orders).groupby('customer_id').rollup({ orders: op.count() }).orderby('customer_id')
 */
export function asArquero<R extends object>(table: Table<R>): ColumnTable {
  const columns: Record<string, ReadonlyArray<unknown>> = {};
  for (const name of table.columnNames) columns[name] = table.column(name);
  return arqueroTable(columns as Record<string, unknown[]>, [...table.columnNames]);
}

/**
 * Whether `value` is an arquero table. By shape rather than `instanceof`, so
 * a table made by another copy of arquero (a user's own, deduplicated or not)
 * counts too.
 */
export function isArqueroTable(value: unknown): value is ColumnTable {
  const candidate = value as Partial<Record<'columnNames' | 'numRows' | 'reify' | 'column', unknown>> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.columnNames === 'function' &&
    typeof candidate.numRows === 'function' &&
    typeof candidate.reify === 'function' &&
    typeof candidate.column === 'function'
  );
}

/**
 * Converts an arquero table into a `Table`, in its current row order and
 * filter, with `columnNames` (default all of its columns; a name it does not
 * have is left out, for the schema check to report). Values are mapped to
 * cells: `undefined` (an unmatched join, an empty aggregate) becomes `null`, a
 * `bigint` within the safe integer range (Arrow's 64-bit integers) a number,
 * typed arrays plain arrays. A column that needs none of that is taken as it
 * is, so a column passed through from an input stays the same array, and the
 * output check knows it was checked before.
 */
export function fromArquero(dataframe: ColumnTable, columnNames?: readonly string[]): Table<Row> {
  // Filtered or ordered tables keep their rows in a mask and an order: reify lays them out (once, for every column).
  const laidOut = dataframe.isFiltered() || dataframe.isOrdered() ? dataframe.reify() : dataframe;
  const present = new Set(laidOut.columnNames());
  const names = (columnNames ?? laidOut.columnNames()).filter((name) => present.has(name));
  const columns: Record<string, ReadonlyArray<CellValue>> = {};
  for (const name of names) columns[name] = cellsOf(laidOut.column(name)!, laidOut.numRows());
  return Table.fromColumns(columns as Columns<Row>, names);
}

/** One arquero column as cells: the same array when every value already is one, else a copy with the values mapped. */
function cellsOf(column: { at(row: number): unknown; length: number }, numRows: number): ReadonlyArray<CellValue> {
  let first = 0;
  if (Array.isArray(column) && column.length === numRows) {
    while (first < numRows && isCell(column[first])) first++;
    if (first === numRows) return column as CellValue[];
  }
  const cells = new Array<CellValue>(numRows);
  for (let row = 0; row < numRows; row++) cells[row] = toCell(column.at(row));
  return cells;
}

function isCell(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** A value outside the mapping (a Date, an object, an unsafe bigint) is kept as it is, for the schema check to report with its row. */
function toCell(value: unknown): CellValue {
  if (value === undefined) return null;
  if (typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return value as CellValue;
}
