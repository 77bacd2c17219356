import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import type { CodeManifest } from '../core/code-manifest.js';
import { StrataError } from '../core/errors.js';
import {
  type AcquireLeaseRequest,
  type BackfillRecord,
  type BackfillStatus,
  type BackfillTarget,
  type BackfillTargetStatus,
  type AcquireLeaseResult,
  type ClaimPoolSlotRequest,
  type ClaimPoolSlotResult,
  type ClaimQueuedRunRequest,
  type CheckResultRecord,
  type ClaimQueuedRunResult,
  type FailedRun,
  type FinalRunStatus,
  type InstanceStorage,
  type InstigatorKind,
  type InstigatorState,
  instigatorStateSchema,
  type LaunchRecord,
  launchRecordSchema,
  type MaterializationRecord,
  materializationRecordSchema,
  type PoolSlot,
  type PruneResult,
  type QueuedRun,
  type QueuedRunRequest,
  type RunCancelRequest,
  type RunCancelResult,
  type RunEvent,
  runEventSchema,
  type RunRecord,
  type NewRunRecord,
  newRunRecordSchema,
  type RunTags,
  type StoredBackfill,
  type StoredRunEvent,
  type StoredTick,
  type TickRecord,
  tickRecordSchema,
  type WriteBatch,
} from './instance-storage.js';
import { isConnectionError, sqlState, surviveDisconnects } from '../core/postgres-disconnects.js';
import { migratePostgres, quoteIdentifier } from './postgres-migrations.js';
import {
  byCheckKey,
  byPartition,
  canceledBeforeStartEvent,
  checkResultParams,
  countsByBackfill,
  duplicateBackfill,
  noTargets,
  unknownBackfill,
  unknownBackfillTargets,
  validBackfill,
  validBackfillEnd,
  validBackfillUpdates,
  describeIssues,
  duplicateRun,
  invalidRecord,
  keysByName,
  keysIn,
  manifestParams,
  quoteList,
  rowId,
  runEndSchema,
  runJsonColumns,
  storedRowSchemas,
  toJson,
  validAfterSeq,
  validCancelRequest,
  validDynamicPartitions,
  validPoolLimit,
  validQueuedRun,
  validRecord,
  validTagFilter,
} from './stored-records.js';

/** Where `PostgresInstanceStorage.open` finds the instance. */
export interface PostgresInstanceStorageOptions {
  /** A `postgres://user:password@host:port/database` URL (or any string `pg` accepts). */
  readonly connectionString: string;
  /** The schema that holds the instance's tables, created when missing; default `strata`. */
  readonly schema?: string;
  /** The most connections this process opens at once; default 10. */
  readonly maxConnections?: number;
}

/** The schema used when the options name none. */
const DEFAULT_POSTGRES_SCHEMA = 'strata';
const DEFAULT_MAX_CONNECTIONS = 10;
const CONNECT_TIMEOUT_MS = 30_000;
/** The `instance_properties` row that holds the instance key. */
const INSTANCE_KEY = 'instance-key';

/*
 * Values come back from the driver as the row schemas below expect: bigint ids
 * as numbers (an id past 2^53 fails the schema instead of losing digits), and
 * json columns as their text, so damaged JSON is reported like SQLite's. A
 * per-pool parser: pg's global one is shared with the user's own pg code.
 */
const INT8_OID = 20;
const JSON_OID = 114;
function typeParsers(driver: typeof pg): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8_OID) return (value: string) => Number(value);
      if (oid === JSON_OID) return (value: string) => value;
      return driver.types.getTypeParser(oid, format);
    }) as typeof pg.types.getTypeParser,
  };
}

/**
 * pg, imported by the first `open`: this module loads with the public API
 * (so with every command), and importing pg costs ~85 ms of start-up that
 * commands on a SQLite instance never need.
 */
let driver: typeof pg | undefined;

/**
 * Instance storage in a Postgres schema, shared by every process on every host
 * that opens it: coordinators, the daemon and workers.
 *
 * Lease times come from the database's clock: see `acquireAssetLease`.
 *
 * @example
 * const storage = await PostgresInstanceStorage.open({ connectionString: 'postgres://strata@db/strata' });
 * try {
 *   const latest = await storage.latestMaterializations(['customers', 'orders']);
 * } finally {
 *   await storage.close();
 * }
 */
export class PostgresInstanceStorage implements InstanceStorage {
  /** The database (without its password) and schema; used in messages. */
  readonly location: string;
  readonly schema: string;
  /** The URL it was opened with (password included), for parts of Strata that open their own connections to the same database: the work pool's queue. */
  readonly connectionString: string;

  readonly #pool: pg.Pool;
  /** Every table name, schema-qualified and quoted. */
  readonly #t: Record<TableName, string>;
  #closing: Promise<void> | undefined;

