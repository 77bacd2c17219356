import { scanLimit, tableBatches, type ScanOptions, type StoredAsset, type StoreResult } from '../core/io-manager.js';
import type { ColumnSpec } from '../core/row-schema.js';
import { Table, type CellValue, type Columns, type Row } from '../core/table.js';
import { checkStoredTable } from './check-stored-table.js';
import { FileIOManager, type FileSink } from './file-io-manager.js';

/** Cells of a columnar file's row group or record batch: one array per column of the asset, all of one length. */
export type ColumnBatch = Record<string, CellValue[]>;

/**
 * What the Parquet and Arrow IO managers share beyond `FileIOManager`: their
 * files are typed, so a table is checked whole before a byte is written
 * (`checkStoredTable`); and they are read in batches of columns (row groups,
 * record batches), which `load` appends into one table and `scan` turns into
 * rows one file batch at a time, so a scan holds no more than one. Subclasses
 * encode a table and decode batches only.
 */
export abstract class ColumnarFileIOManager extends FileIOManager {
  async store(asset: StoredAsset, table: Table<Row>): Promise<StoreResult> {
    checkStoredTable(table, asset.columns, asset.key);
    return this.writeAtomically(asset, table, (sink) => this.encode(sink, asset.columns, table));
  }

  async load(asset: StoredAsset): Promise<Table<Row>> {
    const cells: ColumnBatch = Object.fromEntries(asset.columns.map((column) => [column.name, []]));
    for await (const batch of this.batches(asset, Number.POSITIVE_INFINITY)) {
      for (const column of asset.columns) {
        const values = batch[column.name]!;
        const into = cells[column.name]!;
        for (let row = 0; row < values.length; row++) into.push(values[row]!);
      }
    }
    return Table.fromColumns(cells as Columns<Row>, asset.columns.map((column) => column.name));
  }

  async *scan(asset: StoredAsset, options?: ScanOptions): AsyncIterable<readonly Row[]> {
    const names = asset.columns.map((column) => column.name);
    for await (const batch of this.batches(asset, scanLimit(options))) {
      yield* tableBatches(Table.fromColumns(batch as Columns<Row>, names), Number.POSITIVE_INFINITY);
    }
  }

  /** Encodes the `columns` of `table` into `sink`, batch by batch. */
  protected abstract encode(sink: FileSink, columns: readonly ColumnSpec[], table: Table<Row>): Promise<void>;

  /** The file's batches as columns of cells, up to `limit` rows; the file is closed when the caller stops. */
  protected abstract batches(asset: StoredAsset, limit: number): AsyncGenerator<ColumnBatch>;
}
