import type { ColumnSpec } from './row-schema.js';
import type { Row, Table } from './table.js';

/**
 * What an IO manager needs to know about the asset it stores: its key and the
 * columns it must read back (and coerce to) when loading.
 */
export interface StoredAsset {
  readonly key: string;
  readonly columns: readonly ColumnSpec[];
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
   * `recorded`, when given, is what the last materialization recorded. An IO
   * manager may answer from it without reading the content when the stored
   * object provably has not changed since (the CSV manager: same size and
   * modification time), which keeps planning fast on large outputs.
   */
  dataVersion(asset: StoredAsset, recorded?: RecordedOutput): Promise<string | undefined>;
  /** Removes the stored table; returns whether there was one. */
  delete(asset: StoredAsset): Promise<boolean>;
}
