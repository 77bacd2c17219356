/**
 * An array of records as a message between threads costs far less to receive
 * as a few long strings and typed arrays than as objects: V8's deserializer
 * builds each object property by property, but copies a string of a million
 * characters in one go. `packRecords` turns records that all have the same
 * keys, in the same order, into columns; `unpackRecords` rebuilds equal
 * records on the receiving side.
 *
 * - a column of numbers is a `Float64Array` (every double, `-0` included,
 *   survives), whose buffer is transferred rather than copied;
 * - a column of strings is the values joined into pieces of about 16K
 *   characters, those whose characters all fit in one byte apart from the
 *   rest, plus each value's length (negated and less one for the second
 *   kind). Each value is then a slice of a piece, which V8 makes without
 *   copying characters. A slice keeps its whole piece alive, hence the
 *   pieces: longer strings would go to V8's large-object space, which only
 *   full collections free, so pieces of values that die young (text about to
 *   be cleaned) would pile up there; short pieces die in the young
 *   generation with them. Splitting by width keeps one-byte values one byte
 *   per character: a slice of a two-byte string is two bytes per character;
 * - any other column (booleans, nulls, nested objects, mixed kinds) is sent
 *   as its array of values.
 *
 * Records that are not plain objects with the same keys as the first (or
 * that have a `__proto__` key, which an assignment would not recreate) are
 * sent as they are.
 */
export type PackedRecords =
  | { readonly kind: 'records'; readonly records: readonly unknown[] }
  | { readonly kind: 'columns'; readonly count: number; readonly keys: readonly string[]; readonly columns: readonly PackedColumn[] };

export type PackedColumn =
  | { readonly kind: 'number'; readonly values: Float64Array }
  | { readonly kind: 'string'; readonly narrow: readonly string[]; readonly wide: readonly string[]; readonly lengths: Int32Array }
  | { readonly kind: 'values'; readonly values: readonly unknown[] };

/** Characters per piece of a string column: well under V8's large-object size (128 KiB) even at two bytes per character. */
const PIECE_CHARACTERS = 16 * 1024;

/** A character outside Latin-1, which makes V8 store a string two bytes per character. */
const WIDE = /[^\u0000-\u00ff]/;

/** Packs `records` for `postMessage`; `transfer` lists the buffers to move rather than copy. */
export function packRecords(records: readonly unknown[]): { packed: PackedRecords; transfer: ArrayBuffer[] } {
  const keys = sharedKeys(records);
  if (keys === undefined) return { packed: { kind: 'records', records }, transfer: [] };
  const columns: PackedColumn[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const key of keys) {
    const values = records.map((record) => (record as Record<string, unknown>)[key]);
    const column = packColumn(values);
    if (column.kind !== 'values') transfer.push((column.kind === 'number' ? column.values : column.lengths).buffer as ArrayBuffer);
    columns.push(column);
  }
  return { packed: { kind: 'columns', count: records.length, keys, columns }, transfer };
}

/** The records `packRecords` packed, equal to the originals (fresh objects, own properties in the same order). */
export function unpackRecords(packed: PackedRecords): unknown[] {
  if (packed.kind === 'records') return packed.records as unknown[];
  const { count, keys } = packed;
  const columns = packed.columns.map(unpackColumn);
  const records = new Array<unknown>(count);
  for (let row = 0; row < count; row++) {
    const record: Record<string, unknown> = {};
    for (let index = 0; index < keys.length; index++) record[keys[index]!] = columns[index]![row];
    records[row] = record;
  }
  return records;
}

/** The keys every record has, in the same order, or undefined when they differ (or a record is not a plain object). */
function sharedKeys(records: readonly unknown[]): string[] | undefined {
  const first = records[0];
  if (!isPlainObject(first)) return undefined;
  const keys = Object.keys(first);
  if (keys.includes('__proto__')) return undefined;
  for (const record of records) {
    if (!isPlainObject(record)) return undefined;
    let index = 0;
    for (const key in record) {
      if (key !== keys[index++]) return undefined;
    }
    if (index !== keys.length) return undefined;
  }
  return keys;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function packColumn(values: readonly unknown[]): PackedColumn {
  if (values.every((value) => typeof value === 'number')) return { kind: 'number', values: Float64Array.from(values as number[]) };
  if (!values.every((value) => typeof value === 'string')) return { kind: 'values', values };
  const lengths = new Int32Array(values.length);
  const narrow = new PieceJoiner();
  const wide = new PieceJoiner();
  for (let row = 0; row < values.length; row++) {
    const text = values[row] as string;
    if (WIDE.test(text)) {
      wide.add(text);
      lengths[row] = -text.length - 1;
    } else {
      narrow.add(text);
      lengths[row] = text.length;
    }
  }
  return { kind: 'string', narrow: narrow.finish(), wide: wide.finish(), lengths };
}

/** Joins strings into pieces of about `PIECE_CHARACTERS`, each ending at the end of a value. */
class PieceJoiner {
  readonly #pieces: string[] = [];
  #pending: string[] = [];
  #characters = 0;

  add(text: string): void {
    this.#pending.push(text);
    this.#characters += text.length;
    if (this.#characters >= PIECE_CHARACTERS) this.#flush();
  }

  finish(): string[] {
    if (this.#pending.length > 0) this.#flush();
    return this.#pieces;
  }

  #flush(): void {
    this.#pieces.push(this.#pending.join(''));
    this.#pending = [];
    this.#characters = 0;
  }
}

/** Hands out the values of one kind of a string column, in order, as slices of its pieces. */
class PieceReader {
  #piece = 0;
  #text: string;
  #at = 0;

  constructor(private readonly pieces: readonly string[]) {
    this.#text = pieces[0] ?? '';
  }

  next(length: number): string {
    // Pieces end at the end of a value, so a value that does not fit in the rest of this piece starts the next one.
    if (this.#at + length > this.#text.length) {
      this.#text = this.pieces[++this.#piece]!;
      this.#at = 0;
    }
    const value = this.#text.slice(this.#at, this.#at + length);
    this.#at += length;
    return value;
  }
}

function unpackColumn(column: PackedColumn): ArrayLike<unknown> {
  if (column.kind !== 'string') return column.values;
  const { lengths } = column;
  const narrow = new PieceReader(column.narrow);
  const wide = new PieceReader(column.wide);
  const values = new Array<string>(lengths.length);
  for (let row = 0; row < lengths.length; row++) {
    const length = lengths[row]!;
    values[row] = length >= 0 ? narrow.next(length) : wide.next(-length - 1);
  }
  return values;
}
