import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { IOManagerError } from '../core/errors.js';
import { scanLimit, type IOManager, type ScanOptions, type StoredAsset, type StoreResult } from '../core/io-manager.js';
import type { Row, Table } from '../core/table.js';
import { sqlState, surviveDisconnects } from '../core/postgres-disconnects.js';
import { readCsvRows, readCsvTable, type CsvSource } from './csv-reader.js';
import { csvDataVersion, encodeCsv } from './csv-writer.js';
import { postgresColumnDefinitions, postgresColumnOutputs } from './postgres-columns.js';
import { cannot, postgresFailure, type PostgresAction } from './postgres-failure.js';
import { materializeCommand, partitionSegments, shortenName } from './partition-naming.js';
import { MAX_POSTGRES_NAME_BYTES, quotePostgresName } from './postgres-name.js';

export interface PostgresIOManagerOptions {
  /**
   * A `postgres://user:password@host:port/database` URL (or any string `pg`
   * accepts). Default `$STRATA_DATABASE_URL`, read at construction: the
   * database of a Postgres instance, which every worker of the work pool
   * already reaches.
   */
  readonly connectionString?: string;
  /** The schema that holds the tables, created on the first store; default `strata_assets`. */
  readonly schema?: string;
  /** The most connections this process opens at once; default 4 (every worker process opens its own). */
  readonly maxConnections?: number;
}

/** The schema used when the options name none. */
const DEFAULT_ASSET_SCHEMA = 'strata_assets';
const DEFAULT_MAX_CONNECTIONS = 4;
const CONNECT_TIMEOUT_MS = 30_000;

/**
 * Names of Strata's own objects in the schema. Asset keys start with a
 * letter, so these can never be an asset's table.
 */
const VERSIONS_TABLE = '_strata_versions';
const FORGET_VERSION = '_strata_forget_version';
const STAGING_PREFIX = '_strata_staging_';
const RESERVED_PREFIX = '_strata_';

/**
 * pg and pg-copy-streams, imported on first use: this module loads with the
 * public API (so with every command), and importing pg costs ~85 ms of
 * start-up that projects without Postgres never need.
 */
interface Drivers {
  readonly pg: typeof pg;
  readonly copy: typeof import('pg-copy-streams');
}
let drivers: Promise<Drivers> | undefined;

/**
 * Stores each asset as a table named after its key in a schema of its own
 * (default `strata_assets`), with a Postgres column per schema column (text,
 * bigint, double precision, boolean; `NOT NULL` unless nullable). A
 * partitioned asset has a table per partition, `<key>/<partition>` (see
 * `tableOf`), stored, versioned, read and dropped exactly as an asset's
 * table is: one table per partition rather than one table with a partition
 * column, so that replacing a partition is the same atomic swap, a reader of
 * one partition reads nothing else, a changed schema needs no migration of
 * the other partitions, and the version triggers watch each partition. Every
 * worker on every host that reaches the database sees the same tables, so it
 * works with every executor, the work pool's queue included.
 *
 * `store` streams the rows with `COPY ... FROM STDIN` in CSV, as the CSV
 * codec writes them (so a value the CSV manager would reject is rejected
 * here too, and equal tables get the same data version in both), into a new
 * table that replaces the old one in the same transaction: readers and a
 * crash see the previous table or the new one, never a part, and a store
 * that fails leaves the previous table and its version as they were.
 *
 * The data version (the sha256 of the CSV sent) is kept in the schema's
 * `_strata_versions` table, written in the transaction that swaps the table
 * in, so `dataVersion` answers with one query. A statement trigger on every
 * asset table forgets the version when anything (a person, another tool)
 * inserts, updates, deletes or truncates rows, and the version is also tied
 * to the table's identity, storage and columns (so a table dropped and
 * created again, rewritten by `ALTER TABLE`, or whose columns were renamed,
 * dropped or added, is not trusted either): the table is then
 * read and hashed as the CSV codec would write it, and the planner sees
 * `output-modified`. Changes made with triggers off (`session_replication_role
 * = replica`, as logical replication applies them) are not noticed.
 *
 * Hazard for other SQL reading the tables: a query that waits for a swap
 * reads the new table with a snapshot taken before it was filled, and sees it
 * empty (Postgres resolves the name again after the wait, but keeps the
 * snapshot). Loads here lock the table first and read in a new statement;
 * readers outside Strata that cannot tolerate it should do the same (`BEGIN;
 * LOCK TABLE ... IN ACCESS SHARE MODE; SELECT ...`).
 *
 * Connections are opened on first use; a connection string that is missing
 * is reported then, so commands that never touch the tables (`assets list`)
 * work without one.
 *
 * @example
 * const warehouse = new PostgresIOManager({ schema: 'analytics' }); // $STRATA_DATABASE_URL
 * export default defineDefinitions({ assets, ioManagers: { default: warehouse } });
 */
