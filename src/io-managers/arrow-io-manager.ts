import type { FileHandle } from 'node:fs/promises';
import {
  batchType,
  bool,
  Column,
  columnFromArray,
  Endianness,
  field,
  float64,
  int64,
  Table as ArrowTable,
  tableFromIPC,
  tableToIPC,
  utf8,
  Version,
  type DataType,
} from '@uwdata/flechette';
import { describeValue, rowLabel } from '../core/describe-value.js';
import { IOManagerError, StrataError } from '../core/errors.js';
import type { IOManager, StoredAsset } from '../core/io-manager.js';
import type { ColumnKind, ColumnSpec } from '../core/row-schema.js';
import type { CellValue, Row, Table } from '../core/table.js';
import { ColumnarFileIOManager, type ColumnBatch } from './columnar-file-io-manager.js';
import { readRange, reasonOf, rematerializeHint, type FileIOManagerOptions, type FileSink } from './file-io-manager.js';
import { describeStored } from './partition-naming.js';

export type ArrowIOManagerOptions = FileIOManagerOptions;

/** Rows per record batch: each is encoded and written, or read and decoded, on its own. */
export const ARROW_BATCH_ROWS = 100_000;

/** The Arrow type of each column kind: integers int64 (a safe integer needs 53 bits), text UTF-8. */
const ARROW_TYPES: Record<ColumnKind, () => DataType> = { integer: int64, number: float64, string: utf8, boolean: bool };

/** The end-of-stream marker: a continuation token and a zero metadata length. */
const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * Stores each asset as `<baseDir>/<key>.arrows` (a partition as
 * `<baseDir>/<key>/<partition>.arrows`), an Arrow IPC stream: the
 * format pyarrow (`pa.ipc.open_stream`), polars (`pl.read_ipc_stream`) and
 * DuckDB's arrow extension read without converting anything, so the fastest
 * way to hand a table to another process. Typed from the asset's zod schema
 * (int64, float64, utf8, bool; fields nullable only where the column is),
 * encoded and decoded with flechette.
 *
 * The stream form rather than the file form (Feather v2) because it is
 * written and read one record batch (`ARROW_BATCH_ROWS`) at a time, so a
 * 5M-row table is never one buffer; the file form needs a footer that
 * indexes every batch, which flechette writes only for a whole table in memory.
 * Atomic, content-hashed, checked whole before a byte is written and read
 * batch by batch (see `ColumnarFileIOManager`).
 *
 * @example
 * defineDefinitions({ assets, ioManagers: { default: new ArrowIOManager({ baseDir: 'output' }) } });
 */
export class ArrowIOManager extends ColumnarFileIOManager implements IOManager {
  readonly kind = 'arrow';

  constructor(options: ArrowIOManagerOptions = {}) {
    super('arrows', 'an Arrow file', options);
  }

  protected encode(sink: FileSink, columns: readonly ColumnSpec[], table: Table<Row>): Promise<void> {
    return writeArrowStream(sink, columns, table);
  }

