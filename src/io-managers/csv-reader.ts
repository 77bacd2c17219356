// Our own CSV codec, not arquero's: arquero parses a CSV file from one string, which fails past V8's maximum string length on the multi-million-row files Strata stores.
import { IOManagerError } from '../core/errors.js';
import { SCAN_BATCH_ROWS } from '../core/io-manager.js';
import type { ColumnSpec } from '../core/row-schema.js';
import { Table, type CellValue, type Row } from '../core/table.js';

/** Where the bytes come from, for error messages. */
export interface CsvSource {
  /** The file path every error message names. */
  readonly path: string;
  /** How to fix a file that cannot be read, e.g. re-materialize the asset. */
  readonly hint: string;
}

/**
 * Reads CSV bytes (as written by `encodeCsv`, or edited by hand) into a table
 * of `columns`, coercing each field to its column's kind. Parses chunk by
 * chunk, so the file never exists as one string.
 *
 * Accepts RFC 4180 with LF or CRLF line ends, quoted fields holding commas,
 * quotes (doubled) and line breaks, and a UTF-8 BOM. Header columns beyond
 * `columns` are ignored and their order is free. An empty unquoted field is
 * `null` in a nullable column and `''` in a non-nullable string column; a
 * quoted empty field (`""`) is always `''`.
 *
 * Throws an `IOManagerError` naming the path, the physical line (the header is
 * line 1; a line break inside quotes counts) and the column for: an empty
 * file, a column missing from the header, a row with the wrong number of
 * fields, a field that is not of its column's kind, an unterminated quote and
 * invalid UTF-8.
 */
export async function readCsvTable(
  chunks: AsyncIterable<Uint8Array>,
  columns: readonly ColumnSpec[],
  source: CsvSource,
): Promise<Table<Row>> {
  const reading = new CsvReading(columns, source, Number.POSITIVE_INFINITY);
  for await (const _ of reading.feed(chunks));
  return reading.builder.build();
}

/**
 * Reads CSV bytes as `readCsvTable` does (same coercion, same errors), but
 * yields the rows in batches of about `SCAN_BATCH_ROWS` as it goes, and stops
 * reading after `limit` rows: returning ends the iteration of `chunks`, which
 * for a file stream closes the file. A malformed line after the limit is
 * never read, so it is never reported.
 */
export async function* readCsvRows(
  chunks: AsyncIterable<Uint8Array>,
  columns: readonly ColumnSpec[],
  source: CsvSource,
  limit: number,
): AsyncGenerator<Row[]> {
  const reading = new CsvReading(columns, source, limit);
  const { builder } = reading;
  for await (const _ of reading.feed(chunks)) {
    if (builder.full) break;
    if (builder.count >= SCAN_BATCH_ROWS) yield builder.take();
  }
  builder.requireHeader();
  if (builder.count > 0) yield builder.take();
}

/** One read of CSV bytes into a `TableBuilder`: the decoder, the parser and the builder wired together. */
class CsvReading {
  readonly builder: TableBuilder;
  readonly #parser: CsvRecordParser;
  readonly #fail: (line: number, problem: string, cause?: unknown) => never;

