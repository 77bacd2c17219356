import { IOManagerError } from '../core/errors.js';
import { scanLimit, tableBatches, type IOManager, type ScanOptions, type StoredAsset, type StoreResult } from '../core/io-manager.js';
import { Table, type CellValue, type Row } from '../core/table.js';
import { csvDataVersion } from './csv-writer.js';
import { describeStored, materializeCommand, partitionSegments } from './partition-naming.js';

interface StoredTable {
  readonly table: Table<Row>;
  readonly dataVersion: string;
}

/**
 * Keeps tables in memory, for tests and throwaway runs: nothing survives the
 * process.
 *
 * It checks and versions a table exactly like `CsvIOManager`: the data
 * version is the sha256 of the same CSV serialization, so an equal table gets
 * the same version in both, and a table the CSV manager would reject is
 * rejected here too. `metadata` has `rows` and `columns` only: nothing is
 * written, so there is no path, and no byte count to report. Each partition
 * of a partitioned asset is a table of its own.
 *
 * @example
 * const io = new MemoryIOManager();
 * await io.store(asset, table);
 * (await io.load(asset)).numRows;
 */
export class MemoryIOManager implements IOManager {
  readonly kind = 'memory';
  /** Each process (and worker thread) has its own tables. */
  readonly visibility = 'process';
  readonly location = 'the memory of the process that runs';
  /** By `storedKey`: the asset's key, and its partition's. */
  readonly #tables = new Map<string, StoredTable>();

  async store(asset: StoredAsset, table: Table<Row>): Promise<StoreResult> {
    // Serializing also validates every value against its column (throwing a SchemaError).
    const dataVersion = csvDataVersion(table, asset.columns, asset.key);
    const columns = asset.columns.map((column) => column.name);
    // A copy, so that the caller mutating its arrays later cannot change what is stored.
    this.#tables.set(storedKey(asset), { table: copyColumns(table, columns), dataVersion });
    return { dataVersion, metadata: { rows: table.numRows, columns } };
  }

  async load(asset: StoredAsset): Promise<Table<Row>> {
    // A copy again: every load hands out fresh arrays, as a load from a file would.
    return copyColumns(
      this.#storedTable(asset),
      asset.columns.map((column) => column.name),
    );
  }

  async *scan(asset: StoredAsset, options?: ScanOptions): AsyncGenerator<Row[]> {
    const limit = scanLimit(options);
    const stored = this.#storedTable(asset);
    // The schema's columns over the stored arrays, not a copy: the rows are fresh objects, and only the first `limit` are made.
    const names = asset.columns.map((column) => column.name);
    const columns: Record<string, readonly CellValue[]> = {};
    for (const name of names) columns[name] = stored.column(name);
    yield* tableBatches(Table.fromColumns<Row>(columns, names), limit);
  }

  /** The stored table, checked to hold every column of the asset's schema. */
  #storedTable(asset: StoredAsset): Table<Row> {
    const stored = this.#tables.get(storedKey(asset))?.table;
    if (stored === undefined) {
      throw new IOManagerError(`Cannot load ${describeStored(asset)}: nothing is stored for it in memory.`, {
        hint: 'Materialize it first; the memory IO manager keeps tables only while the process runs.',
      });
    }
    const missing = asset.columns.filter((column) => !stored.columnNames.includes(column.name));
    if (missing.length > 0) {
      throw new IOManagerError(
        `Cannot load ${describeStored(asset)}: the stored table has no column ${missing.map((c) => `"${c.name}"`).join(', ')}.`,
        { hint: `Re-materialize the asset with \`${materializeCommand(asset)} --force\`.` },
      );
    }
    return stored;
  }

  async dataVersion(asset: StoredAsset): Promise<string | undefined> {
    // What is stored cannot change behind our back, so the version from `store` is still exact.
    return this.#tables.get(storedKey(asset))?.dataVersion;
  }

  async delete(asset: StoredAsset): Promise<boolean> {
    return this.#tables.delete(storedKey(asset));
  }
}

/**
 * One string per stored table, as JSON so that no asset key and partition
 * can spell another pair. A partition goes by the names the file and
 * Postgres managers store it under, so a key they reject (an empty one) is
 * rejected here too.
 */
function storedKey(asset: StoredAsset): string {
  return JSON.stringify(asset.partition === undefined ? [asset.key] : [asset.key, ...partitionSegments(asset.partition)]);
}

function copyColumns(table: Table<Row>, names: readonly string[]): Table<Row> {
  const columns: Record<string, CellValue[]> = {};
  for (const name of names) columns[name] = table.column(name).slice();
  return Table.fromColumns<Row>(columns, names);
}
