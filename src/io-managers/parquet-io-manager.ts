import type { FileHandle } from 'node:fs/promises';
// Types only: hyparquet and hyparquet-writer are imported where a file is read or written (see `ParquetIOManager`).
import type { AsyncBuffer, FileMetaData, parquetRead, SchemaElement } from 'hyparquet';
import { rowLabel } from '../core/describe-value.js';
import { IOManagerError, StrataError } from '../core/errors.js';
import type { IOManager, StoredAsset } from '../core/io-manager.js';
import type { ColumnKind, ColumnSpec } from '../core/row-schema.js';
import type { CellValue, Row, Table } from '../core/table.js';
import { ColumnarFileIOManager, type ColumnBatch } from './columnar-file-io-manager.js';
import { readRange, reasonOf, rematerializeHint, type FileIOManagerOptions, type FileSink } from './file-io-manager.js';
import { describeStored } from './partition-naming.js';

export type ParquetIOManagerOptions = FileIOManagerOptions;

/**
 * Rows per row group: each is encoded, written and dropped before the next,
 * and read back one at a time, so a 5M-row table never sits in the file's
 * format whole. About DuckDB's own default (122,880), which readers handle well.
 */
export const PARQUET_ROW_GROUP_ROWS = 100_000;

/** The Parquet type of each column kind: integers are INT64 (a safe integer needs 53 bits), text UTF-8. */
const PHYSICAL: Record<ColumnKind, Pick<SchemaElement, 'type' | 'converted_type'>> = {
  integer: { type: 'INT64' },
  number: { type: 'DOUBLE' },
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  boolean: { type: 'BOOLEAN' },
};

/** Physical types a column of each kind may be read from, for files written by other tools too. */
const READABLE: Record<ColumnKind, readonly string[]> = {
  integer: ['INT32', 'INT64'],
  number: ['DOUBLE', 'FLOAT', 'INT32', 'INT64'],
  string: ['BYTE_ARRAY'],
  boolean: ['BOOLEAN'],
};

/**
 * Stores each asset as `<baseDir>/<key>.parquet` (a partition as
 * `<baseDir>/<key>/<partition>.parquet`), the columnar file DuckDB,
 * pandas, polars and Spark read directly. The Parquet schema comes from the
 * asset's zod schema (integer INT64, number DOUBLE, string UTF-8, boolean
 * BOOLEAN; nullable columns OPTIONAL, the others REQUIRED); pages are
 * Snappy-compressed, with min/max statistics on every column but text
 * (statistics on every column cost a quarter of the write, and text's are
 * truncated to 16 bytes, so they seldom let a reader skip a row group).
 *
 * Atomic, content-hashed, checked whole before a byte is written and
 * streamed both ways row group by row group (see `ColumnarFileIOManager`,
 * `PARQUET_ROW_GROUP_ROWS`).
 * Written with hyparquet-writer and read with hyparquet: plain JavaScript,
 * nothing to download at install, and measured ahead of parquet-wasm, which
 * reads only a whole file at once (README, "Dataframes and columnar files").
 * Both are imported on first use: every project loads this class with
 * `strata-assets`, and their 51 modules added about 60 ms to the start of
 * every command, Parquet or not.
 *
 * @example
 * defineDefinitions({ assets, ioManagers: { default: new ParquetIOManager({ baseDir: 'output' }) } });
 */
export class ParquetIOManager extends ColumnarFileIOManager implements IOManager {
  readonly kind = 'parquet';

  constructor(options: ParquetIOManagerOptions = {}) {
    super('parquet', 'a Parquet file', options);
  }

  protected encode(sink: FileSink, columns: readonly ColumnSpec[], table: Table<Row>): Promise<void> {
    return writeParquet(sink, columns, table);
  }

