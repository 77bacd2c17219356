import type { PartitionKeyPart } from './partitions.js';
import type { ColumnSpec } from './row-schema.js';
import { Table, type CellValue, type Row } from './table.js';

/**
 * What an IO manager needs to know about the asset it stores: its key and the
 * columns it must read back (and coerce to) when loading.
 */
export interface StoredAsset {
  readonly key: string;
  readonly columns: readonly ColumnSpec[];
  /**
   * For a partitioned asset, the one partition to store, load, version or
   * delete: each partition is a table of its own. Undefined for an
   * unpartitioned asset.
   */
  readonly partition?: StoredPartition | undefined;
}

/** The partition an IO manager call is about: its key, and the key's dimensions for naming where it is stored. */
export interface StoredPartition {
  /** As users write it: `2026-01-05`, `2026-01-05|eu`. */
  readonly key: string;
  /** One unnamed part for a single-dimension key; one named part per dimension, in the key's order, for a multi-partition key. */
  readonly parts: readonly PartitionKeyPart[];
}

/** Facts about a stored table, recorded with its materialization. */
export interface OutputMetadata {
  readonly rows: number;
  readonly columns: readonly string[];
  readonly bytes?: number;
  readonly path?: string;
  /** The database table that holds it, schema-qualified, for IO managers that store in a database. */
  readonly table?: string;
  /** When the stored object was last modified (ms since the epoch), for IO managers that can tell. */
  readonly modifiedAtMs?: number;
  /** When its file last changed in any way (its change time, ms since the epoch), for IO managers that store files. */
  readonly changedAtMs?: number;
}

/** What the last materialization recorded about a stored table: the version `store` returned and its metadata. */
export interface RecordedOutput {
  readonly dataVersion: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface StoreResult {
  /** A content hash of exactly what was stored: equal tables give equal versions. */
  readonly dataVersion: string;
  readonly metadata: OutputMetadata;
}

/** Options of `IOManager.scan` and `scanStored`. */
export interface ScanOptions {
  /** Stop after this many rows (a non-negative integer); default: every row. */
  readonly limit?: number;
}

/**
 * How many rows a scan yields at once: enough that the cost of a batch (an
 * await, an array) vanishes next to its rows, few enough that a scan holds
 * little memory and a small `limit` reads little.
 */
export const SCAN_BATCH_ROWS = 4096;

/** Who can load what an IO manager stores: see `IOManager.visibility`. From the narrowest to the widest. */
export type IOManagerVisibility = 'process' | 'host' | 'cluster';

/** Visibilities from the narrowest to the widest, so that a wider one can stand in for a narrower one. */
export const IO_MANAGER_VISIBILITIES: readonly IOManagerVisibility[] = ['process', 'host', 'cluster'];

/** The visibility an IO manager declares, or `process` when it declares none (an IO manager written before the field existed). */
export function visibilityOf(manager: IOManager): IOManagerVisibility {
  return manager.visibility ?? 'process';
}

/**
 * Stores asset tables and reads them back. Lives in `core` because the
 * definitions name IO managers; implementations live in `src/io-managers`.
 *
 * Contract (checked by one shared test suite for every implementation):
 * - `store` replaces the previous table atomically: a crash leaves the old
 *   table or the new one, never a mix;
 * - `load` returns the columns of `asset.columns`, coerced to their kinds;
 * - `scan`, when there is one, yields the rows `load` would return, in the
 *   same order, in batches, and fails as `load` fails (the error surfaces on
 *   the first batch asked for);
 * - `dataVersion` is the version `store` returned for what is stored now
 *   (recomputed from the stored content unless `recorded` proves it
 *   unchanged), or `undefined` when nothing is stored.
 */
export interface IOManager {
  /** Short name of the storage kind (`csv`, `memory`, ...), used by `kind:` selections. */
  readonly kind: string;
  /**
   * Who can load what this IO manager stores, which decides the executors it
   * works with:
   * - `process`: only the process (and thread) that stored it, e.g. memory;
   * - `host`: any process on this machine, e.g. files on a local disk (the
   *   `workers` executor needs at least this);
   * - `cluster`: every worker on every host, e.g. a database, or files on a
   *   mount every worker sees (the work pool's queue executor needs this).
   *
   * Optional so that IO managers written before it keep compiling; left out,
   * it counts as `process`, the one claim that is never wrong (see
   * `visibilityOf`).
   */
  readonly visibility?: IOManagerVisibility;
  /** Where it stores tables, for people (`assets info`): a folder, a database schema. */
  readonly location?: string | undefined;
  store(asset: StoredAsset, table: Table<Row>): Promise<StoreResult>;
  load(asset: StoredAsset): Promise<Table<Row>>;
  /**
   * The stored rows, in stored order, in batches (of about `SCAN_BATCH_ROWS`),
   * coerced to `asset.columns` exactly as `load` coerces them, reading only as
   * far as the rows asked for: with `limit`, it stops there and releases its
   * file or connection at once, as it does when the caller stops iterating
   * early. Optional: callers use `scanStored`, which falls back to `load`.
   */
  scan?(asset: StoredAsset, options?: ScanOptions): AsyncIterable<readonly Row[]>;
  /**
   * `recorded`, when given, is what the last materialization recorded. An IO
   * manager may answer from it without reading the content when the stored
   * object provably has not changed since (the CSV manager: same size and
   * modification time), which keeps planning fast on large outputs.
   */
  dataVersion(asset: StoredAsset, recorded?: RecordedOutput): Promise<string | undefined>;
  /** Removes the stored table; returns whether there was one. */
  delete(asset: StoredAsset): Promise<boolean>;
}

/**
 * The stored rows of `asset`, in batches: through `manager.scan` when it has
 * one, else from `load` (the whole table read, then handed out in batches),
 * so callers never branch on the IO manager. A never-stored asset fails as
 * `load` fails, on the first batch.
 *
 * @example
 * for await (const batch of scanStored(io, asset, { limit: 20 })) for (const row of batch) print(row);
 */
export function scanStored(manager: IOManager, asset: StoredAsset, options: ScanOptions = {}): AsyncIterable<readonly Row[]> {
  const limit = scanLimit(options);
  if (manager.scan !== undefined) return manager.scan(asset, options);
  return (async function* () {
    yield* tableBatches(await manager.load(asset), limit);
  })();
}

/**
 * The `limit` of scan options as a number (`Infinity` when there is none),
 * for implementations of `scan`; throws a RangeError for anything but a
 * non-negative integer, which a caller must never pass (and a SQL
 * implementation must never put in a statement).
 */
export function scanLimit(options: ScanOptions | undefined): number {
  const limit = options?.limit;
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`scan: limit must be a non-negative integer, got ${String(limit)}`);
  return limit;
}

