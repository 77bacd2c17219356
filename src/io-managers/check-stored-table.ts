import { describeValue, rowLabel } from '../core/describe-value.js';
import { SchemaError } from '../core/errors.js';
import type { ColumnSpec } from '../core/row-schema.js';
import type { Row, Table } from '../core/table.js';

/**
 * Checks, column by column, that `table` has every column and that each
 * value fits its column as the binary formats store it: a string without a
 * lone surrogate (UTF-8 cannot hold one), a finite number, a safe integer, a
 * boolean, or null where the column is nullable. Throws a `SchemaError`
 * naming the asset, row, column and value, made by the same functions as the
 * CSV writer's errors, so every IO manager rejects the same tables the same
 * way. Runs before a byte is written, so a rejected table leaves the stored
 * one untouched.
 */
export function checkStoredTable(table: Table<Row>, columns: readonly ColumnSpec[], assetKey: string): void {
  checkHasColumns(table, columns, assetKey);
  for (const column of columns) {
    const values = table.column(column.name);
    const fits = FITS[column.kind];
    for (let row = 0; row < values.length; row++) {
      const value = values[row];
      if (value === null ? !column.nullable : !fits(value)) throw badValue(assetKey, column, row, values.length, value);
    }
  }
}

/** Throws a `SchemaError` naming every column of `columns` that `table` lacks. The CSV writer, which checks values as it encodes them, calls it first too. */
export function checkHasColumns(table: Table<Row>, columns: readonly ColumnSpec[], assetKey: string): void {
  const missing = columns.filter((column) => !table.columnNames.includes(column.name));
  if (missing.length > 0) {
    throw new SchemaError(
      `Cannot store asset "${assetKey}": the table has no column ${missing.map((c) => `"${c.name}"`).join(', ')} ` +
        `(it has ${table.columnNames.map((name) => `"${name}"`).join(', ') || 'no columns'}).`,
      { hint: "Return every column of the asset's schema from its compute function." },
    );
  }
}

const FITS: Record<ColumnSpec['kind'], (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string' && isWellFormed(value),
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  integer: (value) => Number.isSafeInteger(value),
  boolean: (value) => typeof value === 'boolean',
};

/**
 * Whether `text` has no lone surrogate, so UTF-8 can hold it.
 * `String.prototype.isWellFormed` ships with Node 20 but is typed in lib ES2024, newer than the project's lib.
 */
export function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

const kindNames: Record<ColumnSpec['kind'], string> = {
  string: 'a string',
  number: 'a finite number',
  integer: 'an integer',
  boolean: 'true or false',
};

/** The error for the value at `row` (of `rows`) of `column`, which does not fit the column: what it must be, and what it is. */
export function badValue(assetKey: string, column: ColumnSpec, row: number, rows: number, value: unknown): SchemaError {
  const expected = kindNames[column.kind] + (column.nullable ? ' or null' : '');
  const problem = typeof value === 'string' && column.kind === 'string' ? 'has a lone surrogate, which UTF-8 cannot store' : `must be ${expected}, got ${describeValue(value)}`;
  return new SchemaError(`Cannot store asset "${assetKey}": ${rowLabel(row)} of ${rows}, column "${column.name}" ${problem}.`, {
    hint: "Fix the asset's compute function so that every row matches the asset's schema.",
  });
}
