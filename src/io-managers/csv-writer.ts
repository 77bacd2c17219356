// Our own CSV codec, not arquero's: arquero parses a CSV file from one string, which fails past V8's maximum string length on the multi-million-row files Strata stores.
import { createHash } from 'node:crypto';
import type { ColumnSpec } from '../core/row-schema.js';
import type { Row, Table } from '../core/table.js';
import { badValue, checkHasColumns, isWellFormed } from './check-stored-table.js';

/**
 * Chunks are handed out at about this size. Big enough that the per-chunk
 * costs (a file write, a hash update) vanish, small enough to stay out of the
 * way of the tables themselves.
 */
export const CSV_CHUNK_BYTES = 1024 * 1024;

/** Characters that force a field into quotes (RFC 4180). */
const NEEDS_QUOTES = /[",\r\n]/;

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const ZERO = 0x30;
const MINUS = 0x2d;

/** More bytes than any non-string field takes: the longest `String(n)` of a double, e.g. `-2.2250738585072014e-308`, is 24. */
const MAX_SCALAR_BYTES = 32;

/**
 * `Buffer#utf8Write` is what the documented `buf.write(text, offset)` calls
 * after normalizing its arguments; calling it directly halves the cost per
 * field, which is most of the writer's time on tables of millions of strings.
 * It has been on Buffer.prototype since Node's first releases.
 */
interface Utf8Writable {
  utf8Write(text: string, offset: number): number;
}

/** Writes `text` as UTF-8 into `chunk` at `offset` (the caller made room) and returns the offset after it. */
function writeUtf8(text: string, chunk: Buffer, offset: number): number {
  return offset + (chunk as Buffer & Utf8Writable).utf8Write(text, offset);
}

/**
 * Serializes the `columns` of `table` as RFC 4180 CSV: a header of the column
 * names, then one line per row, every line ending in `\n`, UTF-8 without BOM.
 * Yields the bytes in chunks of about 1 MiB and never holds the table as one
 * string: millions of rows are written and hashed in one pass.
 *
 * The chunks are views into two buffers used in turn, so a chunk stays intact
 * only until the generator is resumed twice: enough to write one chunk while
 * the next is produced; copy a chunk to keep it longer. Fresh buffers for
 * gigabytes of output made V8 count them as external memory and run full
 * garbage collections over the whole heap again and again.
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
 * `allocate` makes the two buffers (and any larger one a field needs): a
 * writer that hands chunks to another thread passes memory it can share.
 *
 * Fields go straight into the chunk's bytes rather than through a string per
 * line: concatenating and then encoding every line cost three times as much.
 *
 * @example
 * for (const chunk of encodeCsv(table, asset.columns, asset.key)) socket.write(Buffer.from(chunk));
 */
export function* encodeCsv(table: Table<Row>, columns: readonly ColumnSpec[], assetKey: string, allocate: (bytes: number) => Buffer = Buffer.allocUnsafe): Generator<Buffer> {
  checkHasColumns(table, columns, assetKey);
  const values = columns.map((column) => table.column(column.name));
  const kinds = columns.map((column) => KIND_CODES[column.kind]);
  const nullable = columns.map((column) => column.nullable);
  const last = columns.length - 1;

  const header = Buffer.from(columns.map((column) => quoteText(column.name)).join(',') + '\n', 'utf8');
  const buffers = [allocate(Math.max(CSV_CHUNK_BYTES, header.length)), allocate(CSV_CHUNK_BYTES)];
  let turn = 0;
  let chunk = buffers[turn]!;
  let offset = header.copy(chunk);
  for (let row = 0; row < table.numRows; row++) {
    for (let index = 0; index <= last; index++) {
      const value = values[index]![row];
      // The field plus its separator. Chunks need not end at a line end: only their concatenation matters.
      const needed = (typeof value === 'string' ? 3 * value.length + 2 : MAX_SCALAR_BYTES) + 1;
      if (chunk.length - offset < needed) {
        if (offset > 0) {
          yield chunk.subarray(0, offset);
          turn = 1 - turn;
          offset = 0;
        }
        // A field larger than a buffer gets a buffer of its own size (in place of the empty one, never the one in use).
        if (buffers[turn]!.length < needed) buffers[turn] = allocate(needed);
        chunk = buffers[turn]!;
      }
      // The value is checked against its column's kind as it is written: a value that does not fit leaves `written` at -1.
      let written = -1;
      if (value === null) {
        if (nullable[index]) written = offset;
      } else {
        switch (kinds[index]) {
          case STRING:
            if (typeof value === 'string') written = writeText(value, chunk, offset);
            break;
          case INTEGER:
            if (typeof value === 'number' && Number.isInteger(value)) written = writeNumber(value, chunk, offset);
            break;
          case NUMBER:
            if (typeof value === 'number' && Number.isFinite(value)) written = writeNumber(value, chunk, offset);
            break;
          case BOOLEAN:
            if (typeof value === 'boolean') written = writeUtf8(value ? 'true' : 'false', chunk, offset);
            break;
        }
      }
      if (written < 0) throw badValue(assetKey, columns[index]!, row, table.numRows, value);
      offset = written;
      chunk[offset++] = index === last ? NEWLINE : COMMA;
    }
  }
  if (offset > 0) yield chunk.subarray(0, offset);
}

const STRING = 0;
const INTEGER = 1;
const NUMBER = 2;
const BOOLEAN = 3;
const KIND_CODES: Record<ColumnSpec['kind'], number> = { string: STRING, integer: INTEGER, number: NUMBER, boolean: BOOLEAN };

/**
 * Writes `text` as a field, quoted if it must be; returns -1, having written
 * garbage, if `text` has a lone surrogate (the caller throws).
 *
 * `isWellFormed` is asked only when the text is not all ASCII, which the
 * written byte count tells for free: as many bytes as UTF-16 units means every
 * unit was below 0x80, and a lone surrogate takes 3 bytes. Only quoted text
 * with a quote in it goes through `replaceAll`, which costs several times an
 * `includes` even when there is nothing to replace. Together, on the bench's
 * two CSV outputs of 1M rows (median CPU of 6 alternating runs): the narrower
 * 1072 -> 927 ms, the wider 2052 -> 1850 ms.
 */
function writeText(text: string, chunk: Buffer, offset: number): number {
  if (text === '') {
    chunk[offset] = QUOTE;
    chunk[offset + 1] = QUOTE;
    return offset + 2;
  }
  if (!NEEDS_QUOTES.test(text)) {
    const end = writeUtf8(text, chunk, offset);
    return end - offset === text.length || isWellFormed(text) ? end : -1;
  }
  const escaped = text.includes('"') ? text.replaceAll('"', '""') : text;
  chunk[offset] = QUOTE;
  const end = writeUtf8(escaped, chunk, offset + 1);
  if (end - offset - 1 !== escaped.length && !isWellFormed(text)) return -1;
  chunk[end] = QUOTE;
  return end + 1;
}

/**
 * Writes the digits of 32-bit integers (ids, counts, lengths: most numbers in
 * practice) byte by byte, three times faster than `String(n)` and a write;
 * other numbers, and `-0`, go through `formatNumber`.
 */
function writeNumber(value: number, chunk: Buffer, offset: number): number {
  if ((value | 0) !== value || (value === 0 && 1 / value < 0)) return writeUtf8(formatNumber(value), chunk, offset);
  if (value < 0) {
    chunk[offset++] = MINUS;
    // -2^31 has no positive 32-bit counterpart, so the digits are taken from the negative value.
    return writeDigits(value, -1, chunk, offset);
  }
  return writeDigits(value, 1, chunk, offset);
}

/** Writes the decimal digits of the 32-bit integer `value`, whose sign is `sign`. */
function writeDigits(value: number, sign: 1 | -1, chunk: Buffer, offset: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10 || rest <= -10; rest = (rest / 10) | 0) digits++;
  const end = offset + digits;
  for (let position = end - 1; position >= offset; position--) {
    chunk[position] = ZERO + sign * (value % 10);
    value = (value / 10) | 0;
  }
  return end;
}

function quoteText(text: string): string {
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function formatNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * The data version of `table` stored as `columns`: the SHA-256 of its CSV
 * encoding, so every IO manager gives the same table the same version (and
 * checks every value on the way, as `encodeCsv` does).
 */
export function csvDataVersion(table: Table<Row>, columns: readonly ColumnSpec[], assetKey: string): string {
  const hash = createHash('sha256');
  for (const chunk of encodeCsv(table, columns, assetKey)) hash.update(chunk);
  return hash.digest('hex');
}