/** The first `limit` rows of a table as row objects, in batches of `SCAN_BATCH_ROWS`: a scan of a table already in memory. */
export function* tableBatches(table: Table<Row>, limit: number): Generator<Row[]> {
  const end = Math.min(limit, table.numRows);
  for (let start = 0; start < end; start += SCAN_BATCH_ROWS) {
    const batch: Row[] = [];
    for (let index = start; index < Math.min(start + SCAN_BATCH_ROWS, end); index++) batch.push(table.row(index));
    yield batch;
  }
}

/**
 * The stored rows of several partitions of `asset`, one after the other in
 * the order given, in batches (each partition through `scanStored`), reading
 * only as far as `limit` asks across them all: a range of daily partitions
 * streamed as one table. A partition never stored fails as `load` fails, when
 * the scan reaches it.
 *
 * @example
 * for await (const batch of scanPartitions(io, orders, week.map(partitionOf), { limit: 100 })) print(batch);
 */
export function scanPartitions(
  manager: IOManager,
  asset: Omit<StoredAsset, 'partition'>,
  partitions: readonly StoredPartition[],
  options: ScanOptions = {},
): AsyncIterable<readonly Row[]> {
  // Checked here rather than in the generator, so a bad limit throws at the call, as scanStored's does.
  const limit = scanLimit(options);
  return (async function* () {
    let left = limit;
    for (const partition of partitions) {
      if (left === 0) return;
      for await (const batch of scanStored(manager, { ...asset, partition }, Number.isFinite(left) ? { limit: left } : {})) {
        left -= batch.length;
        yield batch;
      }
    }
  })();
}

/**
 * Several partitions of `asset` loaded as one table, their rows in the order
 * of `partitions` (what a step that reads a range of upstream partitions gets
 * as its input); the partitions are loaded one at a time, so the first one
 * missing is the one the error names. No partitions: an empty table of the
 * asset's columns.
 */
export async function loadPartitions(manager: IOManager, asset: Omit<StoredAsset, 'partition'>, partitions: readonly StoredPartition[]): Promise<Table<Row>> {
  const names = asset.columns.map((column) => column.name);
  const tables: Table<Row>[] = [];
  for (const partition of partitions) tables.push(await manager.load({ ...asset, partition }));
  if (tables.length === 1) return tables[0]!;
  const columns: Record<string, CellValue[]> = {};
  for (const name of names) {
    const into: CellValue[] = [];
    // A loop rather than push(...values): spreading a column of millions of cells overflows the stack.
    for (const table of tables) for (const value of table.column(name)) into.push(value);
    columns[name] = into;
  }
  return Table.fromColumns<Row>(columns, names);
}