  /** The stream's record batches as columns of cells, up to `limit` rows; the file is closed when the caller stops. */
  protected async *batches(asset: StoredAsset, limit: number): AsyncGenerator<ColumnBatch> {
    const { handle, path, size } = await this.openForRead(asset);
    const fail = (error: unknown): never => {
      if (error instanceof StrataError) throw error;
      throw new IOManagerError(`Cannot read ${path} as an Arrow IPC stream: ${reasonOf(error)}.`, { hint: rematerializeHint(asset), cause: error });
    };
    try {
      const messages = new MessageReader(handle, size);
      const schema = await messages.next().catch(fail);
      if (schema === undefined) fail(new Error('the stream has no schema'));
      let rows = 0;
      while (rows < limit) {
        const message = await messages.next().catch(fail);
        if (message === undefined) return;
        // Each batch is decoded as a stream of its own: the schema, that batch, the end.
        let decoded: ArrowTable;
        try {
          decoded = tableFromIPC([schema!, message, END_OF_STREAM]);
        } catch (error) {
          return fail(error);
        }
        const take = Math.min(decoded.numRows, limit - rows);
        if (take > 0) yield cellsOf(asset, path, decoded, take, rows);
        rows += decoded.numRows;
      }
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}

/** Encodes `table` as an Arrow IPC stream into `sink`, one record batch at a time. */
async function writeArrowStream(sink: FileSink, columns: readonly ColumnSpec[], table: Table<Row>): Promise<void> {
  const fields = columns.map((column) => field(column.name, ARROW_TYPES[column.kind](), column.nullable));
  const schema = { version: Version.V5, endianness: Endianness.Little, fields, metadata: null };
  // flechette encodes a whole stream (schema, batches, end): the schema is written once, first, and the end once, last.
  // Its length is that of a stream of no batch, less the end.
  const empty = fields.map((arrowField) => columnFromArray([], arrowField.type));
  const schemaBytes = tableToIPC(new ArrowTable(schema, empty), { format: 'stream' })!.length - END_OF_STREAM.length;
  let start = 0;
  do {
    const end = Math.min(table.numRows, start + ARROW_BATCH_ROWS);
    const children = columns.map((column, index) => {
      const values = table.column(column.name).slice(start, end);
      // An empty table's columns have no batch at all, as flechette builds them.
      return column.kind === 'string' && values.length > 0 ? utf8Column(values as (string | null)[]) : columnFromArray(values, fields[index]!.type);
    });
    // The encoder's pieces (each a fresh array) go to the file as they are, rather than copied into one buffer per batch first.
    const pieces: Uint8Array[] = [];
    tableToIPC(new ArrowTable(schema, children), { format: 'stream', sink: { write: (bytes: Uint8Array) => void pieces.push(bytes), pad: (count: number) => void pieces.push(new Uint8Array(count)), finish: () => null } });
    await writeRange(sink, pieces, start === 0 ? 0 : schemaBytes, END_OF_STREAM.length);
    start = end;
  } while (start < table.numRows);
  await sink.write(END_OF_STREAM);
}

/** Writes `pieces` as one run of bytes, less its first `skip` bytes and its last `drop`. */
async function writeRange(sink: FileSink, pieces: readonly Uint8Array[], skip: number, drop: number): Promise<void> {
  let from = skip;
  let left = pieces.reduce((total, piece) => total + piece.length, 0) - skip - drop;
  for (const piece of pieces) {
    if (left <= 0) return;
    if (from >= piece.length) {
      from -= piece.length;
      continue;
    }
    const part = piece.subarray(from, Math.min(piece.length, from + left));
    from = 0;
    left -= part.length;
    await sink.write(part);
  }
}

/**
 * A utf8 column of one batch, its bytes encoded in one go: flechette's own
 * builder encodes string by string (a `TextEncoder.encode` and an array each),
 * which made text the larger part of a store. Arrow's layout: int32 offsets
 * (n + 1), the UTF-8 bytes of the values one after another, and a validity
 * bitmap (bit set = present) when there are nulls. Strings are well-formed
 * (`checkStoredTable`), so their byte lengths are those of the encoding.
 */
function utf8Column(values: readonly (string | null)[]): Column<string> {
  const offsets = new Int32Array(values.length + 1);
  const validity = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  for (let row = 0; row < values.length; row++) {
    const value = values[row]!;
    if (value === null) nullCount++;
    else validity[row >> 3]! |= 1 << (row & 7);
    offsets[row + 1] = offsets[row]! + (value === null ? 0 : Buffer.byteLength(value, 'utf8'));
  }
  // Each string written in place: no array per string, and no joined string (V8 caps a string at 2^29 characters).
  const encoded = Buffer.allocUnsafe(offsets[values.length]!);
  for (let row = 0; row < values.length; row++) {
    const value = values[row]!;
    if (value !== null) encoded.write(value, offsets[row]!, 'utf8');
  }
  const type = utf8();
  const Utf8Batch = batchType(type);
  const batch = new Utf8Batch({
    length: values.length,
    nullCount,
    type,
    validity: nullCount > 0 ? validity : new Uint8Array(0),
    offsets,
    values: new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.length),
  });
  return new Column([batch]) as Column<string>;
}

/**
 * `Message.bodyLength` (the fourth field, an int64, default 0) of an IPC
 * message's flatbuffer metadata, read by hand so that the stream can be walked
 * message by message without decoding it. Arrow lays a message out as a
 * 0xFFFFFFFF continuation, the int32 length of the metadata, the metadata,
 * then a body of `bodyLength` bytes.
 */
function bodyLength(metadata: DataView): number {
  const table = metadata.getUint32(0, true);
  const vtable = table - metadata.getInt32(table, true);
  const vtableSize = metadata.getUint16(vtable, true);
  const entry = 4 + 2 * 3;
  if (entry >= vtableSize) return 0;
  const fieldOffset = metadata.getUint16(vtable + entry, true);
  return fieldOffset === 0 ? 0 : Number(metadata.getBigInt64(table + fieldOffset, true));
}

/** Reads an IPC stream's messages one at a time, each as its own bytes; `undefined` at the end of the stream. */
class MessageReader {
  #position = 0;
  readonly #handle: FileHandle;
  readonly #size: number;