  /**
   * Connects, creates the schema when missing and migrates it forward. Throws
   * `STRATA_STORAGE_TOO_NEW` for a schema written by a newer Strata,
   * `STRATA_STORAGE_OPEN` when the database cannot be reached or refuses the
   * login, `STRATA_STORAGE_INVALID_ARGUMENT` for a schema name Postgres cannot
   * hold.
   */
  static async open(options: PostgresInstanceStorageOptions): Promise<PostgresInstanceStorage> {
    const schema = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
    quoteIdentifier(schema);
    const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    if (!Number.isInteger(maxConnections) || maxConnections < 1) {
      throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', `maxConnections must be a positive integer, got ${maxConnections}.`, {
        hint: `Leave it out for ${DEFAULT_MAX_CONNECTIONS}.`,
      });
    }
    const location = describeLocation(options.connectionString, schema);
    driver ??= (await import('pg')).default;
    const pool = new driver.Pool({
      connectionString: options.connectionString,
      max: maxConnections,
      types: typeParsers(driver),
      application_name: 'strata',
      // Without a limit, a host that drops packets (rather than refusing)
      // would hang the command; the same limit bounds waiting for a free
      // connection, which Strata's short transactions never come near.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // Connections live as long as a daemon or worker: notice a peer that vanished.
      keepAlive: true,
    });
    // A database that stays down fails the next query with STRATA_STORAGE_UNAVAILABLE.
    surviveDisconnects(pool);
    try {
      const client = await pool.connect();
      try {
        await migratePostgres(client, schema, location);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => {
        // Ending a pool that never connected fails too; the first error is the one to report.
      });
      throw openError(error, location);
    }
    return new PostgresInstanceStorage(pool, schema, location, options.connectionString);
  }

  private constructor(pool: pg.Pool, schema: string, location: string, connectionString: string) {
    this.#pool = pool;
    this.schema = schema;
    this.location = location;
    this.connectionString = connectionString;
    const quoted = quoteIdentifier(schema);
    this.#t = Object.fromEntries(TABLES.map((table) => [table, `${quoted}.${table}`])) as Record<TableName, string>;
  }

  async createRun(run: NewRunRecord): Promise<void> {
    const valid = validRecord(newRunRecordSchema, run, `run "${run.runId}"`);
    try {
      await this.#pool.query(...this.#insertRun(valid));
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw duplicateRun(run.runId, this.location, error);
      throw this.#failure(error, 'write');
    }
  }

  /** The statement and parameters that insert a run checked against its schema. */
  #insertRun(run: RunRecord): [string, unknown[]] {
    const { tags, request } = runJsonColumns(run);
    return [
      `INSERT INTO ${this.#t.runs} (run_id, status, selection, triggered_by, started_at, ended_at, pid, hostname, tags, parent_run_id, request)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::json, $10, $11::json)`,
      [run.runId, run.status, run.selection, run.trigger, run.startedAt, run.endedAt, run.pid, run.hostname, tags, run.parentRunId, request],
    ];
  }

  async finishRun(runId: string, status: FinalRunStatus, endedAt: Date): Promise<void> {
    const parsed = runEndSchema.safeParse({ status, endedAt });
    if (!parsed.success) throw invalidRecord(`the end of run "${runId}"`, parsed.error);
    const result = await this.#run('write', `UPDATE ${this.#t.runs} SET status = $2, ended_at = $3 WHERE run_id = $1`, [
      runId,
      status,
      endedAt,
    ]);
    if (result.rowCount === 0) throw this.#unknownRun(`Cannot finish run "${runId}": it does not exist in ${this.location}.`);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const { rows } = await this.#run('read', `SELECT * FROM ${this.#t.runs} WHERE run_id = $1`, [runId]);
    return rows[0] === undefined ? undefined : this.#readRow(runRow, rows[0], 'runs');
  }

  async listRuns(options: { readonly limit?: number; readonly status?: RunRecord['status']; readonly tags?: RunTags } = {}): Promise<RunRecord[]> {
    const limit = sqlLimit(options.limit);
    const tags = validTagFilter(options.tags);
    // LIMIT NULL is no limit.
    const { rows } =
      tags !== undefined
        ? await this.#run(
            'read',
            `SELECT * FROM ${this.#t.runs} WHERE ($1::text IS NULL OR status = $1) AND tags::jsonb @> $2::jsonb
             ORDER BY started_at DESC, id DESC LIMIT $3`,
            [options.status ?? null, tags, limit],
          )
        : options.status === undefined
        ? await this.#run('read', `SELECT * FROM ${this.#t.runs} ORDER BY started_at DESC, id DESC LIMIT $1`, [limit])
        : await this.#run('read', `SELECT * FROM ${this.#t.runs} WHERE status = $1 ORDER BY started_at DESC, id DESC LIMIT $2`, [
            options.status,
            limit,
          ]);
    return rows.map((row) => this.#readRow(runRow, row, 'runs'));
  }

  async latestRun(): Promise<RunRecord | undefined> {
    const [latest] = await this.listRuns({ limit: 1 });
    return latest;
  }

  async runsWithStatus(status: RunRecord['status']): Promise<RunRecord[]> {
    return this.listRuns({ status });
  }

  async failedRuns(): Promise<FailedRun[]> {
    // The newest child of each failed run is found through runs_by_parent, not by reading every run.
    const { rows } = await this.#run(
      'read',
      `SELECT runs.*, (SELECT child.run_id FROM ${this.#t.runs} AS child WHERE child.parent_run_id = runs.run_id
         ORDER BY child.started_at DESC, child.id DESC LIMIT 1) AS reexecuted_by
       FROM ${this.#t.runs} AS runs WHERE status IN ('failed', 'canceled') ORDER BY started_at DESC, id DESC`,
    );
    return rows.map((row) => ({ run: this.#readRow(runRow, row, 'runs'), reexecutedBy: this.#readRow(reexecutedByColumn, row, 'runs') }));
  }

  async write(batch: WriteBatch): Promise<void> {
    // Validate and serialize everything first: a bad record is reported before
    // a connection is taken, and by its position in the batch.
    const events = (batch.events ?? []).map((event, index) => eventParams(event, index));
    const materializations = (batch.materializations ?? []).map((record, index) => materializationParams(record, index));
    const manifests = [...(batch.codeManifests ?? new Map<string, CodeManifest>())].map(([codeVersion, manifest]) =>
      manifestParams(codeVersion, manifest),
    );
    if (events.length === 0 && materializations.length === 0 && manifests.length === 0) return;
    try {
      await this.#transaction(async (client) => {
        // One statement per table, whatever the batch's size. WITH ORDINALITY
        // and ORDER BY make the ids follow the batch's order, which is the
        // order the interface promises to read events back in.
        if (events.length > 0) {
          await client.query(
            `INSERT INTO ${this.#t.events} (run_id, time, type, asset_key, attempt, level, message, data)
             SELECT run_id, time, type, asset_key, attempt, level, message, data::json
             FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], $8::text[])
               WITH ORDINALITY AS batch (run_id, time, type, asset_key, attempt, level, message, data, position)
             ORDER BY position`,
            columns(events, ['runId', 'time', 'type', 'assetKey', 'attempt', 'level', 'message', 'data']),
          );
        }
        if (materializations.length > 0) {
          await client.query(
            `INSERT INTO ${this.#t.materializations} (run_id, asset_key, partition, materialized_at, code_version, data_version,
               input_data_versions, config_versions, reasons, duration_ms, metadata)
             SELECT run_id, asset_key, partition, materialized_at, code_version, data_version,
               input_data_versions::json, config_versions::json, reasons::json, duration_ms, metadata::json
             FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[],
                         $7::text[], $8::text[], $9::text[], $10::double precision[], $11::text[])
               WITH ORDINALITY AS batch (run_id, asset_key, partition, materialized_at, code_version, data_version,
                 input_data_versions, config_versions, reasons, duration_ms, metadata, position)
             ORDER BY position`,
            columns(materializations, [
              'runId',
              'assetKey',
              'partition',
              'materializedAt',
              'codeVersion',
              'dataVersion',
              'inputDataVersions',
              'configVersions',
              'reasons',
              'durationMs',
              'metadata',
            ]),
          );
        }
        if (manifests.length > 0) {
          // A version's manifest never changes (the version is its hash), so the first one stored stays.
          await client.query(
            `INSERT INTO ${this.#t.code_manifests} (code_version, manifest)
             SELECT code_version, manifest::json FROM unnest($1::text[], $2::text[]) AS batch (code_version, manifest)
             ON CONFLICT (code_version) DO NOTHING`,
            columns(manifests, ['codeVersion', 'manifest']),
          );
        }
      });
    } catch (error) {
      if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
        const named = [...new Set([...events, ...materializations].map((record) => record.runId))];
        const { rows } = await this.#run('read', `SELECT run_id FROM ${this.#t.runs} WHERE run_id = ANY($1::text[])`, [named]);
        const existing = new Set(rows.map((row) => String(row['run_id'])));
        const missing = named.filter((runId) => !existing.has(runId)).sort();
        throw this.#unknownRun(
          `The batch names ${quoteList(missing, 'run')}, which ${missing.length === 1 ? 'does' : 'do'} not exist in ${this.location}; nothing from the batch was written.`,
          error,
        );
      }
      throw this.#failure(error, 'write');
    }
  }

  async runEvents(runId: string, options: { readonly afterSeq?: number } = {}): Promise<StoredRunEvent[]> {
    const { rows } = await this.#run('read', `SELECT * FROM ${this.#t.events} WHERE run_id = $1 AND seq > $2 ORDER BY seq`, [runId, validAfterSeq(options.afterSeq)]);
    return rows.map((row) => this.#readRow(eventRow, row, 'events'));
  }

  async latestMaterializations(assetKeys?: readonly string[]): Promise<Map<string, MaterializationRecord>> {
    const latest = new Map<string, MaterializationRecord>();
    if (assetKeys !== undefined && assetKeys.length === 0) return latest;
    // Latest = highest id (insertion order), never the largest timestamp.
    // asset_key is COLLATE "C": byte order, as SQLite gives it. Unpartitioned
    // records only; partition (NULL in every row read) is named in the
    // DISTINCT ON and the order so that they follow materializations_by_partition.
    const latestUnpartitioned = `SELECT DISTINCT ON (asset_key, partition) * FROM ${this.#t.materializations} WHERE partition IS NULL`;
    const { rows } =
      assetKeys === undefined
        ? await this.#run('read', `${latestUnpartitioned} ORDER BY asset_key, partition, id DESC`)
        : await this.#run('read', `${latestUnpartitioned} AND asset_key = ANY($1::text[]) ORDER BY asset_key, partition, id DESC`, [assetKeys]);
    for (const row of rows) {
      const record = this.#readRow(materializationRow, row, 'materializations');
      latest.set(record.assetKey, record);
    }
    return latest;
  }

  async latestPartitionMaterializations(assetKey: string, partitions?: readonly string[]): Promise<Map<string, MaterializationRecord>> {
    if (partitions !== undefined && partitions.length === 0) return new Map();
    // The partitions asked for are one array parameter, however many there are.
    const latest = `SELECT DISTINCT ON (partition) * FROM ${this.#t.materializations} WHERE asset_key = $1`;
    const { rows } =
      partitions === undefined
        ? await this.#run('read', `${latest} AND partition IS NOT NULL ORDER BY partition, id DESC`, [assetKey])
        : await this.#run('read', `${latest} AND partition = ANY($2::text[]) ORDER BY partition, id DESC`, [assetKey, partitions]);
    return byPartition(rows.map((row) => this.#readRow(materializationRow, row, 'materializations')), partitions);
  }

  async materializationHistory(
    assetKey: string,
    options: { readonly limit?: number; readonly partition?: string } = {},
  ): Promise<MaterializationRecord[]> {
    const limit = sqlLimit(options.limit);
    const { rows } =
      options.partition === undefined
        ? await this.#run('read', `SELECT * FROM ${this.#t.materializations} WHERE asset_key = $1 ORDER BY id DESC LIMIT $2`, [assetKey, limit])
        : await this.#run(
            'read',
            `SELECT * FROM ${this.#t.materializations} WHERE asset_key = $1 AND partition = $2 ORDER BY id DESC LIMIT $3`,
            [assetKey, options.partition, limit],
          );
    return rows.map((row) => this.#readRow(materializationRow, row, 'materializations'));
  }

  async codeManifests(codeVersions: readonly string[]): Promise<Map<string, CodeManifest>> {
    const manifests = new Map<string, CodeManifest>();
    if (codeVersions.length === 0) return manifests;
    const { rows } = await this.#run(
      'read',
      `SELECT * FROM ${this.#t.code_manifests} WHERE code_version = ANY($1::text[]) ORDER BY code_version`,
      [codeVersions],
    );
    for (const row of rows) {
      const manifest = this.#readRow(codeManifestRow, row, 'code_manifests');
      manifests.set(manifest.codeVersion, manifest.manifest);
    }
    return manifests;
  }

  async instanceKey(): Promise<string> {
    const select = `SELECT value FROM ${this.#t.instance_properties} WHERE name = $1`;
    const existing = await this.#run('read', select, [INSTANCE_KEY]);
    if (existing.rows[0] !== undefined) return String(existing.rows[0]['value']);
    // Two processes may create it at once: the first insert wins (the second
    // waits for it on the primary key, then does nothing) and both read that one.
    await this.#run('write', `INSERT INTO ${this.#t.instance_properties} (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
      INSTANCE_KEY,
      randomBytes(32).toString('hex'),
    ]);
    const created = await this.#run('read', select, [INSTANCE_KEY]);
    return String(created.rows[0]?.['value']);
  }

  async wipeMaterializations(assetKeys: readonly string[]): Promise<number> {
    if (assetKeys.length === 0) return 0;
    try {
      return await this.#transaction(async (client) => {
        await client.query(`DELETE FROM ${this.#t.check_results} WHERE asset_key = ANY($1::text[])`, [assetKeys]);
        const result = await client.query(`DELETE FROM ${this.#t.materializations} WHERE asset_key = ANY($1::text[])`, [assetKeys]);
        return result.rowCount ?? 0;
      });
    } catch (error) {
      throw this.#failure(error, 'write');
    }
  }

  async dynamicPartitionKeys(): Promise<Map<string, string[]>> {
    const { rows } = await this.#run('read', `SELECT name, partition_key FROM ${this.#t.dynamic_partitions} ORDER BY name, id`);
    return keysByName(rows.map((row) => this.#readRow(dynamicPartitionRow, row, 'dynamic_partitions')));
  }

  async addDynamicPartitions(name: string, keys: readonly string[]): Promise<string[]> {
    const unique = validDynamicPartitions(name, keys);
    if (unique.length === 0) return [];
    // One statement, so one transaction; ids follow the order given (see write).
    // DO NOTHING: a key held already keeps its place in the order.
    const { rows } = await this.#run(
      'write',
      `INSERT INTO ${this.#t.dynamic_partitions} (name, partition_key)
       SELECT $1, partition_key FROM unnest($2::text[]) WITH ORDINALITY AS batch (partition_key, position) ORDER BY position
       ON CONFLICT (name, partition_key) DO NOTHING RETURNING partition_key`,
      [name, unique],
    );
    return keysIn(unique, new Set(rows.map((row) => String(row['partition_key']))));
  }

  async removeDynamicPartitions(name: string, keys: readonly string[]): Promise<string[]> {
    const unique = validDynamicPartitions(name, keys);
    if (unique.length === 0) return [];
    const { rows } = await this.#run(
      'write',
      `DELETE FROM ${this.#t.dynamic_partitions} WHERE name = $1 AND partition_key = ANY($2::text[]) RETURNING partition_key`,
      [name, unique],
    );
    return keysIn(unique, new Set(rows.map((row) => String(row['partition_key']))));
  }

  async createBackfill(backfill: BackfillRecord, targets: readonly BackfillTarget[]): Promise<void> {
    const valid = validBackfill(backfill, targets);
    const { id, createdAt, status, request, endedAt } = valid.backfill;
    try {
      await this.#transaction(async (client) => {
        await client.query(
          `INSERT INTO ${this.#t.backfills} (backfill_id, created_at, status, request, ended_at) VALUES ($1, $2, $3, $4::json, $5)`,
          [id, createdAt, status, request, endedAt],
        );
        if (valid.targets.length === 0) return;
        // One statement whatever the number of targets; position is their order.
        await client.query(
          `INSERT INTO ${this.#t.backfill_targets} (backfill_id, asset_key, partition, position, status, run_id)
           SELECT $1, asset_key, partition, position - 1, status, run_id
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS batch (asset_key, partition, status, run_id, position)`,
          [id, ...columns(valid.targets, ['assetKey', 'partition', 'status', 'runId'])],
        );
      });
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw duplicateBackfill(backfill.id, this.location, error);
      throw this.#failure(error, 'write');
    }
  }

  async getBackfill(id: string): Promise<StoredBackfill | undefined> {
    const { rows } = await this.#run('read', `SELECT * FROM ${this.#t.backfills} WHERE backfill_id = $1`, [id]);
    return rows[0] === undefined ? undefined : (await this.#withCounts([this.#readRow(backfillRow, rows[0], 'backfills')]))[0];
  }

  async listBackfills(options: { readonly limit?: number } = {}): Promise<StoredBackfill[]> {
    const { rows } = await this.#run('read', `SELECT * FROM ${this.#t.backfills} ORDER BY created_at DESC, id DESC LIMIT $1`, [sqlLimit(options.limit)]);
    return this.#withCounts(rows.map((row) => this.#readRow(backfillRow, row, 'backfills')));
  }

  /** The backfills with their targets counted by status, in one query whatever their number. */
  async #withCounts(backfills: readonly BackfillRecord[]): Promise<StoredBackfill[]> {
    if (backfills.length === 0) return [];
    const { rows } = await this.#run(
      'read',
      `SELECT backfill_id, status, count(*) AS count FROM ${this.#t.backfill_targets}
       WHERE backfill_id = ANY($1::text[]) GROUP BY backfill_id, status`,
      [backfills.map((backfill) => backfill.id)],
    );
    const counts = countsByBackfill(rows.map((row) => this.#readRow(backfillCountRow, row, 'backfill_targets')));
    return backfills.map((backfill) => ({ ...backfill, counts: counts.get(backfill.id) ?? noTargets() }));
  }

  async backfillTargets(id: string, options: { readonly status?: BackfillTargetStatus } = {}): Promise<BackfillTarget[]> {
    const { rows } =
      options.status === undefined
        ? await this.#run('read', `SELECT * FROM ${this.#t.backfill_targets} WHERE backfill_id = $1 ORDER BY position`, [id])
        : await this.#run('read', `SELECT * FROM ${this.#t.backfill_targets} WHERE backfill_id = $1 AND status = $2 ORDER BY position`, [
            id,
            options.status,
          ]);
    return rows.map((row) => this.#readRow(backfillTargetRow, row, 'backfill_targets'));
  }

  async updateBackfillTargets(id: string, updates: readonly BackfillTarget[]): Promise<void> {
    const valid = validBackfillUpdates(id, updates);
    if (valid.length === 0) return;
    try {
      // One statement for every update; throwing rolls them all back.
      await this.#transaction(async (client) => {
        const found = await client.query(`SELECT 1 FROM ${this.#t.backfills} WHERE backfill_id = $1`, [id]);
        if (found.rowCount === 0) throw unknownBackfill(id, this.location);
        const updated = await client.query<{ asset_key: string; partition: string }>(
          `UPDATE ${this.#t.backfill_targets} AS target SET status = batch.status, run_id = batch.run_id
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS batch (asset_key, partition, status, run_id)
           WHERE target.backfill_id = $1 AND target.asset_key = batch.asset_key AND target.partition = batch.partition
           RETURNING target.asset_key, target.partition`,
          [id, ...columns(valid, ['assetKey', 'partition', 'status', 'runId'])],
        );
        if (updated.rowCount === valid.length) return;
        const done = new Set(updated.rows.map((row) => JSON.stringify([row.asset_key, row.partition])));
        throw unknownBackfillTargets(id, this.location, valid.filter((update) => !done.has(JSON.stringify([update.assetKey, update.partition]))));
      });
    } catch (error) {
      throw this.#failure(error, 'write');
    }
  }

  async finishBackfill(id: string, status: BackfillStatus, endedAt: Date | null): Promise<void> {
    const valid = validBackfillEnd(id, status, endedAt);
    const result = await this.#run('write', `UPDATE ${this.#t.backfills} SET status = $2, ended_at = $3 WHERE backfill_id = $1`, [
      id,
      valid.status,
      valid.endedAt,
    ]);
    if (result.rowCount === 0) throw unknownBackfill(id, this.location);
  }

  async recordCheckResults(results: readonly CheckResultRecord[]): Promise<void> {
    const params = results.map((result, index) => checkResultParams(result, index, (date) => date));
    if (params.length === 0) return;
    try {
      // One statement, in the given order (see write).
      await this.#transaction((client) => client.query(
        `INSERT INTO ${this.#t.check_results} (run_id, asset_key, check_name, partition, check_version, status, severity, blocking,
           failing, sample, metadata, data_versions, duration_ms, checked_at)
         SELECT run_id, asset_key, check_name, partition, check_version, status, severity, blocking,
           failing, sample::json, metadata::json, data_versions::json, duration_ms, checked_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[],
                     $9::integer[], $10::text[], $11::text[], $12::text[], $13::double precision[], $14::timestamptz[])
           WITH ORDINALITY AS batch (run_id, asset_key, check_name, partition, check_version, status, severity, blocking,
             failing, sample, metadata, data_versions, duration_ms, checked_at, position)
         ORDER BY position`,
        columns(params, ['runId', 'assetKey', 'checkName', 'partition', 'checkVersion', 'status', 'severity', 'blocking', 'failing', 'sample', 'metadata', 'dataVersions', 'durationMs', 'checkedAt']),
      ));
    } catch (error) {
      if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
        throw this.#unknownRun(`The check results name a run that does not exist in ${this.location}; none was written.`, error);
      }
      throw this.#failure(error, 'write');
    }
  }

  async latestCheckResults(assetKeys?: readonly string[]): Promise<Map<string, CheckResultRecord>> {
    if (assetKeys !== undefined && assetKeys.length === 0) return new Map();
    const latest = `SELECT DISTINCT ON (asset_key, check_name) * FROM ${this.#t.check_results}`;
    const { rows } =
      assetKeys === undefined
        ? await this.#run('read', `${latest} ORDER BY asset_key, check_name, id DESC`)
        : await this.#run('read', `${latest} WHERE asset_key = ANY($1::text[]) ORDER BY asset_key, check_name, id DESC`, [assetKeys]);
    return byCheckKey(rows.map((row) => this.#readRow(checkResultRow, row, 'check_results')));
  }

  async checkResultHistory(assetKey: string, options: { readonly checkName?: string; readonly limit?: number } = {}): Promise<CheckResultRecord[]> {
    const { rows } = await this.#run(
      'read',
      `SELECT * FROM ${this.#t.check_results} WHERE asset_key = $1 AND ($2::text IS NULL OR check_name = $2) ORDER BY id DESC LIMIT $3`,
      [assetKey, options.checkName ?? null, sqlLimit(options.limit)],
    );
    return rows.map((row) => this.#readRow(checkResultRow, row, 'check_results'));
  }

  async instigatorState(kind: InstigatorKind, name: string): Promise<InstigatorState | undefined> {
    const { rows } = await this.#run('read', `SELECT * FROM ${this.#t.instigators} WHERE kind = $1 AND name = $2`, [kind, name]);
    return rows[0] === undefined ? undefined : this.#readRow(instigatorRow, rows[0], 'instigators');
  }

  async instigatorStates(): Promise<InstigatorState[]> {
    const { rows } = await this.#run('read', `SELECT * FROM ${this.#t.instigators} ORDER BY kind, name`);
    return rows.map((row) => this.#readRow(instigatorRow, row, 'instigators'));
  }

  async saveInstigatorState(state: InstigatorState): Promise<void> {
    const params = instigatorParams(state);
    await this.#run('write', this.#saveInstigatorSql(), params);
  }

  async recordTick(tick: TickRecord, state: InstigatorState): Promise<StoredTick> {
    const valid = validRecord(tickRecordSchema, tick, `the tick of ${tick.kind} "${tick.name}"`);
    const stateParams = instigatorParams(state);
    if (state.kind !== tick.kind || state.name !== tick.name) {
      throw new StrataError(
        'STRATA_STORAGE_INVALID_ARGUMENT',
        `The tick of ${tick.kind} "${tick.name}" was given the state of ${state.kind} "${state.name}".`,
        { hint: 'Pass the state of the schedule or sensor that ticked.' },
      );
    }
    let id: number;
    try {
      id = await this.#transaction(async (client) => {
        const inserted = await client.query(
          `INSERT INTO ${this.#t.ticks} (kind, name, tick_time, evaluated_at, status, run_ids, skip_reason, error, cursor)
           VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8, $9) RETURNING id`,
          [
            valid.kind,
            valid.name,
            valid.tickTime,
            valid.evaluatedAt,
            valid.status,
            JSON.stringify(valid.runIds),
            valid.skipReason,
            valid.error,
            valid.cursor,
          ],
        );
        await client.query(this.#saveInstigatorSql(), stateParams);
        return Number(inserted.rows[0]?.['id']);
      });
    } catch (error) {
      throw this.#failure(error, 'write');
    }
    return { ...valid, id };
  }

  async listTicks(
    options: { readonly kind?: InstigatorKind; readonly name?: string; readonly limit?: number } = {},
  ): Promise<StoredTick[]> {
    // Built per call rather than `($1 IS NULL OR kind = $1)`, so that the
    // planner sees the filter and uses ticks_by_instigator.
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (options.kind !== undefined) {
      params.push(options.kind);
      conditions.push(`kind = $${params.length}`);
    }
    if (options.name !== undefined) {
      params.push(options.name);
      conditions.push(`name = $${params.length}`);
    }
    params.push(sqlLimit(options.limit));
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const { rows } = await this.#run('read', `SELECT * FROM ${this.#t.ticks} ${where} ORDER BY id DESC LIMIT $${params.length}`, params);
    return rows.map((row) => this.#readRow(tickRow, row, 'ticks'));
  }

  async recordLaunch(launch: LaunchRecord): Promise<void> {
    const valid = validRecord(launchRecordSchema, launch, `the launch by ${launch.trigger}`);
    try {
      await this.#pool.query(
        `INSERT INTO ${this.#t.launches} (triggered_by, job, run_key, run_id, launched_at) VALUES ($1, $2, $3, $4, $5)`,
        [valid.trigger, valid.job, valid.runKey, valid.runId, valid.launchedAt],
      );
    } catch (error) {
      const state = sqlState(error);
      if (state === UNIQUE_VIOLATION) {
        throw new StrataError(
          'STRATA_STORAGE_DUPLICATE_RUN_KEY',
          `${launch.trigger} already launched run key "${launch.runKey}" in ${this.location}.`,
          { hint: 'Check launchedRunKeys before launching; a run key is launched once per trigger.', cause: error },
        );
      }
      if (state === FOREIGN_KEY_VIOLATION) {
        throw this.#unknownRun(`The launch by ${launch.trigger} names run "${launch.runId}", which does not exist in ${this.location}.`, error);
      }
      throw this.#failure(error, 'write');
    }
  }

  async launchedRunKeys(trigger: string, runKeys: readonly string[]): Promise<Set<string>> {
    if (runKeys.length === 0) return new Set();
    const { rows } = await this.#run(
      'read',
      `SELECT run_key FROM ${this.#t.launches} WHERE triggered_by = $1 AND run_key = ANY($2::text[])`,
      [trigger, runKeys],
    );
    return new Set(rows.map((row) => String(row['run_key'])));
  }

  async startedRunsOfJob(job: string): Promise<RunRecord[]> {
    // EXISTS, not a join: a run launched twice for one job is listed once.
    const { rows } = await this.#run(
      'read',
      `SELECT runs.* FROM ${this.#t.runs} AS runs
       WHERE runs.status = 'started'
         AND EXISTS (SELECT 1 FROM ${this.#t.launches} AS launches WHERE launches.run_id = runs.run_id AND launches.job = $1)
       ORDER BY runs.started_at DESC, runs.id DESC`,
      [job],
    );
    return rows.map((row) => this.#readRow(runRow, row, 'runs'));
  }

  /**
   * Takes the lease in one transaction, comparing and storing times by the
   * database's clock: `now()` of that transaction. `request.now` is ignored
   * here. Several hosts share this instance, and a host whose clock runs ahead
   * must not see a live lease as expired (and take it), nor one whose clock
   * lags keep a dead one; the one clock they all share is the server's.
   * `acquiredAt` and `expiresAt` of a holder are therefore server times.
   */
  async acquireAssetLease(request: AcquireLeaseRequest): Promise<AcquireLeaseResult> {
    const ttlMs = validTtl(request.ttlMs);
    try {
      return await this.#transaction(async (client): Promise<AcquireLeaseResult> => {
        // The upsert decides and writes in one statement. When its WHERE is
        // false it updates nothing but still locks the holder's row, so the
        // SELECT below reads the holder that refused us, not a later one.
        const granted = await client.query(
          `INSERT INTO ${this.#t.asset_leases} AS lease (asset_key, run_id, pid, hostname, acquired_at, expires_at)
           VALUES ($1, $2, $3, $4, now(), now() + $5::double precision * interval '1 millisecond')
           ON CONFLICT (asset_key) DO UPDATE
             SET run_id = excluded.run_id, pid = excluded.pid, hostname = excluded.hostname,
                 acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
             WHERE lease.run_id = excluded.run_id OR lease.run_id = $6 OR lease.expires_at <= now()
           RETURNING asset_key`,
          [request.assetKey, request.runId, request.pid, request.hostname, ttlMs, request.takeOverFrom ?? null],
        );
        if (granted.rowCount === 1) return { acquired: true };
        const { rows } = await client.query(`SELECT * FROM ${this.#t.asset_leases} WHERE asset_key = $1`, [request.assetKey]);
        return { acquired: false, holder: this.#readRow(leaseRow, rows[0], 'asset_leases') };
      });
    } catch (error) {
      throw this.#failure(error, 'write');
    }
  }

  /** Extends the run's leases to the database's `now()` + `ttlMs`; `now` is ignored, as in `acquireAssetLease`. */
  async renewAssetLeases(runId: string, _now: Date, ttlMs: number): Promise<void> {
    await this.#run(
      'write',
      `UPDATE ${this.#t.asset_leases} SET expires_at = now() + $2::double precision * interval '1 millisecond' WHERE run_id = $1`,
      [runId, validTtl(ttlMs)],
    );
  }

  async releaseAssetLease(assetKey: string, runId: string): Promise<void> {
    await this.#run('write', `DELETE FROM ${this.#t.asset_leases} WHERE asset_key = $1 AND run_id = $2`, [assetKey, runId]);
  }

  async releaseAssetLeases(runId: string): Promise<void> {
    await this.#run('write', `DELETE FROM ${this.#t.asset_leases} WHERE run_id = $1`, [runId]);
  }

  async enqueueRun(run: NewRunRecord, request: QueuedRunRequest): Promise<void> {
    const valid = validQueuedRun(run, request);
    try {
      await this.#transaction(async (client) => {
        await client.query(...this.#insertRun(valid.run));
        await client.query(`INSERT INTO ${this.#t.queued_runs} (run_id, request) VALUES ($1, $2::json)`, [valid.run.runId, JSON.stringify(valid.request)]);
      });
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw duplicateRun(run.runId, this.location, error);
      throw this.#failure(error, 'write');
    }
  }

  async queuedRuns(): Promise<QueuedRun[]> {
    const { rows } = await this.#run(
      'read',
      `SELECT runs.*, queued_runs.request AS queued_request FROM ${this.#t.runs} AS runs JOIN ${this.#t.queued_runs} AS queued_runs ON queued_runs.run_id = runs.run_id
       WHERE runs.status = 'queued' ORDER BY runs.id`,
    );
    return rows.map((row) => ({ run: this.#readRow(runRow, row, 'runs'), request: this.#readRow(queuedRequestRow, row, 'queued_runs') }));
  }

  /**
   * Claims under a transaction-level advisory lock of the instance's run
   * queue: without it, two daemons could each count one started run short of
   * the maximum and both start one. The update itself only moves a run that
   * is still queued, so a run is never claimed twice either way.
   */
  async claimQueuedRun(claim: ClaimQueuedRunRequest): Promise<ClaimQueuedRunResult> {
    try {
      return await this.#transaction(async (client): Promise<ClaimQueuedRunResult> => {
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`strata-run-queue:${this.schema}`]);
        if (claim.maxStartedRuns !== null) {
          const started = await client.query(`SELECT count(*) AS started FROM ${this.#t.runs} WHERE status = 'started'`);
          if (Number(started.rows[0]?.['started']) >= claim.maxStartedRuns) return 'at-capacity';
        }
        const moved = await client.query(
          `UPDATE ${this.#t.runs} SET status = 'started', pid = $2, hostname = $3, started_at = $4 WHERE run_id = $1 AND status = 'queued'`,
          [claim.runId, claim.pid, claim.hostname, claim.startedAt],
        );
        return moved.rowCount === 1 ? 'claimed' : 'gone';
      });
    } catch (error) {
      throw this.#failure(error, 'write');
    }
  }

  /**
   * Locks the run's row before reading its status: a concurrent
   * claimQueuedRun or finishRun waits for this transaction, and a claim then
   * finds the run no longer queued, so the status read is the one acted on.
   * NO KEY UPDATE, not UPDATE: the run's event writes (whose foreign key
   * check takes a key-share lock) are not held up.
   */
  async requestRunCancel(request: RunCancelRequest): Promise<RunCancelResult> {
    const valid = validCancelRequest(request);
    const runEnd = eventParams(canceledBeforeStartEvent(valid), 0);
    try {
      return await this.#transaction(async (client): Promise<RunCancelResult> => {
        const found = await client.query(`SELECT status FROM ${this.#t.runs} WHERE run_id = $1 FOR NO KEY UPDATE`, [valid.runId]);
        const status = found.rows[0]?.['status'];
        if (status === undefined) return 'unknown';
        if (status === 'queued') {
          await client.query(`UPDATE ${this.#t.runs} SET status = 'canceled', ended_at = $2 WHERE run_id = $1`, [valid.runId, valid.at]);
          await client.query(
            `INSERT INTO ${this.#t.events} (run_id, time, type, asset_key, attempt, level, message, data)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json)`,
            [runEnd.runId, runEnd.time, runEnd.type, runEnd.assetKey, runEnd.attempt, runEnd.level, runEnd.message, runEnd.data],
          );
          return 'canceled';
        }
        if (status !== 'started') return 'ended';
        // DO NOTHING: the first request is kept.
        await client.query(
          `INSERT INTO ${this.#t.run_cancellations} (run_id, requested_at, requested_by) VALUES ($1, $2, $3) ON CONFLICT (run_id) DO NOTHING`,
          [valid.runId, valid.at, valid.requestedBy],
        );
        return 'requested';
      });
    } catch (error) {
      throw this.#failure(error, 'write');
    }
  }

  async runCancelRequested(runId: string): Promise<boolean> {
    const { rows } = await this.#run('read', `SELECT EXISTS (SELECT 1 FROM ${this.#t.run_cancellations} WHERE run_id = $1) AS requested`, [runId]);
    return rows[0]?.['requested'] === true;
  }

  async setPoolLimit(pool: string, limit: number | null): Promise<void> {
    validPoolLimit(pool, limit);
    if (limit === null) {
      await this.#run('write', `DELETE FROM ${this.#t.pool_limits} WHERE pool = $1`, [pool]);
    } else {
      await this.#run(
        'write',
        `INSERT INTO ${this.#t.pool_limits} (pool, slot_limit) VALUES ($1, $2) ON CONFLICT (pool) DO UPDATE SET slot_limit = excluded.slot_limit`,
        [pool, limit],
      );
    }
  }

  async poolLimits(): Promise<Map<string, number>> {
    const { rows } = await this.#run('read', `SELECT * FROM ${this.#t.pool_limits} ORDER BY pool`);
    return new Map(rows.map((row) => {
      const limit = this.#readRow(poolLimitRow, row, 'pool_limits');
      return [limit.pool, limit.slot_limit];
    }));
  }

  /**
   * Claims under a transaction-level advisory lock of the pool, so two runs
   * counting the same free slot cannot both take it; times are the
   * database's clock, as in `acquireAssetLease`.
   */
  async claimPoolSlot(request: ClaimPoolSlotRequest): Promise<ClaimPoolSlotResult> {
    const ttlMs = validTtl(request.ttlMs);
    try {
      return await this.#transaction(async (client): Promise<ClaimPoolSlotResult> => {
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`strata-pool:${this.schema}:${request.pool}`]);
        await client.query(`DELETE FROM ${this.#t.pool_slots} WHERE pool = $1 AND (expires_at <= now() OR run_id = $2)`, [
          request.pool,
          request.takeOverFrom ?? null,
        ]);
        const renewed = await client.query(
          `UPDATE ${this.#t.pool_slots} SET expires_at = now() + $4::double precision * interval '1 millisecond'
           WHERE pool = $1 AND run_id = $2 AND asset_key = $3`,
          [request.pool, request.runId, request.assetKey, ttlMs],
        );
        if (renewed.rowCount === 1) return { claimed: true };
        const limits = await client.query(`SELECT slot_limit FROM ${this.#t.pool_limits} WHERE pool = $1`, [request.pool]);
        const limit = limits.rows[0] === undefined ? undefined : Number(limits.rows[0]['slot_limit']);
        const held = await client.query(`SELECT * FROM ${this.#t.pool_slots} WHERE pool = $1 ORDER BY acquired_at, run_id, asset_key`, [request.pool]);
        const holders = held.rows.map((row) => this.#readRow(poolSlotRow, row, 'pool_slots'));
        if (limit !== undefined && holders.length >= limit) return { claimed: false, limit, holders };
        await client.query(
          `INSERT INTO ${this.#t.pool_slots} (pool, run_id, asset_key, pid, hostname, acquired_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, now(), now() + $6::double precision * interval '1 millisecond')`,
          [request.pool, request.runId, request.assetKey, request.pid, request.hostname, ttlMs],
        );
        return { claimed: true };
      });
    } catch (error) {
      throw this.#failure(error, 'write');
    }
  }

  /** Extends the run's slots to the database's `now()` + `ttlMs`; `now` is ignored, as in `claimPoolSlot`. */
  async renewPoolSlots(runId: string, _now: Date, ttlMs: number): Promise<void> {
    await this.#run(
      'write',
      `UPDATE ${this.#t.pool_slots} SET expires_at = now() + $2::double precision * interval '1 millisecond' WHERE run_id = $1`,
      [runId, validTtl(ttlMs)],
    );
  }

  async releasePoolSlot(pool: string, runId: string, assetKey: string): Promise<void> {
    await this.#run('write', `DELETE FROM ${this.#t.pool_slots} WHERE pool = $1 AND run_id = $2 AND asset_key = $3`, [pool, runId, assetKey]);
  }

  async releasePoolSlots(runId: string): Promise<void> {
    await this.#run('write', `DELETE FROM ${this.#t.pool_slots} WHERE run_id = $1`, [runId]);
  }

  /** The slots not expired by the database's `now()`; `now` is ignored, as in `claimPoolSlot`. */
  async poolSlots(_now: Date): Promise<PoolSlot[]> {
    const { rows } = await this.#run('read', `SELECT * FROM ${this.#t.pool_slots} WHERE expires_at > now() ORDER BY pool, acquired_at, run_id, asset_key`);
    return rows.map((row) => this.#readRow(poolSlotRow, row, 'pool_slots'));
  }

  async pruneRuns(olderThan: Date): Promise<PruneResult> {
    if (!(olderThan instanceof Date) || Number.isNaN(olderThan.getTime())) {
      throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', `pruneRuns needs a valid date, got ${String(olderThan)}.`, {
        hint: 'Pass the moment before which finished runs are deleted, such as 30 days ago.',
      });
    }
    try {
      return await this.#transaction(async (client): Promise<PruneResult> => {
        // Concurrent writes can only supersede a latest materialization, never
        // make an older one latest again: the runs kept here stay enough.
        // Latest per (asset, partition): DISTINCT ON counts NULLs as one partition.
        const prunable = await client.query<{ run_ids: string[] }>(
          `SELECT coalesce(array_agg(run_id), '{}') AS run_ids FROM ${this.#t.runs} AS runs
           WHERE status NOT IN ('queued', 'started') AND started_at < $1
             AND NOT EXISTS (
               SELECT 1 FROM (SELECT DISTINCT ON (asset_key, partition) run_id FROM ${this.#t.materializations} ORDER BY asset_key, partition, id DESC) AS latest
               WHERE latest.run_id = runs.run_id)
             AND NOT EXISTS (
               SELECT 1 FROM (SELECT DISTINCT ON (asset_key, check_name) run_id FROM ${this.#t.check_results} ORDER BY asset_key, check_name, id DESC) AS latest
               WHERE latest.run_id = runs.run_id)`,
          [olderThan],
        );
        const runIds = prunable.rows[0]?.run_ids ?? [];
        if (runIds.length === 0) return { runs: 0, events: 0, materializations: 0 };
        const inPruned = 'run_id = ANY($1::text[])';
        // Children first: the foreign keys refuse a run that rows still name.
        await client.query(`UPDATE ${this.#t.launches} SET run_id = NULL WHERE ${inPruned}`, [runIds]);
        const events = await client.query(`DELETE FROM ${this.#t.events} WHERE ${inPruned}`, [runIds]);
        const materializations = await client.query(`DELETE FROM ${this.#t.materializations} WHERE ${inPruned}`, [runIds]);
        await client.query(`DELETE FROM ${this.#t.check_results} WHERE ${inPruned}`, [runIds]);
        await client.query(`DELETE FROM ${this.#t.asset_leases} WHERE ${inPruned}`, [runIds]);
        await client.query(`DELETE FROM ${this.#t.pool_slots} WHERE ${inPruned}`, [runIds]);
        await client.query(`DELETE FROM ${this.#t.queued_runs} WHERE ${inPruned}`, [runIds]);
        await client.query(`DELETE FROM ${this.#t.run_cancellations} WHERE ${inPruned}`, [runIds]);
        const runs = await client.query(`DELETE FROM ${this.#t.runs} WHERE ${inPruned}`, [runIds]);
        return { runs: runs.rowCount ?? 0, events: events.rowCount ?? 0, materializations: materializations.rowCount ?? 0 };
      });
    } catch (error) {
      throw this.#failure(error, 'write');
    }
  }

  async close(): Promise<void> {
    // Every caller awaits the one end: pg refuses to end a pool twice.
    this.#closing ??= this.#pool.end();
    await this.#closing;
  }

  #saveInstigatorSql(): string {
    return `INSERT INTO ${this.#t.instigators} (kind, name, status, started_at, cursor, last_tick_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (kind, name) DO UPDATE SET status = excluded.status, started_at = excluded.started_at,
              cursor = excluded.cursor, last_tick_at = excluded.last_tick_at`;
  }

  /** One statement on any pooled connection, its errors reported as StrataErrors. */
  async #run(kind: 'read' | 'write', sql: string, params: unknown[] = []): Promise<pg.QueryResult<Record<string, unknown>>> {
    try {
      return await this.#pool.query<Record<string, unknown>>(sql, params);
    } catch (error) {
      throw this.#failure(error, kind);
    }
  }

  /**
   * Runs `work` in a transaction on one connection: committed when it
   * returns, rolled back when it throws. Errors are passed on as they are, so
   * the caller can tell a constraint from a failure.
   */
  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        // The connection is gone (the server ends the transaction itself):
        // drop it from the pool instead of handing it to the next caller.
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  #readRow<T>(schema: z.ZodType<T>, row: unknown, table: string): T {
    const parsed = schema.safeParse(row);
    if (parsed.success) return parsed.data;
    throw new StrataError(
      'STRATA_STORAGE_INVALID_ROW',
      `Row ${rowId(row)} of table ${table} in ${this.location} cannot be read: ${describeIssues(parsed.error)}.`,
      {
        hint:
          'The row was changed outside Strata. Restore it, or point Strata at a new schema to start a new instance ' +
          '(every asset is then planned as missing).',
        cause: parsed.error,
      },
    );
  }

  #unknownRun(message: string, cause?: unknown): StrataError {
    return new StrataError('STRATA_STORAGE_UNKNOWN_RUN', message, {
      hint: 'Create the run with createRun before finishing it or writing its events and materializations.',
      cause,
    });
  }

  /** A driver or server error as a StrataError; anything else (a bug) passes through unchanged. */
  #failure(error: unknown, kind: 'read' | 'write'): unknown {
    if (error instanceof StrataError) return error;
    if (isConnectionError(error)) {
      return new StrataError('STRATA_STORAGE_UNAVAILABLE', `Lost the connection to the instance database ${this.location}: ${(error as Error).message}.`, {
        hint: 'Check that Postgres is running and reachable, then run the command again.',
        cause: error,
        retryable: true,
      });
    }
    const state = sqlState(error);
    if (state === undefined) return error;
    if (kind === 'write' && state.startsWith(DATA_EXCEPTION_CLASS)) {
      return new StrataError(
        'STRATA_STORAGE_INVALID_RECORD',
        `Postgres refused a value written to ${this.location}: ${(error as Error).message} (SQLSTATE ${state}). Nothing was written.`,
        { hint: 'Text stored in Postgres cannot hold NUL characters (\\u0000): remove them from messages and names.', cause: error },
      );
    }
    const verb = kind === 'write' ? 'write to' : 'read from';
    return new StrataError(
      kind === 'write' ? 'STRATA_STORAGE_WRITE' : 'STRATA_STORAGE_READ',
      `Could not ${verb} ${this.location}: ${(error as Error).message} (SQLSTATE ${state}).`,
      {
        hint:
          'Check that the database has room and that the role may use the schema and its tables. ' +
          'A schema changed by hand can be set aside by pointing Strata at a new one.',
        cause: error,
      },
    );
  }
}