export class PostgresIOManager implements IOManager {
  readonly kind = 'postgres';
  readonly visibility = 'cluster';
  /** The schema that holds the tables. */
  readonly schema: string;
  /** The database (password redacted) and schema, for people. */
  readonly location: string;

  readonly #connectionString: string | undefined;
  readonly #maxConnections: number;
  readonly #quotedSchema: string;
  #pool: Promise<pg.Pool> | undefined;
  #schemaReady: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Connections whose session settings were made (see `#connect`); pg hands out the same client objects again. */
  readonly #prepared = new WeakSet<pg.PoolClient>();

  constructor(options: PostgresIOManagerOptions = {}) {
    // An empty STRATA_DATABASE_URL counts as unset.
    this.#connectionString = options.connectionString ?? (process.env.STRATA_DATABASE_URL || undefined);
    this.schema = options.schema ?? DEFAULT_ASSET_SCHEMA;
    this.#quotedSchema = quotePostgresName(this.schema, 'schema name');
    this.#maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    if (!Number.isInteger(this.#maxConnections) || this.#maxConnections < 1) {
      throw new IOManagerError(`PostgresIOManager: maxConnections must be a positive integer, got ${this.#maxConnections}.`, {
        hint: `Leave it out for ${DEFAULT_MAX_CONNECTIONS}.`,
      });
    }
    this.location = `${describeDatabase(this.#connectionString)} (schema "${this.schema}")`;
  }

  /**
   * The schema-qualified table that holds an asset, or its partition, as
   * people write it: `strata_assets.customers`; `strata_assets.orders_daily/2026-01-05`,
   * `strata_assets.sales/date=2026-01-05/region=eu` (quote the name in SQL:
   * `"orders_daily/2026-01-05"`). Partition keys are percent-encoded as in
   * file names (`encodePartitionText`), and a name past Postgres's 63 bytes
   * ends in `~` and a hash of the whole instead.
   */
  tableOf(asset: Pick<StoredAsset, 'key' | 'partition'>): string {
    return `${this.schema}.${tableName(asset)}`;
  }

  async store(asset: StoredAsset, table: Table<Row>): Promise<StoreResult> {
    const target = this.#quotedTable(asset);
    const staging = `${this.#quotedSchema}.${quotePostgresName(`${STAGING_PREFIX}${randomBytes(8).toString('hex')}`, 'table name')}`;
    const columns = asset.columns.map((column) => quotePostgresName(column.name, 'column name')).join(', ');
    const definitions = postgresColumnDefinitions(asset.columns);
    const action: PostgresAction = { verb: 'store', asset, location: this.location };
    await this.#ensureSchema(action);
    const storing = this.#transaction(action, async (client, { copy }) => {
      // Everything happens in one transaction: the new table is invisible to
      // others until the commit that also drops the old one, and a failure or
      // a crash anywhere before it leaves nothing behind.
      await client.query(`CREATE TABLE ${staging} (${definitions})`);
      const hash = createHash('sha256');
      let bytes = 0;
      function* chunks(): Generator<Buffer> {
        for (const chunk of encodeCsv(table, asset.columns, asset.key)) {
          hash.update(chunk);
          bytes += chunk.length;
          // A copy: the codec reuses its buffers, and the socket may still hold a chunk written earlier.
          yield Buffer.from(chunk);
        }
      }
      const copying = client.query(copy.from(`COPY ${staging} (${columns}) FROM STDIN WITH (FORMAT csv, HEADER true)`));
      // One chunk in hand at a time; a codec error (a SchemaError) aborts the COPY, which the rollback then undoes.
      await pipeline(Readable.from(chunks(), { highWaterMark: 1 }), copying);
      if (copying.rowCount !== table.numRows) {
        throw new IOManagerError(
          `${cannot(action)} in ${this.location}: Postgres took ${copying.rowCount} of ${table.numRows} rows. Nothing was stored.`,
          {
            hint:
              'Postgres before 18 ends a CSV COPY at a line holding only \\. (a one-column table with the value "\\."): ' +
              'upgrade Postgres, or add a column to the asset.',
          },
        );
      }
      const dataVersion = hash.digest('hex');
      await this.#refuseForeignTable(client, asset, target, action);
      await client.query(`DROP TABLE IF EXISTS ${target}`);
      await client.query(`ALTER TABLE ${staging} RENAME TO ${quotePostgresName(tableName(asset), 'asset key')}`);
      await client.query(
        `CREATE TRIGGER ${FORGET_VERSION} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${target}
         FOR EACH STATEMENT EXECUTE FUNCTION ${this.#quotedSchema}.${FORGET_VERSION}()`,
      );
      await client.query(
        `INSERT INTO ${this.#quotedSchema}.${VERSIONS_TABLE} (asset, table_oid, filenode, columns, data_version)
         VALUES ($1, to_regclass($2), pg_relation_filenode(to_regclass($2)), ${COLUMNS_OF('to_regclass($2)')}, $3)
         ON CONFLICT (asset) DO UPDATE SET table_oid = excluded.table_oid, filenode = excluded.filenode, columns = excluded.columns, data_version = excluded.data_version`,
        [tableName(asset), target, dataVersion],
      );
      return {
        dataVersion,
        metadata: { rows: table.numRows, columns: asset.columns.map((column) => column.name), bytes, table: this.tableOf(asset) },
      };
    });
    return storing.catch((error: unknown) => {
      // The schema, the versions table or the trigger function was dropped since
      // this manager created them: the next store (a retry) creates them again.
      if (SETUP_GONE.has(sqlState((error as Error).cause) ?? '')) this.#schemaReady = undefined;
      throw error;
    });
  }

  async load(asset: StoredAsset): Promise<Table<Row>> {
    const action: PostgresAction = { verb: 'load', asset, location: this.location };
    return this.#read(asset, action);
  }

  /** With a `limit`, the query asks Postgres for that many rows only; stopping early drops the connection (see `#copyOut`). */
  async *scan(asset: StoredAsset, options?: ScanOptions): AsyncGenerator<Row[]> {
    const limit = scanLimit(options);
    const action: PostgresAction = { verb: 'load', asset, location: this.location };
    // The reader gets no limit: the query has it, and the COPY must be read to its end for the connection to be reused.
    yield* this.#copyOut(asset, action, limit, (chunks, source) => readCsvRows(chunks, asset.columns, source, Number.POSITIVE_INFINITY));
  }

  async dataVersion(asset: StoredAsset): Promise<string | undefined> {
    const action: PostgresAction = { verb: 'version', asset, location: this.location };
    const target = this.#quotedTable(asset);
    const [recorded] = await this.#query<{ data_version: string }>(
      action,
      `SELECT v.data_version FROM ${this.#quotedSchema}.${VERSIONS_TABLE} v
       WHERE v.asset = $1 AND v.table_oid = to_regclass($2) AND v.filenode = pg_relation_filenode(v.table_oid) AND v.columns = ${COLUMNS_OF('v.table_oid')}`,
      [tableName(asset), target],
      // No versions table: nothing was ever stored through Strata in this schema. No `columns` column: the
      // table was made by an older Strata, which adds it on its next store; until then the tables are hashed.
      () => [],
    );
    if (recorded !== undefined) return recorded.data_version;
    const [exists] = await this.#query<{ oid: number | null }>(action, 'SELECT to_regclass($1)::oid AS oid', [target]);
    if (exists?.oid === null || exists?.oid === undefined) return undefined;
    // Changed (or created) outside Strata: hash what is there, as `store` would have hashed it.
    return csvDataVersion(await this.#read(asset, action), asset.columns, asset.key);
  }

  async delete(asset: StoredAsset): Promise<boolean> {
    const target = this.#quotedTable(asset);
    const action: PostgresAction = { verb: 'delete', asset, location: this.location };
    return this.#transaction(action, async (client) => {
      const found = await client.query<{ table_oid: number | null; versions_oid: number | null }>(
        'SELECT to_regclass($1)::oid AS table_oid, to_regclass($2)::oid AS versions_oid',
        [target, `${this.#quotedSchema}.${VERSIONS_TABLE}`],
      );
      const { table_oid: table, versions_oid: versions } = found.rows[0]!;
      if (table === null) return false;
      await client.query(`DROP TABLE ${target}`);
      if (versions !== null) await client.query(`DELETE FROM ${this.#quotedSchema}.${VERSIONS_TABLE} WHERE asset = $1`, [tableName(asset)]);
      return true;
    });
  }

  /**
   * Closes this manager's connections. Optional: idle connections do not keep
   * the process alive, so a command ends on its own without it; tests and
   * long-running processes that are done with the manager call it.
   */
  async close(): Promise<void> {
    const pool = this.#pool;
    if (pool === undefined) return;
    // Every caller awaits the one end: pg refuses to end a pool twice.
    this.#closing ??= pool.then((opened) => opened.end(), () => undefined);
    await this.#closing;
  }

  /** Reads the whole table (see `#copyOut`) and parses it with the CSV reader, coercing each column to its kind. */
  async #read(asset: StoredAsset, action: PostgresAction): Promise<Table<Row>> {
    let table: Table<Row> | undefined;
    const reading = this.#copyOut(asset, action, Number.POSITIVE_INFINITY, async function* (chunks, source) {
      yield await readCsvTable(chunks, asset.columns, source);
    });
    for await (const read of reading) table = read;
    return table!;
  }

  /**
   * Streams the first `limit` rows of the table out with `COPY ... TO STDOUT`
   * in CSV, and yields what `parse` makes of them. A caller that stops
   * iterating before the end leaves the connection inside the COPY: it is
   * dropped, not handed to the next caller.
   */
  async *#copyOut<T>(
    asset: StoredAsset,
    action: PostgresAction,
    limit: number,
    parse: (chunks: AsyncIterable<Uint8Array>, source: CsvSource) => AsyncIterable<T>,
  ): AsyncGenerator<T> {
    const target = this.#quotedTable(asset);
    const where = `table ${this.tableOf(asset)} in ${this.location}`;
    const hint = `Re-materialize the asset with \`${materializeCommand(asset)} --force\`, or fix the table.`;
    const { copy } = await loadDrivers();
    const client = await this.#connect(action);
    let done = false;
    try {
      // A statement's snapshot is taken before it waits for its locks, so a
      // COPY that waited for a store's swap would read the new table with a
      // snapshot from before it was filled, and see it empty. Locking first,
      // then reading in a statement of its own (a new snapshot, under READ
      // COMMITTED), sees the committed table whole; the lock keeps the next
      // swap out until the read is done.
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      await client.query(`LOCK TABLE ${target} IN ACCESS SHARE MODE`);
      // `limit` is a checked integer (see `scanLimit`): COPY takes no parameters.
      const limited = Number.isFinite(limit) ? ` LIMIT ${limit}` : '';
      const rows = client.query(
        copy.to(`COPY (SELECT ${postgresColumnOutputs(asset.columns)} FROM ${target}${limited}) TO STDOUT WITH (FORMAT csv, HEADER true)`),
      );
      yield* parse(rows, { path: where, hint });
      await client.query('COMMIT');
      done = true;
    } catch (error) {
      const state = sqlState(error);
      if (state === UNDEFINED_TABLE || state === INVALID_SCHEMA_NAME) {
        throw new IOManagerError(`${cannot(action)}: ${where} does not exist.`, {
          hint: `Materialize it with \`${materializeCommand(asset)}\`.`,
          cause: error,
        });
      }
      if (state === UNDEFINED_COLUMN) {
        throw new IOManagerError(`${cannot(action)}: ${(error as Error).message} in ${where}.`, {
          hint: `The asset's schema has columns the stored table lacks. ${hint}`,
          cause: error,
        });
      }
      throw postgresFailure(error, action);
    } finally {
      // A read that failed or was abandoned mid-COPY leaves the connection inside
      // it (and inside the transaction): never hand it to the next caller.
      client.release(!done);
    }
  }

  #quotedTable(asset: Pick<StoredAsset, 'key' | 'partition'>): string {
    if (asset.key.startsWith(RESERVED_PREFIX)) {
      throw new IOManagerError(`Asset key "${asset.key}" cannot name a table of the Postgres IO manager: names starting with "${RESERVED_PREFIX}" are its own.`, {
        hint: 'Use keys that start with a letter, as `asset()` requires.',
      });
    }
    return `${this.#quotedSchema}.${quotePostgresName(tableName(asset), 'asset key')}`;
  }

  /**
   * Creates the schema, the versions table and the trigger function once per
   * manager, under an advisory lock: workers on several hosts may store their
   * first tables at the same moment, and `IF NOT EXISTS` alone races.
   */
  #ensureSchema(action: PostgresAction): Promise<void> {
    this.#schemaReady ??= this.#transaction(action, async (client) => {
      const schema = this.#quotedSchema;
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`strata-io:${this.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.${VERSIONS_TABLE} (
           -- The table's name: an asset's key, or a partition's <key>/<partition>.
           asset text PRIMARY KEY,
           table_oid oid NOT NULL,
           filenode oid NOT NULL,
           columns text,
           data_version text NOT NULL
         )`,
      );
      // Versions tables made before the columns were recorded.
      await client.query(`ALTER TABLE ${schema}.${VERSIONS_TABLE} ADD COLUMN IF NOT EXISTS columns text`);
      // SECURITY DEFINER: whoever changes an asset table may not be allowed to
      // write the versions table, and the version must be forgotten all the same.
      await client.query(
        `CREATE OR REPLACE FUNCTION ${schema}.${FORGET_VERSION}() RETURNS trigger
         LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
         BEGIN
           DELETE FROM ${schema}.${VERSIONS_TABLE} WHERE table_oid = TG_RELID;
           RETURN NULL;
         END
         $body$`,
      );
    }).catch((error: unknown) => {
      // The next store tries again: the database may be back, or the grant given.
      this.#schemaReady = undefined;
      throw error;
    });
    return this.#schemaReady;
  }

  /**
   * Throws, before anything is dropped, when `target` exists but Strata did
   * not store it: every table `store` swaps in gets the forget-version
   * trigger, so a table without one is another tool's, or the instance's own
   * tables when the IO manager shares their schema. Replacing it would lose
   * what it holds.
   */
  async #refuseForeignTable(client: pg.PoolClient, asset: StoredAsset, target: string, action: PostgresAction): Promise<void> {
    const found = await client.query<{ exists: boolean; stored: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS exists,
              EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid = to_regclass($1) AND t.tgname = $2) AS stored`,
      [target, FORGET_VERSION],
    );
    const { exists, stored } = found.rows[0]!;
    if (!exists || stored) return;
    throw new IOManagerError(`${cannot(action)} in ${this.location}: the table ${this.tableOf(asset)} exists, and Strata did not store it, so it would be lost. Nothing was stored.`, {
      hint: `Give the IO manager a schema of its own (not the instance's, nor another tool's), or drop or rename ${this.tableOf(asset)} yourself if ${asset.key} should replace it.`,
    });
  }

  /** Runs `work` in a transaction on one connection: committed when it returns, rolled back when it throws. */
  async #transaction<T>(action: PostgresAction, work: (client: pg.PoolClient, drivers: Drivers) => Promise<T>): Promise<T> {
    const loaded = await loadDrivers();
    const client = await this.#connect(action);
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client, loaded);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        // The connection is gone (the server ends the transaction itself): drop it
        // from the pool. The error that stopped the work is the one to report.
        broken = true;
      }
      throw postgresFailure(error, action);
    } finally {
      client.release(broken);
    }
  }

  /** One statement; `onUndefined` answers instead when a schema, table or column it reads does not exist. */
  async #query<R extends pg.QueryResultRow>(action: PostgresAction, sql: string, params: unknown[], onUndefined?: () => R[]): Promise<R[]> {
    const client = await this.#connect(action);
    try {
      return (await client.query<R>(sql, params)).rows;
    } catch (error) {
      if (onUndefined !== undefined && UNDEFINED.has(sqlState(error) ?? '')) return onUndefined();
      throw postgresFailure(error, action);
    } finally {
      client.release();
    }
  }

  /**
   * A pooled connection whose session reads floats back exactly: with
   * `extra_float_digits` at 0 or less (a server or role may set it), Postgres
   * prints doubles rounded to 15 digits; 3 prints every double exactly on
   * every version (the shortest exact form from Postgres 12 on).
   */
  async #connect(action: PostgresAction): Promise<pg.PoolClient> {
    try {
      const client = await (await this.#openPool(action)).connect();
      if (!this.#prepared.has(client)) {
        try {
          await client.query('SET extra_float_digits = 3');
        } catch (error) {
          client.release(true);
          throw error;
        }
        this.#prepared.add(client);
      }
      return client;
    } catch (error) {
      throw postgresFailure(error, action);
    }
  }

  #openPool(action: PostgresAction): Promise<pg.Pool> {
    if (this.#connectionString === undefined) {
      throw new IOManagerError(`${cannot(action)}: the Postgres IO manager has no database.`, {
        hint: 'Set STRATA_DATABASE_URL (postgres://user:password@host:port/database), or pass connectionString to PostgresIOManager.',
      });
    }
    if (this.#closing !== undefined) {
      throw new IOManagerError(`${cannot(action)} in ${this.location}: the IO manager was closed.`, {
        hint: 'Create a new PostgresIOManager, or close it only once nothing uses it any more.',
      });
    }
    const connectionString = this.#connectionString;
    this.#pool ??= loadDrivers().then(({ pg: driver }) => {
      const pool = new driver.Pool({
        connectionString,
        max: this.#maxConnections,
        application_name: 'strata-io',
        // Without a limit, a host that drops packets (rather than refusing) would hang the step.
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        keepAlive: true,
        // Nothing closes IO managers at the end of a command: idle connections must not keep the process alive.
        allowExitOnIdle: true,
      });
      surviveDisconnects(pool);
      return pool;
    });
    return this.#pool;
  }
}

// SQLSTATEs a read expects.
const UNDEFINED_TABLE = '42P01';
const INVALID_SCHEMA_NAME = '3F000';
const UNDEFINED_COLUMN = '42703';
/** What a store meets when someone dropped what `#ensureSchema` made: the schema, the versions table, the trigger function. */
const SETUP_GONE = new Set([INVALID_SCHEMA_NAME, UNDEFINED_TABLE, '42883']);
/** What `#query`'s fallback answers: a schema, table or column of its own that is not there (yet). */
const UNDEFINED = new Set([INVALID_SCHEMA_NAME, UNDEFINED_TABLE, UNDEFINED_COLUMN]);