  constructor(handle: FileHandle, size: number) {
    this.#handle = handle;
    this.#size = size;
  }

  async next(): Promise<Uint8Array | undefined> {
    if (this.#position >= this.#size) return undefined;
    const prefix = new Uint8Array(await readRange(this.#handle, this.#position, 8));
    const view = new DataView(prefix.buffer);
    if (view.getUint32(0, true) !== 0xffffffff) throw new Error(`no IPC message at byte ${this.#position}`);
    const metadataLength = view.getInt32(4, true);
    if (metadataLength === 0) return undefined;
    const metadata = new Uint8Array(await readRange(this.#handle, this.#position + 8, metadataLength));
    const body = bodyLength(new DataView(metadata.buffer));
    const message = new Uint8Array(8 + metadataLength + body);
    message.set(prefix, 0);
    message.set(metadata, 8);
    if (body > 0) message.set(new Uint8Array(await readRange(this.#handle, this.#position + 8 + metadataLength, body)), 8 + metadataLength);
    this.#position += message.length;
    return message;
  }
}

/** What a cell of each kind must be, for streams written by other tools too. */
const FITS: Record<ColumnKind, (value: CellValue) => boolean> = {
  integer: (value) => Number.isSafeInteger(value),
  number: (value) => typeof value === 'number',
  string: (value) => typeof value === 'string',
  boolean: (value) => typeof value === 'boolean',
};

/** The first `take` rows of a decoded batch (whose first row is row `first` of the stream) as cells, checked against the asset's columns. */
function cellsOf(asset: StoredAsset, path: string, decoded: ArrowTable, take: number, first: number): ColumnBatch {
  const columns: ColumnBatch = {};
  for (const column of asset.columns) {
    const child = decoded.getChild(column.name);
    if (child === undefined || child === null) {
      throw new IOManagerError(`Cannot load ${describeStored(asset)}: ${path} has no column "${column.name}".`, { hint: rematerializeHint(asset) });
    }
    const cells = new Array<CellValue>(take);
    for (let row = 0; row < take; row++) {
      const value = child.at(row) as unknown;
      cells[row] = typeof value === 'bigint' ? Number(value) : value === undefined ? null : (value as CellValue);
      const cell = cells[row]!;
      if (cell === null ? !column.nullable : !FITS[column.kind](cell)) {
        const expected = `${column.kind}${column.nullable ? ' or null' : ''}`;
        throw new IOManagerError(`Cannot load ${describeStored(asset)}: ${path} has ${describeValue(cell)} in ${rowLabel(first + row)} of column "${column.name}", which holds ${expected}.`, {
          hint: rematerializeHint(asset),
        });
      }
    }
    columns[column.name] = cells;
  }
  return columns;
}
