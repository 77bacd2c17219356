import type { ReadStream } from 'node:fs';
import { IOManagerError, StrataError } from '../core/errors.js';
import { scanLimit, type IOManager, type ScanOptions, type StoredAsset, type StoreResult } from '../core/io-manager.js';
import type { Row, Table } from '../core/table.js';
import { threadBudget } from '../parallel/thread-budget.js';
import { readCsvRows, readCsvTable, type CsvSource } from './csv-reader.js';
import { encodeCsv } from './csv-writer.js';
import { FileIOManager, READ_CHUNK_BYTES, reasonOf, rematerializeHint, type FileIOManagerOptions } from './file-io-manager.js';

export type CsvIOManagerOptions = FileIOManagerOptions;

/**
 * Tables of at least this many cells are hashed and written in a worker
 * thread when the work may use two threads (`threadBudget()`): the sha256 of
 * a file of gigabytes is seconds of CPU, which then run beside the encoding
 * rather than after each chunk. Smaller tables are not worth a worker's
 * start (~30 ms).
 */
const WORKER_HASH_CELLS = 1 << 20;

/**
 * Stores each asset as `<baseDir>/<key>.csv` (RFC 4180, UTF-8, header of the
 * schema's columns), and each partition of a partitioned asset as
 * `<baseDir>/<key>/<partition>.csv` (see `FileIOManager.pathOf`). The data version is the hex sha256 of the file's bytes,
 * so editing the file by hand changes it and the planner notices.
 *
 * Writes are atomic (see `FileIOManager`): the table goes to a temp file in
 * the same folder, which is fsynced and then renamed over the target, so a
 * failed or interrupted store leaves the previous file as it was. Rows are
 * serialized, hashed and written in chunks, and loads are parsed chunk by
 * chunk: memory stays flat whatever the number of rows.
 *
 * @example
 * const io = new CsvIOManager({ baseDir: 'output' });
 * const { dataVersion } = await io.store(ordersAsset, table); // writes output/orders.csv
 */
export class CsvIOManager extends FileIOManager implements IOManager {
  readonly kind = 'csv';

  constructor(options: CsvIOManagerOptions = {}) {
    super('csv', 'a CSV file', options);
  }

  async store(asset: StoredAsset, table: Table<Row>): Promise<StoreResult> {
    const inWorker = table.numRows * asset.columns.length >= WORKER_HASH_CELLS && threadBudget() > 1;
    return this.writeAtomically(asset, table, async (sink) => {
      // One write is in flight while the next chunk is serialized: the file
      // system works on a thread of its own meanwhile, and awaiting that write
      // before handing out another is the backpressure (at most two chunks held).
      let writing: Promise<void> | undefined;
      try {
        for (const chunk of encodeCsv(table, asset.columns, asset.key, sink.allocate)) {
          await writing;
          writing = sink.write(chunk);
        }
      } catch (error) {
        // The handle is closed only once the write in flight settled; the encoder's error is the one to report.
        await writing?.catch(() => undefined);
        throw error;
      }
      await writing;
    }, { inWorker });
  }

  async load(asset: StoredAsset): Promise<Table<Row>> {
    const { stream, source } = await this.#openForReading(asset);
    try {
      return await readCsvTable(stream, asset.columns, source);
    } catch (error) {
      throw readError(error, source);
    }
  }

  /** Reads the file only as far as the rows asked for: `limit: 20` of a file of millions of rows returns at once. */
  async *scan(asset: StoredAsset, options?: ScanOptions): AsyncGenerator<Row[]> {
    const limit = scanLimit(options);
    const { stream, source } = await this.#openForReading(asset);
    try {
      yield* readCsvRows(stream, asset.columns, source, limit);
    } catch (error) {
      throw readError(error, source);
    } finally {
      // Stopping early (the limit, or a caller that stops iterating) closes the file now, not when the stream is collected.
      stream.destroy();
    }
  }

  /** Opens an asset's file as a stream, or throws what a load of a missing or unreadable file throws. */
  async #openForReading(asset: StoredAsset): Promise<{ stream: ReadStream; source: CsvSource }> {
    // A CSV file is text: a hand edit can repair it.
    const hint = rematerializeHint(asset, 'fix the file');
    const { handle, path } = await this.openForRead(asset, hint);
    // The stream closes the handle when it ends, fails or is destroyed.
    return { stream: handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES }), source: { path, hint } };
  }
}

/** A read that failed: the reader's own errors as they are, anything else (a disk error) as an IOManagerError naming the file. */
function readError(error: unknown, source: CsvSource): StrataError {
  if (error instanceof StrataError) return error;
  return new IOManagerError(`Cannot read ${source.path}: ${reasonOf(error)}.`, { hint: source.hint, cause: error });
}