/**
 * SQL for the columns of the table `relation` as Postgres lists them:
 * position, name and type. Recorded with a version, so an `ALTER TABLE` that
 * rewrites no rows yet changes what a load returns (columns renamed into each
 * other, one dropped and added again with a default) forgets the version, as
 * the row triggers do for changed rows.
 */
const COLUMNS_OF = (relation: string) =>
  `(SELECT string_agg(a.attnum || ' ' || a.attname || ' ' || a.atttypid::regtype, ', ' ORDER BY a.attnum)
    FROM pg_catalog.pg_attribute a WHERE a.attrelid = ${relation} AND a.attnum > 0 AND NOT a.attisdropped)`;

/**
 * The name of the table of an asset (its key) or of its partition
 * (`<key>/<partition>`, see `tableOf`). Keys of defined assets have no `/`
 * (`ASSET_KEY_PATTERN`) and encoded partitions no `/` but between
 * dimensions, so no partition's table is another asset's, nor another
 * partition's.
 */
function tableName(asset: Pick<StoredAsset, 'key' | 'partition'>): string {
  if (asset.partition === undefined) return asset.key;
  return shortenName(`${asset.key}/${partitionSegments(asset.partition).join('/')}`, MAX_POSTGRES_NAME_BYTES);
}

function loadDrivers(): Promise<Drivers> {
  drivers ??= Promise.all([import('pg'), import('pg-copy-streams')]).then(([pgModule, copy]) => ({ pg: pgModule.default, copy }));
  return drivers;
}

/** The connection string without its password or query (which may hold one), safe to print. */
function describeDatabase(connectionString: string | undefined): string {
  if (connectionString === undefined) return 'no Postgres database (set STRATA_DATABASE_URL)';
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    url.search = '';
    return url.toString();
  } catch {
    // A key=value connection string may hold a password anywhere: none of it is printed.
    return 'the Postgres database';
  }
}