  constructor(columns: readonly ColumnSpec[], source: CsvSource, limit: number) {
    this.#fail = (line, problem, cause) => {
      throw new IOManagerError(`Cannot read ${source.path}: line ${line}: ${problem}.`, { hint: source.hint, cause });
    };
    const builder = new TableBuilder(columns, this.#fail, limit);
    this.builder = builder;
    const parser = new CsvRecordParser((fields, line) => {
      builder.add(fields, line);
      // The rest of the chunk is not parsed: a reader past its limit reports nothing about lines it did not need.
      if (builder.full) parser.stop();
    }, this.#fail);
    this.#parser = parser;
  }

  /**
   * Decodes and parses `chunks`, yielding after each one so that the caller
   * can take the rows so far or stop; parses the end of the input once
   * `chunks` are done.
   */
  async *feed(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<void> {
    const parser = this.#parser;
    // `fatal` turns invalid UTF-8 into an error instead of a silent U+FFFD;
    // `stream` keeps a character split across two chunks whole.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let previous: Uint8Array | undefined;
    for await (const chunk of chunks) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch (cause) {
        this.#fail(parser.line + linesBeforeInvalidUtf8(previous, chunk), 'invalid UTF-8', cause);
      }
      parser.push(text);
      yield;
      previous = chunk;
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch (cause) {
      this.#fail(parser.line, 'invalid UTF-8: the file ends in the middle of a character', cause);
    }
    parser.push(rest);
    parser.end();
  }
}

/** A parsed field: its text, or `null` for an empty unquoted field (nothing between the separators). */
type Field = string | null;

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const MINUS = 0x2d;
const ZERO = 0x30;

// Parser states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Inside a quoted field, just after a quote: it closes the field unless another quote follows. */
const QUOTE_IN_QUOTED = 3;
const AFTER_QUOTED = 4;
const AFTER_QUOTED_CR = 5;

/**
 * An RFC 4180 record parser fed text chunk by chunk: a field or record may
 * span any number of chunks. The hot loop works on local copies of the state
 * (saved back at the end of each chunk), finds separators with `indexOf` and
 * copies field text with `slice`: fast enough for files of millions of rows.
 */
class CsvRecordParser {
  /** The physical line at the parse position, 1-based: every LF advances it, quoted or not. */
  line = 1;
  #state = FIELD_START;
  /** The fields of the record being parsed; reused from record to record, so `onRecord` must copy what it keeps. */
  readonly #fields: Field[] = [];
  /** Text of the current field taken from earlier chunks (or, when quoted, before a doubled quote). */
  #text = '';
  #recordLine = 1;
  #quoteLine = 1;
  /** Set by `stop()` from `onRecord`: the caller wants no more records, so the rest of the chunk is not parsed. */
  #stopped = false;
  readonly #onRecord: (fields: Field[], line: number) => void;
  readonly #fail: (line: number, problem: string) => never;

  constructor(onRecord: (fields: Field[], line: number) => void, fail: (line: number, problem: string) => never) {
    this.#onRecord = onRecord;
    this.#fail = fail;
  }

  /** Ends parsing after the record being handed to `onRecord`; nothing may be pushed after it. */
  stop(): void {
    this.#stopped = true;
  }

  push(chunk: string): void {
    const length = chunk.length;
    let state = this.#state;
    let text = this.#text;
    const fields = this.#fields;
    let line = this.line;
    // Start of the current field's text in `chunk` that is not yet in `text`.
    let start = 0;
    let i = 0;
    // Positions of the next comma, line feed and quote at or after `i` (`length` when there is none).
    // Each is searched again only once `i` has passed it, so `indexOf` (native, fast) reads every
    // character about once per kind, however long the lines.
    let comma = -1;
    let lineFeed = -1;
    let quote = -1;
    const next = (char: string, from: number): number => {
      const at = chunk.indexOf(char, from);
      return at === -1 ? length : at;
    };
    while (i < length) {
      switch (state) {
        case FIELD_START:
          if (chunk.charCodeAt(i) === QUOTE) {
            state = QUOTED;
            this.#quoteLine = line;
            start = ++i;
          } else {
            // Not consumed: UNQUOTED looks at this character again (it may be a separator).
            state = UNQUOTED;
            start = i;
          }
          continue;
        case UNQUOTED: {
          // A quote inside an unquoted field has no special meaning: it is text.
          if (comma < i) comma = next(',', i);
          if (lineFeed < i) lineFeed = next('\n', i);
          const end = comma < lineFeed ? comma : lineFeed;
          if (end === length) {
            i = length; // the field goes on in the next chunk
            continue;
          }
          let value = text + chunk.slice(start, end);
          // The CR of a CRLF line end is not part of the field.
          if (end === lineFeed && value.charCodeAt(value.length - 1) === CR) value = value.slice(0, -1);
          fields.push(value === '' ? null : value);
          text = '';
          state = FIELD_START;
          i = end + 1;
          if (end === lineFeed) {
            this.#onRecord(fields, this.#recordLine);
            if (this.#stopped) return;
            fields.length = 0;
            this.#recordLine = ++line;
          }
          continue;
        }
        case QUOTED: {
          if (quote < i) quote = next('"', i);
          if (lineFeed < i) lineFeed = next('\n', i);
          for (; lineFeed < quote; lineFeed = next('\n', lineFeed + 1)) line++;
          text += chunk.slice(start, quote);
          i = quote;
          if (i < length) {
            state = QUOTE_IN_QUOTED;
            i++;
          }
          continue;
        }
        case QUOTE_IN_QUOTED:
          if (chunk.charCodeAt(i) === QUOTE) {
            // A doubled quote is one quote of text, and the field goes on.
            text += '"';
            start = ++i;
            state = QUOTED;
          } else {
            state = AFTER_QUOTED;
          }
          continue;
        case AFTER_QUOTED:
        case AFTER_QUOTED_CR: {
          const c = chunk.charCodeAt(i++);
          if (state === AFTER_QUOTED && c === CR) {
            state = AFTER_QUOTED_CR;
            continue;
          }
          if (state === AFTER_QUOTED_CR && c !== LF) {
            this.#fail(line, 'a carriage return after a closing quote must be followed by a line feed');
          }
          if (c !== COMMA && c !== LF) {
            this.#fail(
              line,
              `unexpected ${JSON.stringify(String.fromCharCode(c))} after a closing quote; a quote inside a quoted field must be doubled`,
            );
          }
          fields.push(text);
          text = '';
          state = FIELD_START;
          if (c === LF) {
            this.#onRecord(fields, this.#recordLine);
            if (this.#stopped) return;
            fields.length = 0;
            this.#recordLine = ++line;
          }
          continue;
        }
      }
    }
    if (state === UNQUOTED) text += chunk.slice(start);
    this.#state = state;
    this.#text = text;
    this.line = line;
  }

  /** Ends the input: emits a last record that has no line break after it. */
  end(): void {
    const state = this.#state;
    if (state === QUOTED) {
      this.#fail(this.#quoteLine, 'a quoted field opened on this line is never closed (the file ends inside it)');
    }
    // Nothing after the last line break is the normal end of a file, not an empty record.
    if (state === FIELD_START && this.#fields.length === 0) return;
    if (state === UNQUOTED || state === FIELD_START) {
      const value = this.#text.endsWith('\r') ? this.#text.slice(0, -1) : this.#text;
      this.#fields.push(value === '' ? null : value);
    } else {
      this.#fields.push(this.#text);
    }
    this.#onRecord(this.#fields, this.#recordLine);
  }
}

/** Turns a field into a cell value, or `undefined` when it is not of the column's kind. */
type Coercer = (field: Field) => CellValue | undefined;

/** Decimal notation as `String(n)` writes it (and as people type it); no hex, no `Infinity`, no blanks. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const kindCoercers: Record<ColumnSpec['kind'], (text: string) => CellValue | undefined> = {
  string: (text) => text,
  number: (text) => parseNumber(text),
  integer: (text) => {
    const value = parseNumber(text);
    return value !== undefined && Number.isInteger(value) ? value : undefined;
  },
  boolean: (text) => (text === 'true' ? true : text === 'false' ? false : undefined),
};

const kindNames: Record<ColumnSpec['kind'], string> = {
  string: 'text',
  number: 'a finite number',
  integer: 'an integer',
  boolean: 'true or false',
};

function parseNumber(text: string): number | undefined {
  // Fast path for the most common field, a short plain integer: sum its digits (exact, far below 2^53).
  if (text.length <= 15) {
    const negative = text.charCodeAt(0) === MINUS;
    let i = negative ? 1 : 0;
    let value = 0;
    for (; i < text.length; i++) {
      const digit = text.charCodeAt(i) - ZERO;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (i === text.length && text.length > (negative ? 1 : 0)) return negative ? -value : value;
  }
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function coercer(column: ColumnSpec): Coercer {
  const coerce = kindCoercers[column.kind];
  // An empty field is "no value": null where allowed, else the empty string for text, else invalid.
  const empty = column.nullable ? null : column.kind === 'string' ? '' : undefined;
  return (field) => (field === null ? empty : coerce(field));
}

/**
 * Collects records into one array per column, checking the header and every
 * field on the way, up to `limit` rows; `build` makes them a table, `take`
 * hands out the rows so far as objects and starts again empty.
 */
class TableBuilder {
  readonly #columns: readonly ColumnSpec[];
  readonly #coercers: Coercer[];
  readonly #values: CellValue[][];
  readonly #fail: (line: number, problem: string) => never;
  readonly #limit: number;
  /** For each column of the schema, its position in the file's records; set by the header. */
  #positions: number[] | undefined;
  #width = 0;
  /** Rows collected since the last `take`. */
  count = 0;
  #taken = 0;

  constructor(columns: readonly ColumnSpec[], fail: (line: number, problem: string) => never, limit: number) {
    this.#columns = columns;
    this.#coercers = columns.map(coercer);
    this.#values = columns.map(() => []);
    this.#fail = fail;
    this.#limit = limit;
  }

  /** Whether the header is read and `limit` rows are collected: no record is wanted any more. */
  get full(): boolean {
    return this.#positions !== undefined && this.#taken + this.count >= this.#limit;
  }

  add(fields: Field[], line: number): void {
    const positions = this.#positions;
    if (positions === undefined) {
      this.#readHeader(fields.map((field) => field ?? ''), line);
      return;
    }
    if (fields.length !== this.#width) {
      this.#fail(line, `the row has ${fields.length} field${fields.length === 1 ? '' : 's'}, but the header has ${this.#width}`);
    }
    for (let index = 0; index < positions.length; index++) {
      const field = fields[positions[index]!] as Field;
      const value = this.#coercers[index]!(field);
      if (value === undefined) this.#badField(this.#columns[index]!, field, line);
      this.#values[index]!.push(value);
    }
    this.count++;
  }

  build(): Table<Row> {
    this.requireHeader();
    const columns: Record<string, CellValue[]> = {};
    this.#columns.forEach((column, index) => (columns[column.name] = this.#values[index]!));
    return Table.fromColumns<Row>(columns, this.#columns.map((column) => column.name));
  }

  take(): Row[] {
    const names = this.#columns.map((column) => column.name);
    const values = this.#values;
    const rows: Row[] = new Array<Row>(this.count);
    for (let row = 0; row < this.count; row++) {
      const object: Row = {};
      for (let column = 0; column < names.length; column++) object[names[column]!] = values[column]![row]!;
      rows[row] = object;
    }
    for (const column of values) column.length = 0;
    this.#taken += this.count;
    this.count = 0;
    return rows;
  }

  /** Fails unless a header was read: a file with no header is not an empty table, it is broken. */
  requireHeader(): void {
    if (this.#positions === undefined) {
      this.#fail(1, `the file is empty; expected a header with the columns ${this.#columns.map((c) => `"${c.name}"`).join(', ')}`);
    }
  }

  #readHeader(names: string[], line: number): void {
    const positions: number[] = [];
    for (const column of this.#columns) {
      const position = names.indexOf(column.name);
      if (position === -1) {
        this.#fail(line, `column "${column.name}" is missing from the header (it has ${names.map((n) => `"${n}"`).join(', ')})`);
      }
      if (names.lastIndexOf(column.name) !== position) {
        this.#fail(line, `column "${column.name}" appears more than once in the header`);
      }
      positions.push(position);
    }
    this.#positions = positions;
    this.#width = names.length;
  }

  #badField(column: ColumnSpec, field: Field, line: number): never {
    if (field === null) return this.#fail(line, `column "${column.name}" is empty, but it is not nullable`);
    const shown = field.length > 60 ? `${JSON.stringify(field.slice(0, 57)).slice(0, -1)}..."` : JSON.stringify(field);
    return this.#fail(line, `column "${column.name}" must be ${kindNames[column.kind]}, got ${shown}`);
  }
}

/**
 * How many line feeds of `chunk` come before its first invalid UTF-8 byte.
 * Called only after decoding failed, to name the right line: decodes again,
 * one line at a time, starting with the character the previous chunk left
 * unfinished. (A line feed byte never occurs inside a multi-byte UTF-8
 * character, so lines can be decoded apart.)
 */
function linesBeforeInvalidUtf8(previous: Uint8Array | undefined, chunk: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  if (previous !== undefined) decoder.decode(unfinishedCharacter(previous), { stream: true });
  let lines = 0;
  let start = 0;
  for (;;) {
    const lineFeed = chunk.indexOf(LF, start);
    const end = lineFeed === -1 ? chunk.length : lineFeed + 1;
    try {
      decoder.decode(chunk.subarray(start, end), { stream: true });
    } catch {
      return lines;
    }
    if (lineFeed === -1) return lines;
    lines++;
    start = end;
  }
}

/** The bytes at the end of a chunk that begin a character it does not finish: what a streaming decoder carries over. */
function unfinishedCharacter(bytes: Uint8Array): Uint8Array {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: the lead byte is further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? bytes.subarray(bytes.length - back) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}
