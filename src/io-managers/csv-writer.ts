// Our own CSV codec, not arquero's: arquero parses a CSV file from one string, which fails past V8's maximum string length on the multi-million-row files Strata stores.
import { SchemaError } from '../core/errors.js';
import type { ColumnSpec } from '../core/row-schema.js';
import type { Row, Table } from '../core/table.js';

/**
 * A chunk is handed out once it holds this many UTF-16 code units: about
 * 64 KiB of UTF-8 for mostly-ASCII data, and never more than three times that.
 */
const CHUNK_CHARS = 64 * 1024;

/** Characters that force a field into quotes (RFC 4180). */
const NEEDS_QUOTES = /[",\r\n]/;

/** Turns one cell into its CSV field, or `undefined` when the value does not fit the column. */
type FieldEncoder = (value: unknown) => string | undefined;

/**
 * Serializes the `columns` of `table` as RFC 4180 CSV: a header of the column
 * names, then one line per row, every line ending in `\n`, UTF-8 without BOM.
 * Yields the bytes in chunks of about 64 KiB so a caller can write and hash a
 * table of millions of rows without ever holding it as one string.
 *
 * Encoding, chosen so that every value reads back exactly:
 * - a field with a comma, double quote, CR or LF is quoted, quotes doubled;
 * - `null` is an empty field and the empty string is `""`, so the two stay
 *   distinct in a nullable column;
 * - numbers are `String(n)` (which round-trips every finite double), except
 *   negative zero, written `-0` because `String(-0)` is `"0"`;
 * - booleans are `true` / `false`.
 *
 * Every value is checked against its column: a value of the wrong kind, a
 * non-finite number, a `null` in a non-nullable column or a string with a lone
 * surrogate (which UTF-8 cannot hold) throws a `SchemaError` naming the asset,
 * row, column and value. The check runs as chunks are produced, so the error
 * can come after earlier chunks were handed out: writers must discard them.
 *
 * @example
 * const hash = createHash('sha256');
 * for (const chunk of encodeCsv(table, asset.columns, asset.key)) hash.update(chunk);
 */
export function* encodeCsv(table: Table<Row>, columns: readonly ColumnSpec[], assetKey: string): Generator<Buffer> {
  const missing = columns.filter((column) => !table.columnNames.includes(column.name));
  if (missing.length > 0) {
    throw new SchemaError(
      `Cannot store asset "${assetKey}": the table has no column ${missing.map((c) => `"${c.name}"`).join(', ')} ` +
        `(it has ${table.columnNames.map((name) => `"${name}"`).join(', ') || 'no columns'}).`,
      { hint: "Return every column of the asset's schema from its compute function." },
    );
  }
  const values = columns.map((column) => table.column(column.name));
  const encoders = columns.map(fieldEncoder);

  let text = columns.map((column) => quoteText(column.name)).join(',') + '\n';
  for (let row = 0; row < table.numRows; row++) {
    let line = '';
    for (let index = 0; index < columns.length; index++) {
      const value = values[index]![row];
      const field = encoders[index]!(value);
      if (field === undefined) throw badValue(assetKey, columns[index]!, row, table.numRows, value);
      line = index === 0 ? field : line + ',' + field;
    }
    text += line + '\n';
    if (text.length >= CHUNK_CHARS) {
      yield Buffer.from(text, 'utf8');
      text = '';
    }
  }
  if (text.length > 0) yield Buffer.from(text, 'utf8');
}

const kindEncoders: Record<ColumnSpec['kind'], FieldEncoder> = {
  string: (value) => (typeof value === 'string' && isWellFormed(value) ? quoteText(value) : undefined),
  number: (value) => (typeof value === 'number' && Number.isFinite(value) ? formatNumber(value) : undefined),
  integer: (value) => (typeof value === 'number' && Number.isInteger(value) ? formatNumber(value) : undefined),
  boolean: (value) => (value === true ? 'true' : value === false ? 'false' : undefined),
};

function fieldEncoder(column: ColumnSpec): FieldEncoder {
  const encode = kindEncoders[column.kind];
  return column.nullable ? (value) => (value === null ? '' : encode(value)) : encode;
}

function quoteText(text: string): string {
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function formatNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

// `String.prototype.isWellFormed` ships with Node 20 but is typed in lib ES2024, newer than the project's lib.
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

const kindNames: Record<ColumnSpec['kind'], string> = {
  string: 'a string',
  number: 'a finite number',
  integer: 'an integer',
  boolean: 'true or false',
};

function badValue(assetKey: string, column: ColumnSpec, row: number, rows: number, value: unknown): SchemaError {
  const expected = kindNames[column.kind] + (column.nullable ? ' or null' : '');
  const problem =
    typeof value === 'string' && column.kind === 'string'
      ? 'has a lone surrogate, which UTF-8 cannot store'
      : `must be ${expected}, got ${describeValue(value)}`;
  return new SchemaError(
    `Cannot store asset "${assetKey}": row ${row + 1} of ${rows}, column "${column.name}" ${problem}.`,
    { hint: "Fix the asset's compute function so that every row matches the asset's schema." },
  );
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const json = JSON.stringify(value);
    return json.length > 60 ? `${json.slice(0, 57)}..."` : json;
  }
  if (typeof value === 'bigint') return `${value}n (a bigint)`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