const TABLES = [
  'runs',
  'events',
  'materializations',
  'code_manifests',
  'instance_properties',
  'instigators',
  'ticks',
  'launches',
  'asset_leases',
  'queued_runs',
  'pool_limits',
  'pool_slots',
  'run_cancellations',
  'check_results',
  'dynamic_partitions',
  'backfills',
  'backfill_targets',
] as const;
type TableName = (typeof TABLES)[number];

// SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';
const DATA_EXCEPTION_CLASS = '22';

function openError(error: unknown, location: string): unknown {
  if (error instanceof StrataError) return error;
  const state = sqlState(error);
  if (isConnectionError(error) || state === '28P01' || state === '28000' || state === '3D000' || state === '42501') {
    return new StrataError('STRATA_STORAGE_OPEN', `Cannot open the instance database ${location}: ${(error as Error).message}.`, {
      hint:
        'Check the connection string (host, port, user, password, database), that Postgres is running there, ' +
        'and that the role may create the schema (or that someone who may has opened it once).',
      cause: error,
    });
  }
  return error;
}

/** The connection string without its password, and the schema: safe to print. */
function describeLocation(connectionString: string, schema: string): string {
  let database = 'the Postgres database';
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    url.search = '';
    database = url.toString();
  } catch {
    // A key=value connection string: it may hold a password anywhere, so none of it is printed.
  }
  return `${database} (schema "${schema}")`;
}

function validTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', `A lease's ttlMs must be a finite number of milliseconds, 0 or more; got ${ttlMs}.`, {
      hint: 'Pass how long the lease lasts without a renewal, such as 30000.',
    });
  }
  return ttlMs;
}

/** The values of each named field, one array per field, for `unnest`. */
function columns<T, K extends keyof T>(records: readonly T[], keys: readonly K[]): unknown[][] {
  return keys.map((key) => records.map((record) => record[key]));
}

function instigatorParams(state: InstigatorState): unknown[] {
  const valid = validRecord(instigatorStateSchema, state, `the state of ${state.kind} "${state.name}"`);
  return [valid.kind, valid.name, valid.status, valid.startedAt, valid.cursor, valid.lastTickAt];
}

function eventParams(event: RunEvent, index: number) {
  const what = `events[${index}]`;
  const valid = validRecord(runEventSchema, event, what);
  return { ...valid, data: valid.data === null ? null : toJson(valid.data, `${what}.data`) };
}

function materializationParams(record: MaterializationRecord, index: number) {
  const what = `materializations[${index}]`;
  const valid = validRecord(materializationRecordSchema, record, what);
  return {
    ...valid,
    inputDataVersions: JSON.stringify(valid.inputDataVersions),
    configVersions: JSON.stringify(valid.configVersions),
    reasons: JSON.stringify(valid.reasons),
    metadata: toJson(valid.metadata, `${what}.metadata`),
  };
}

/** `null` (LIMIT NULL: no limit) when none is given. */
function sqlLimit(limit: number | undefined): number | null {
  if (limit === undefined) return null;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', `A limit must be a positive integer, got ${limit}.`, {
      hint: 'Leave the limit out to get every record.',
    });
  }
  return limit;
}

/*
 * Stored rows, parsed back into records. Columns are snake_case; the driver
 * gives timestamptz as Dates, ids as numbers and json columns as text (see
 * typeParsers), checked here against the record schemas.
 */

const { runRow, reexecutedByColumn, eventRow, materializationRow, codeManifestRow, instigatorRow, leaseRow, tickRow, poolSlotRow, queuedRequestRow, poolLimitRow, checkResultRow, dynamicPartitionRow, backfillRow, backfillTargetRow, backfillCountRow } = storedRowSchemas(z.date());