  /** The file's row groups as columns of cells, up to `limit` rows; the file is closed when the caller stops. */
  protected async *batches(asset: StoredAsset, limit: number): AsyncGenerator<ColumnBatch> {
    const { handle, path, size } = await this.openForRead(asset);
    const fail = (error: unknown): never => {
      if (error instanceof StrataError) throw error;
      throw new IOManagerError(`Cannot read ${path} as Parquet: ${reasonOf(error)}.`, { hint: rematerializeHint(asset), cause: error });
    };
    try {
      const { parquetMetadataAsync, parquetRead } = await import('hyparquet');
      const file = fileBuffer(handle, size);
      const metadata = await parquetMetadataAsync(file).catch(fail);
      const elements = checkSchema(asset, path, metadata);
      let start = 0;
      for (const group of metadata.row_groups) {
        if (start >= limit) return;
        const groupRows = Number(group.num_rows);
        const end = Math.min(start + groupRows, limit);
        if (end > start) yield await readRowGroup(parquetRead, asset, path, file, metadata, elements, start, end).catch(fail);
        start += groupRows;
      }
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}

/** Encodes `table` as Parquet into `sink`, one row group at a time. */
async function writeParquet(sink: FileSink, columns: readonly ColumnSpec[], table: Table<Row>): Promise<void> {
  const { ByteWriter, ParquetWriter } = await import('hyparquet-writer');
  const writer = new ByteWriter();
  // The writer calls flush after each row group and finish at the end: both hand what it holds to the file and start over.
  const flush = async () => {
    await sink.write(new Uint8Array(writer.buffer, 0, writer.index));
    writer.index = 0;
  };
  Object.assign(writer, { flush, finish: flush });
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map((column): SchemaElement => ({ name: column.name, repetition_type: column.nullable ? 'OPTIONAL' : 'REQUIRED', ...PHYSICAL[column.kind] })),
  ];
  const parquet = new ParquetWriter({ writer, schema, createdBy: 'strata-assets (hyparquet-writer)' });
  for (let start = 0; start < table.numRows; start += PARQUET_ROW_GROUP_ROWS) {
    const end = Math.min(table.numRows, start + PARQUET_ROW_GROUP_ROWS);
    const columnData = columns.map((column) => {
      const values = table.column(column.name).slice(start, end);
      // The writer takes INT64 values as bigints only.
      const data = column.kind === 'integer' ? values.map((value) => (value === null ? null : BigInt(value as number))) : values;
      return { name: column.name, data, statistics: column.kind !== 'string' };
    });
    await parquet.write({ columnData, rowGroupSize: end - start });
  }
  await parquet.finish();
}

/** The schema elements of the asset's columns, in its order, or an error naming what the file lacks. */
function checkSchema(asset: StoredAsset, path: string, metadata: FileMetaData): SchemaElement[] {
  // Flat files only: the root's children are the columns.
  const byName = new Map(metadata.schema.slice(1).map((element) => [element.name, element]));
  return asset.columns.map((column) => {
    const element = byName.get(column.name);
    if (element === undefined || element.type === undefined || !READABLE[column.kind].includes(element.type)) {
      const found = element === undefined ? 'no such column' : `a column of type ${element.type ?? 'group'}`;
      throw new IOManagerError(`Cannot load ${describeStored(asset)}: ${path} has ${found} for column "${column.name}" (${column.kind}).`, { hint: rematerializeHint(asset) });
    }
    return element;
  });
}

/** Rows `start` (inclusive) to `end` (exclusive) of one row group, as columns of cells; `read` is hyparquet's, imported once per file. */
async function readRowGroup(
  read: typeof parquetRead,
  asset: StoredAsset,
  path: string,
  file: AsyncBuffer,
  metadata: FileMetaData,
  elements: readonly SchemaElement[],
  start: number,
  end: number,
): Promise<ColumnBatch> {
  const columns: ColumnBatch = Object.fromEntries(asset.columns.map((column) => [column.name, new Array<CellValue>(end - start)]));
  await read({
    file,
    metadata,
    rowStart: start,
    rowEnd: end,
    columns: asset.columns.map((column) => column.name),
    // Chunks may reach past the rows asked for: only those inside are kept, each at its own row.
    onChunk: ({ columnName, columnData, rowStart }) => {
      const into = columns[columnName]!;
      const from = Math.max(start, rowStart);
      const to = Math.min(end, rowStart + columnData.length);
      for (let row = from; row < to; row++) into[row - start] = toCell(columnData[row - rowStart]);
    },
  });
  asset.columns.forEach((column, index) => {
    // A REQUIRED column cannot hold nulls; an OPTIONAL one (as other tools write) is checked against the schema.
    if (column.nullable || elements[index]!.repetition_type === 'REQUIRED') return;
    const row = columns[column.name]!.indexOf(null);
    if (row >= 0) {
      throw new IOManagerError(`Cannot load ${describeStored(asset)}: ${path} has null in ${rowLabel(start + row)} of column "${column.name}", which is not nullable.`, { hint: rematerializeHint(asset) });
    }
  });
  return columns;
}

/** A Parquet value as a cell: 64-bit integers come back as bigints. */
function toCell(value: unknown): CellValue {
  if (value === undefined) return null;
  return typeof value === 'bigint' ? Number(value) : (value as CellValue);
}

/** The file as hyparquet reads it: ranges read on demand through one open handle. */
function fileBuffer(handle: FileHandle, size: number): AsyncBuffer {
  return { byteLength: size, slice: (start, end = size) => readRange(handle, start, end - start) };
}
