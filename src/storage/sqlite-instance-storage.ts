import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
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
  type NewRunRecord,
  type RunRecord,
  newRunRecordSchema,
  type RunTags,
  type StoredBackfill,
  type StoredRunEvent,
  type StoredTick,
  type TickRecord,
  tickRecordSchema,
  type WriteBatch,
} from './instance-storage.js';
import { SQLITE_DATABASE_FILE } from './sqlite-database-file.js';
import { migrateSqlite } from './sqlite-migrations.js';
import {
  type BackfillTargetParams,
  canceledBeforeStartEvent,
  countsByBackfill,
  duplicateBackfill,
  noTargets,
  unknownBackfill,
  unknownBackfillTargets,
  validBackfill,
  validBackfillEnd,
  validBackfillUpdates,
  checkResultParams,
  describeIssues,
  duplicateRun,
  invalidRecord,
  manifestParams,
  byCheckKey,
  byPartition,
  keysByName,
  keysIn,
  quoteList,
  rowId,
  runEndSchema,
  runJsonColumns,
  storedRowSchemas,
  toJson,
  validCancelRequest,
  validAfterSeq,
  validDynamicPartitions,
  validPoolLimit,
  validQueuedRun,
  validRecord,
  validTagFilter,
} from './stored-records.js';

/** Where `SqliteInstanceStorage.open` finds the database: `<home>/strata.db`, or a private in-memory one. */
export type SqliteInstanceStorageOptions = { readonly home: string } | { readonly path: ':memory:' };

/**
 * How long a statement waits for another process's write to finish before
 * failing with SQLITE_BUSY. Transactions here are a few milliseconds long, so
 * reaching it means something holds the database far longer than Strata does.
 */
const BUSY_TIMEOUT_MS = 5000;
const WAL_RETRY_DELAY_MS = 5;
/** The `instance_properties` row that holds the instance key. */
const INSTANCE_KEY = 'instance-key';

/**
 * Instance storage in one SQLite file (WAL mode), shared safely by several
 * processes on one machine: the CLI, the daemon and the runs they start.
 *
 * Hazard: better-sqlite3 is synchronous. Every method blocks the event loop
 * for its query, and for up to 5 s while another process holds the write lock.
 *
 * @example
 * const storage = await SqliteInstanceStorage.open({ home: process.env.STRATA_HOME ?? '.strata' });
 * try {
 *   const latest = await storage.latestMaterializations(['customers', 'orders']);
 * } finally {
 *   await storage.close();
 * }
 */
export class SqliteInstanceStorage implements InstanceStorage {
  /** The database file, or `:memory:`; used in messages. */
  readonly location: string;

  readonly #db: Database.Database;
  readonly #insertRun: Database.Statement;
  readonly #finishRun: Database.Statement;
  readonly #getRun: Database.Statement;
  readonly #existingRuns: Database.Statement;
  readonly #listRuns: Database.Statement;
  readonly #listRunsWithStatus: Database.Statement;
  readonly #listRunsWithTags: Database.Statement;
  readonly #failedRuns: Database.Statement;
  readonly #insertEvent: Database.Statement;
  readonly #insertMaterialization: Database.Statement;
  readonly #runEvents: Database.Statement;
  readonly #latestMaterializations: Database.Statement;
  readonly #latestMaterializationsOf: Database.Statement;
  readonly #latestPartitionMaterializations: Database.Statement;
  readonly #latestPartitionMaterializationsOf: Database.Statement;
  readonly #materializationHistory: Database.Statement;
  readonly #partitionHistory: Database.Statement;
  readonly #wipeMaterializations: Database.Transaction<(assetKeys: string) => number>;
  readonly #dynamicPartitionKeys: Database.Statement;
  readonly #addDynamicPartitions: Database.Transaction<(name: string, keys: readonly string[]) => Set<string>>;
  readonly #removeDynamicPartitions: Database.Transaction<(name: string, keys: readonly string[]) => Set<string>>;
  readonly #createBackfill: Database.Transaction<(backfill: Record<string, unknown>, targets: readonly BackfillTargetParams[]) => void>;
  readonly #getBackfill: Database.Statement;
  readonly #listBackfills: Database.Statement;
  readonly #backfillCounts: Database.Statement;
  readonly #backfillTargets: Database.Statement;
  readonly #backfillTargetsWithStatus: Database.Statement;
  readonly #updateBackfillTargets: Database.Transaction<(id: string, updates: readonly BackfillTargetParams[]) => void>;
  readonly #finishBackfill: Database.Statement;
  readonly #insertCheckResults: Database.Transaction<(results: readonly Record<string, unknown>[]) => void>;
  readonly #latestCheckResults: Database.Statement;
  readonly #latestCheckResultsOf: Database.Statement;
  readonly #checkResultHistory: Database.Statement;
  readonly #insertCodeManifest: Database.Statement;
  readonly #codeManifests: Database.Statement;
  readonly #insertProperty: Database.Statement;
  readonly #getProperty: Database.Statement;
  readonly #writeBatch: Database.Transaction<(events: EventParams[], materializations: MaterializationParams[], manifests: ManifestParams[]) => void>;
  readonly #getInstigator: Database.Statement;
  readonly #listInstigators: Database.Statement;
  readonly #saveInstigator: Database.Statement;
  readonly #insertTick: Database.Statement;
  readonly #recordTick: Database.Transaction<(tick: TickParams, state: InstigatorParams) => number>;
  readonly #listTicks: Database.Statement;
  readonly #insertLaunch: Database.Statement;
  readonly #launchedRunKeys: Database.Statement;
  readonly #startedRunsOfJob: Database.Statement;
  readonly #getLease: Database.Statement;
  readonly #upsertLease: Database.Statement;
  readonly #acquireLease: Database.Transaction<(request: AcquireLeaseRequest) => AcquireLeaseResult>;
  readonly #renewLeases: Database.Statement;
  readonly #releaseLease: Database.Statement;
  readonly #releaseLeases: Database.Statement;
  readonly #pruneRuns: Database.Transaction<(olderThan: number) => PruneResult>;
  readonly #enqueueRun: Database.Transaction<(run: Record<string, unknown>) => void>;
  readonly #queuedRuns: Database.Statement;
  readonly #claimQueuedRun: Database.Transaction<(claim: ClaimQueuedRunRequest) => ClaimQueuedRunResult>;
  readonly #requestRunCancel: Database.Transaction<(request: RunCancelRequest, runEnd: EventParams) => RunCancelResult>;
  readonly #runCancelRequested: Database.Statement;
  readonly #setPoolLimit: Database.Statement;
  readonly #removePoolLimit: Database.Statement;
  readonly #poolLimits: Database.Statement;
  readonly #claimPoolSlot: Database.Transaction<(request: ClaimPoolSlotRequest) => ClaimPoolSlotResult>;
  readonly #renewPoolSlots: Database.Statement;
  readonly #releasePoolSlot: Database.Statement;
  readonly #releasePoolSlots: Database.Statement;
  readonly #poolSlots: Database.Statement;

  /**
   * Opens (creating it when missing) the database, and migrates its schema
   * forward. Throws `STRATA_STORAGE_TOO_NEW` for a database written by a newer
   * Strata, `STRATA_STORAGE_CORRUPT` for a file that is not a SQLite database,
   * `STRATA_STORAGE_OPEN` when the home folder or file cannot be opened.
   */
  static async open(options: SqliteInstanceStorageOptions): Promise<SqliteInstanceStorage> {
    let location: string;
    if ('home' in options) {
      await createHome(options.home);
      location = path.join(options.home, SQLITE_DATABASE_FILE);
    } else {
      location = options.path;
    }
    let db: Database.Database | undefined;
    try {
      // The busy timeout is set by the constructor, before any statement, so
      // migrating waits for a concurrent opener too.
      db = new Database(location, { timeout: BUSY_TIMEOUT_MS });
      await enableWal(db);
      // NORMAL is durable in WAL mode except for the last transactions on power
      // loss, and never corrupts.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrateSqlite(db, location);
      return new SqliteInstanceStorage(db, location);
    } catch (error) {
      db?.close();
      throw openError(error, location);
    }
  }

  private constructor(db: Database.Database, location: string) {
    this.#db = db;
    this.location = location;
    this.#insertRun = db.prepare(
      `INSERT INTO runs (run_id, status, selection, triggered_by, started_at, ended_at, pid, hostname, tags, parent_run_id, request)
       VALUES (@runId, @status, @selection, @trigger, @startedAt, @endedAt, @pid, @hostname, @tags, @parentRunId, @request)`,
    );
    this.#finishRun = db.prepare('UPDATE runs SET status = @status, ended_at = @endedAt WHERE run_id = @runId');
    this.#getRun = db.prepare('SELECT * FROM runs WHERE run_id = ?');
    // A list of ids or keys is passed as one JSON array, so the statement is prepared once whatever its length.
    this.#existingRuns = db
      .prepare('SELECT run_id FROM runs WHERE run_id IN (SELECT value FROM json_each(?))')
      .pluck();
    // LIMIT -1 means no limit, so one statement serves both.
    this.#listRuns = db.prepare('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?');
    this.#listRunsWithStatus = db.prepare(
      'SELECT * FROM runs WHERE status = ? ORDER BY started_at DESC, id DESC LIMIT ?',
    );
    // Every wanted tag (a JSON object) must be among the run's: no wanted tag is missing.
    this.#listRunsWithTags = db.prepare(
      `SELECT * FROM runs WHERE (@status IS NULL OR status = @status)
         AND NOT EXISTS (SELECT 1 FROM json_each(@tags) AS wanted
           WHERE NOT EXISTS (SELECT 1 FROM json_each(runs.tags) AS tag WHERE tag.key = wanted.key AND tag.value = wanted.value))
       ORDER BY started_at DESC, id DESC LIMIT @limit`,
    );
    // The newest child of each failed run is found through runs_by_parent, not by reading every run.
    this.#failedRuns = db.prepare(
      `SELECT runs.*, (SELECT child.run_id FROM runs AS child WHERE child.parent_run_id = runs.run_id
         ORDER BY child.started_at DESC, child.id DESC LIMIT 1) AS reexecuted_by
       FROM runs WHERE status IN ('failed', 'canceled') ORDER BY started_at DESC, id DESC`,
    );
    this.#insertEvent = db.prepare(
      `INSERT INTO events (run_id, time, type, asset_key, attempt, level, message, data)
       VALUES (@runId, @time, @type, @assetKey, @attempt, @level, @message, @data)`,
    );
    this.#insertMaterialization = db.prepare(
      `INSERT INTO materializations (run_id, asset_key, partition, materialized_at, code_version, data_version,
         input_data_versions, config_versions, reasons, duration_ms, metadata)
       VALUES (@runId, @assetKey, @partition, @materializedAt, @codeVersion, @dataVersion,
         @inputDataVersions, @configVersions, @reasons, @durationMs, @metadata)`,
    );
    // A version's manifest never changes (the version is its hash), so the first one stored stays.
    this.#insertCodeManifest = db.prepare('INSERT OR IGNORE INTO code_manifests (code_version, manifest) VALUES (@codeVersion, @manifest)');
    this.#codeManifests = db.prepare('SELECT * FROM code_manifests WHERE code_version IN (SELECT value FROM json_each(?)) ORDER BY code_version');
    this.#insertProperty = db.prepare('INSERT OR IGNORE INTO instance_properties (name, value) VALUES (?, ?)');
    this.#getProperty = db.prepare('SELECT value FROM instance_properties WHERE name = ?').pluck();
    this.#runEvents = db.prepare('SELECT * FROM events WHERE run_id = ? AND seq > ? ORDER BY seq');
    // Latest = highest id (insertion order), never the largest timestamp;
    // these two read unpartitioned records only.
    this.#latestMaterializations = db.prepare(
      `SELECT * FROM materializations
       WHERE id IN (SELECT MAX(id) FROM materializations WHERE partition IS NULL GROUP BY asset_key)
       ORDER BY asset_key`,
    );
    this.#latestMaterializationsOf = db.prepare(
      `SELECT * FROM materializations
       WHERE id IN (SELECT MAX(id) FROM materializations
                    WHERE asset_key IN (SELECT value FROM json_each(?)) AND partition IS NULL GROUP BY asset_key)
       ORDER BY asset_key`,
    );
    this.#latestPartitionMaterializations = db.prepare(
      `SELECT * FROM materializations
       WHERE id IN (SELECT MAX(id) FROM materializations WHERE asset_key = ? AND partition IS NOT NULL GROUP BY partition)
       ORDER BY partition`,
    );
    // The partitions asked for come as one JSON array, however many there are.
    this.#latestPartitionMaterializationsOf = db.prepare(
      `SELECT * FROM materializations
       WHERE id IN (SELECT MAX(id) FROM materializations
                    WHERE asset_key = ? AND partition IN (SELECT value FROM json_each(?)) GROUP BY partition)`,
    );
    this.#materializationHistory = db.prepare(
      'SELECT * FROM materializations WHERE asset_key = ? ORDER BY id DESC LIMIT ?',
    );
    // Its own statement rather than `(? IS NULL OR partition = ?)`, so that it
    // seeks materializations_by_partition instead of walking the asset's history.
    this.#partitionHistory = db.prepare(
      'SELECT * FROM materializations WHERE asset_key = ? AND partition = ? ORDER BY id DESC LIMIT ?',
    );
    const wipeCheckResults = db.prepare('DELETE FROM check_results WHERE asset_key IN (SELECT value FROM json_each(?))');
    const wipeMaterializations = db.prepare('DELETE FROM materializations WHERE asset_key IN (SELECT value FROM json_each(?))');
    this.#wipeMaterializations = db.transaction((assetKeys: string) => {
      wipeCheckResults.run(assetKeys);
      return wipeMaterializations.run(assetKeys).changes;
    });
    this.#dynamicPartitionKeys = db.prepare('SELECT name, partition_key FROM dynamic_partitions ORDER BY name, id');
    // OR IGNORE: a key held already keeps its place in the order.
    const insertDynamicKey = db.prepare('INSERT OR IGNORE INTO dynamic_partitions (name, partition_key) VALUES (?, ?)');
    this.#addDynamicPartitions = db.transaction(
      (name: string, keys: readonly string[]) => new Set(keys.filter((key) => insertDynamicKey.run(name, key).changes === 1)),
    );
    const deleteDynamicKey = db.prepare('DELETE FROM dynamic_partitions WHERE name = ? AND partition_key = ?');
    this.#removeDynamicPartitions = db.transaction(
      (name: string, keys: readonly string[]) => new Set(keys.filter((key) => deleteDynamicKey.run(name, key).changes === 1)),
    );
    const insertBackfill = db.prepare(
      `INSERT INTO backfills (backfill_id, created_at, status, request, ended_at)
       VALUES (@id, @createdAt, @status, @request, @endedAt)`,
    );
    const insertTarget = db.prepare(
      `INSERT INTO backfill_targets (backfill_id, asset_key, partition, position, status, run_id)
       VALUES (@backfillId, @assetKey, @partition, @position, @status, @runId)`,
    );
    this.#createBackfill = db.transaction((backfill: Record<string, unknown>, targets: readonly BackfillTargetParams[]) => {
      insertBackfill.run(backfill);
      targets.forEach((target, position) => insertTarget.run({ ...target, backfillId: backfill['id'], position }));
    });
    this.#getBackfill = db.prepare('SELECT * FROM backfills WHERE backfill_id = ?');
    this.#listBackfills = db.prepare('SELECT * FROM backfills ORDER BY created_at DESC, id DESC LIMIT ?');
    this.#backfillCounts = db.prepare(
      `SELECT backfill_id, status, count(*) AS count FROM backfill_targets
       WHERE backfill_id IN (SELECT value FROM json_each(?)) GROUP BY backfill_id, status`,
    );
    this.#backfillTargets = db.prepare('SELECT * FROM backfill_targets WHERE backfill_id = ? ORDER BY position');
    this.#backfillTargetsWithStatus = db.prepare('SELECT * FROM backfill_targets WHERE backfill_id = ? AND status = ? ORDER BY position');
    const backfillExists = db.prepare('SELECT EXISTS (SELECT 1 FROM backfills WHERE backfill_id = ?)').pluck();
    const updateTarget = db.prepare(
      `UPDATE backfill_targets SET status = @status, run_id = @runId
       WHERE backfill_id = @backfillId AND asset_key = @assetKey AND partition = @partition`,
    );
    // Throwing rolls every update back.
    this.#updateBackfillTargets = db.transaction((id: string, updates: readonly BackfillTargetParams[]) => {
      if (backfillExists.get(id) !== 1) throw unknownBackfill(id, this.location);
      const missing = updates.filter((update) => updateTarget.run({ ...update, backfillId: id }).changes === 0);
      if (missing.length > 0) throw unknownBackfillTargets(id, this.location, missing);
    });
    this.#finishBackfill = db.prepare('UPDATE backfills SET status = ?, ended_at = ? WHERE backfill_id = ?');
    const insertCheckResult = db.prepare(
      `INSERT INTO check_results (run_id, asset_key, check_name, partition, check_version, status, severity, blocking,
         failing, sample, metadata, data_versions, duration_ms, checked_at)
       VALUES (@runId, @assetKey, @checkName, @partition, @checkVersion, @status, @severity, @blocking,
         @failing, @sample, @metadata, @dataVersions, @durationMs, @checkedAt)`,
    );
    this.#insertCheckResults = db.transaction((results: readonly Record<string, unknown>[]) => {
      for (const result of results) insertCheckResult.run(result);
    });
    // Latest = highest id per check, as for materializations.
    const latestCheckIds = 'SELECT MAX(id) FROM check_results';
    this.#latestCheckResults = db.prepare(`SELECT * FROM check_results WHERE id IN (${latestCheckIds} GROUP BY asset_key, check_name) ORDER BY asset_key, check_name`);
    this.#latestCheckResultsOf = db.prepare(
      `SELECT * FROM check_results WHERE id IN (${latestCheckIds} WHERE asset_key IN (SELECT value FROM json_each(?)) GROUP BY asset_key, check_name)
       ORDER BY asset_key, check_name`,
    );
    this.#checkResultHistory = db.prepare(
      'SELECT * FROM check_results WHERE asset_key = @assetKey AND (@checkName IS NULL OR check_name = @checkName) ORDER BY id DESC LIMIT @limit',
    );
    this.#writeBatch = db.transaction((events: EventParams[], materializations: MaterializationParams[], manifests: ManifestParams[]) => {
      for (const event of events) this.#insertEvent.run(event);
      for (const materialization of materializations) this.#insertMaterialization.run(materialization);
      for (const manifest of manifests) this.#insertCodeManifest.run(manifest);
    });
    this.#getInstigator = db.prepare('SELECT * FROM instigators WHERE kind = ? AND name = ?');
    this.#listInstigators = db.prepare('SELECT * FROM instigators ORDER BY kind, name');
    this.#saveInstigator = db.prepare(
      `INSERT INTO instigators (kind, name, status, started_at, cursor, last_tick_at)
       VALUES (@kind, @name, @status, @startedAt, @cursor, @lastTickAt)
       ON CONFLICT (kind, name) DO UPDATE SET status = excluded.status, started_at = excluded.started_at,
         cursor = excluded.cursor, last_tick_at = excluded.last_tick_at`,
    );
    this.#insertTick = db.prepare(
      `INSERT INTO ticks (kind, name, tick_time, evaluated_at, status, run_ids, skip_reason, error, cursor)
       VALUES (@kind, @name, @tickTime, @evaluatedAt, @status, @runIds, @skipReason, @error, @cursor)`,
    );
    this.#recordTick = db.transaction((tick: TickParams, state: InstigatorParams) => {
      const id = Number(this.#insertTick.run(tick).lastInsertRowid);
      this.#saveInstigator.run(state);
      return id;
    });
    this.#listTicks = db.prepare(
      `SELECT * FROM ticks WHERE (@kind IS NULL OR kind = @kind) AND (@name IS NULL OR name = @name)
       ORDER BY id DESC LIMIT @limit`,
    );
    this.#insertLaunch = db.prepare(
      `INSERT INTO launches (triggered_by, job, run_key, run_id, launched_at)
       VALUES (@trigger, @job, @runKey, @runId, @launchedAt)`,
    );
    this.#launchedRunKeys = db
      .prepare('SELECT run_key FROM launches WHERE triggered_by = ? AND run_key IN (SELECT value FROM json_each(?))')
      .pluck();
    this.#startedRunsOfJob = db.prepare(
      `SELECT runs.* FROM runs JOIN launches ON launches.run_id = runs.run_id
       WHERE launches.job = ? AND runs.status = 'started'
       ORDER BY runs.started_at DESC, runs.id DESC`,
    );
    this.#getLease = db.prepare('SELECT * FROM asset_leases WHERE asset_key = ?');
    this.#upsertLease = db.prepare(
      `INSERT INTO asset_leases (asset_key, run_id, pid, hostname, acquired_at, expires_at)
       VALUES (@assetKey, @runId, @pid, @hostname, @now, @expiresAt)
       ON CONFLICT (asset_key) DO UPDATE SET run_id = excluded.run_id, pid = excluded.pid, hostname = excluded.hostname,
         acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
    );
    // Immediate, so two runs racing for one asset serialise on the write lock
    // and the second sees the first's lease.
    this.#acquireLease = db.transaction((request: AcquireLeaseRequest): AcquireLeaseResult => {
      const row = this.#getLease.get(request.assetKey);
      const holder = row === undefined ? undefined : this.#readRow(leaseRow, row, 'asset_leases');
      const free =
        holder === undefined ||
        holder.runId === request.runId ||
        holder.runId === request.takeOverFrom ||
        holder.expiresAt.getTime() <= request.now.getTime();
      if (!free) return { acquired: false, holder };
      this.#upsertLease.run({
        assetKey: request.assetKey,
        runId: request.runId,
        pid: request.pid,
        hostname: request.hostname,
        now: request.now.getTime(),
        expiresAt: request.now.getTime() + request.ttlMs,
      });
      return { acquired: true };
    });
    this.#renewLeases = db.prepare('UPDATE asset_leases SET expires_at = ? WHERE run_id = ?');
    this.#releaseLease = db.prepare('DELETE FROM asset_leases WHERE asset_key = ? AND run_id = ?');
    this.#releaseLeases = db.prepare('DELETE FROM asset_leases WHERE run_id = ?');
    // Not the runs that hold the latest materialization of an asset or of one
    // of its partitions: latest is MAX(id) per (asset, partition), NULL being one group.
    const prunableRuns = db
      .prepare(
        `SELECT run_id FROM runs WHERE status NOT IN ('queued', 'started') AND started_at < ?
           AND run_id NOT IN (SELECT run_id FROM materializations
                              WHERE id IN (SELECT MAX(id) FROM materializations GROUP BY asset_key, partition))
           AND run_id NOT IN (SELECT run_id FROM check_results
                              WHERE id IN (SELECT MAX(id) FROM check_results GROUP BY asset_key, check_name))`,
      )
      .pluck();
    const inPruned = 'run_id IN (SELECT value FROM json_each(?))';
    const unlinkLaunches = db.prepare(`UPDATE launches SET run_id = NULL WHERE ${inPruned}`);
    const deleteEvents = db.prepare(`DELETE FROM events WHERE ${inPruned}`);
    const deleteMaterializations = db.prepare(`DELETE FROM materializations WHERE ${inPruned}`);
    const deleteCheckResults = db.prepare(`DELETE FROM check_results WHERE ${inPruned}`);
    const deleteLeases = db.prepare(`DELETE FROM asset_leases WHERE ${inPruned}`);
    const deleteSlots = db.prepare(`DELETE FROM pool_slots WHERE ${inPruned}`);
    const deleteRequests = db.prepare(`DELETE FROM queued_runs WHERE ${inPruned}`);
    const deleteCancellations = db.prepare(`DELETE FROM run_cancellations WHERE ${inPruned}`);
    const deleteRuns = db.prepare(`DELETE FROM runs WHERE ${inPruned}`);
    this.#pruneRuns = db.transaction((olderThan: number): PruneResult => {
      const runIds = JSON.stringify(prunableRuns.all(olderThan));
      // Children first: the foreign keys refuse a run that rows still name.
      unlinkLaunches.run(runIds);
      const events = deleteEvents.run(runIds).changes;
      const materializations = deleteMaterializations.run(runIds).changes;
      deleteCheckResults.run(runIds);
      deleteLeases.run(runIds);
      deleteSlots.run(runIds);
      deleteRequests.run(runIds);
      deleteCancellations.run(runIds);
      const runs = deleteRuns.run(runIds).changes;
      return { runs, events, materializations };
    });

    const insertRequest = db.prepare('INSERT INTO queued_runs (run_id, request) VALUES (?, ?)');
    this.#enqueueRun = db.transaction((run: Record<string, unknown>) => {
      this.#insertRun.run(run);
      insertRequest.run(run['runId'], run['request']);
    });
    this.#queuedRuns = db.prepare(
      `SELECT runs.*, queued_runs.request AS queued_request FROM runs JOIN queued_runs ON queued_runs.run_id = runs.run_id
       WHERE runs.status = 'queued' ORDER BY runs.id`,
    );
    const countStarted = db.prepare("SELECT count(*) FROM runs WHERE status = 'started'").pluck();
    const startQueued = db.prepare(
      `UPDATE runs SET status = 'started', pid = @pid, hostname = @hostname, started_at = @startedAt
       WHERE run_id = @runId AND status = 'queued'`,
    );
    // Immediate (see claimQueuedRun): the count and the update see the same runs.
    this.#claimQueuedRun = db.transaction((claim: ClaimQueuedRunRequest): ClaimQueuedRunResult => {
      if (claim.maxStartedRuns !== null && (countStarted.get() as number) >= claim.maxStartedRuns) return 'at-capacity';
      const { runId, pid, hostname, startedAt } = claim;
      return startQueued.run({ runId, pid, hostname, startedAt: startedAt.getTime() }).changes === 1 ? 'claimed' : 'gone';
    });
    const runStatus = db.prepare('SELECT status FROM runs WHERE run_id = ?').pluck();
    const cancelQueued = db.prepare("UPDATE runs SET status = 'canceled', ended_at = ? WHERE run_id = ? AND status = 'queued'");
    // OR IGNORE: the first request is kept.
    const insertCancellation = db.prepare(
      'INSERT OR IGNORE INTO run_cancellations (run_id, requested_at, requested_by) VALUES (@runId, @at, @requestedBy)',
    );
    // Immediate, as claimQueuedRun is: a claim and a cancellation serialise on
    // the write lock, so the status read here is the one the write acts on.
    this.#requestRunCancel = db.transaction((request: RunCancelRequest, runEnd: EventParams): RunCancelResult => {
      const status = runStatus.get(request.runId) as string | undefined;
      if (status === undefined) return 'unknown';
      if (status === 'queued') {
        cancelQueued.run(request.at.getTime(), request.runId);
        this.#insertEvent.run(runEnd);
        return 'canceled';
      }
      if (status !== 'started') return 'ended';
      insertCancellation.run({ runId: request.runId, at: request.at.getTime(), requestedBy: request.requestedBy });
      return 'requested';
    });
    this.#runCancelRequested = db.prepare('SELECT EXISTS (SELECT 1 FROM run_cancellations WHERE run_id = ?)').pluck();
    this.#setPoolLimit = db.prepare(
      'INSERT INTO pool_limits (pool, slot_limit) VALUES (?, ?) ON CONFLICT (pool) DO UPDATE SET slot_limit = excluded.slot_limit',
    );
    this.#removePoolLimit = db.prepare('DELETE FROM pool_limits WHERE pool = ?');
    this.#poolLimits = db.prepare('SELECT * FROM pool_limits ORDER BY pool');
    const limitOf = db.prepare('SELECT slot_limit FROM pool_limits WHERE pool = ?').pluck();
    const freeSlots = db.prepare('DELETE FROM pool_slots WHERE pool = @pool AND (expires_at <= @now OR run_id = @takeOverFrom)');
    const renewSlot = db.prepare('UPDATE pool_slots SET expires_at = @expiresAt WHERE pool = @pool AND run_id = @runId AND asset_key = @assetKey');
    const slotsIn = db.prepare('SELECT * FROM pool_slots WHERE pool = ? ORDER BY acquired_at, run_id, asset_key');
    const insertSlot = db.prepare(
      `INSERT INTO pool_slots (pool, run_id, asset_key, pid, hostname, acquired_at, expires_at)
       VALUES (@pool, @runId, @assetKey, @pid, @hostname, @now, @expiresAt)`,
    );
    // Immediate, as for leases: claims in one pool serialise on the write lock.
    this.#claimPoolSlot = db.transaction((request: ClaimPoolSlotRequest): ClaimPoolSlotResult => {
      const now = request.now.getTime();
      const params = { pool: request.pool, runId: request.runId, assetKey: request.assetKey, expiresAt: now + request.ttlMs };
      freeSlots.run({ pool: request.pool, now, takeOverFrom: request.takeOverFrom ?? null });
      if (renewSlot.run(params).changes === 1) return { claimed: true };
      const limit = limitOf.get(request.pool) as number | undefined;
      const holders = slotsIn.all(request.pool).map((row) => this.#readRow(poolSlotRow, row, 'pool_slots'));
      if (limit !== undefined && holders.length >= limit) return { claimed: false, limit, holders };
      insertSlot.run({ ...params, pid: request.pid, hostname: request.hostname, now });
      return { claimed: true };
    });
    this.#renewPoolSlots = db.prepare('UPDATE pool_slots SET expires_at = ? WHERE run_id = ?');
    this.#releasePoolSlot = db.prepare('DELETE FROM pool_slots WHERE pool = ? AND run_id = ? AND asset_key = ?');
    this.#releasePoolSlots = db.prepare('DELETE FROM pool_slots WHERE run_id = ?');
    this.#poolSlots = db.prepare('SELECT * FROM pool_slots WHERE expires_at > ? ORDER BY pool, acquired_at, run_id, asset_key');
  }

  async createRun(run: NewRunRecord): Promise<void> {
    const valid = validRecord(newRunRecordSchema, run, `run "${run.runId}"`);
    try {
      this.#insertRun.run(runParams(valid));
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE') throw duplicateRun(run.runId, this.location, error);
      throw this.#writeError(error);
    }
  }

  async finishRun(runId: string, status: FinalRunStatus, endedAt: Date): Promise<void> {
    const parsed = runEndSchema.safeParse({ status, endedAt });
    if (!parsed.success) throw invalidRecord(`the end of run "${runId}"`, parsed.error);
    let changes: number;
    try {
      changes = this.#finishRun.run({ runId, status, endedAt: endedAt.getTime() }).changes;
    } catch (error) {
      throw this.#writeError(error);
    }
    if (changes === 0) throw this.#unknownRun(`Cannot finish run "${runId}": it does not exist in ${this.location}.`);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.#getRun.get(runId);
    return row === undefined ? undefined : this.#readRow(runRow, row, 'runs');
  }

  async listRuns(options: { readonly limit?: number; readonly status?: RunRecord['status']; readonly tags?: RunTags } = {}): Promise<RunRecord[]> {
    const limit = sqlLimit(options.limit);
    const tags = validTagFilter(options.tags);
    const rows =
      tags !== undefined
        ? this.#listRunsWithTags.all({ status: options.status ?? null, tags, limit })
        : options.status === undefined
          ? this.#listRuns.all(limit)
          : this.#listRunsWithStatus.all(options.status, limit);
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
    return this.#failedRuns.all().map((row) => ({ run: this.#readRow(runRow, row, 'runs'), reexecutedBy: this.#readRow(reexecutedByColumn, row, 'runs') }));
  }

  async write(batch: WriteBatch): Promise<void> {
    // Validate and serialize everything first: a bad record is reported before
    // the write lock is taken, and by its position in the batch.
    const events = (batch.events ?? []).map((event, index) => eventParams(event, index));
    const materializations = (batch.materializations ?? []).map((record, index) =>
      materializationParams(record, index),
    );
    const manifests = [...(batch.codeManifests ?? new Map<string, CodeManifest>())].map(([codeVersion, manifest]) => manifestParams(codeVersion, manifest));
    if (events.length === 0 && materializations.length === 0 && manifests.length === 0) return;
    try {
      // IMMEDIATE takes the write lock up front. A deferred transaction that
      // must upgrade from reader to writer gets SQLITE_BUSY at once in WAL mode,
      // without waiting for the busy timeout.
      this.#writeBatch.immediate(events, materializations, manifests);
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        const named = [...new Set([...events, ...materializations].map((record) => record.runId))];
        const existing = new Set(this.#existingRuns.all(JSON.stringify(named)) as string[]);
        const missing = named.filter((runId) => !existing.has(runId)).sort();
        throw this.#unknownRun(
          `The batch names ${quoteList(missing, 'run')}, which ${missing.length === 1 ? 'does' : 'do'} not exist in ${this.location}; nothing from the batch was written.`,
          error,
        );
      }
      throw this.#writeError(error);
    }
  }

  async runEvents(runId: string, options: { readonly afterSeq?: number } = {}): Promise<StoredRunEvent[]> {
    return this.#runEvents.all(runId, validAfterSeq(options.afterSeq)).map((row) => this.#readRow(eventRow, row, 'events'));
  }

  async latestMaterializations(assetKeys?: readonly string[]): Promise<Map<string, MaterializationRecord>> {
    const rows =
      assetKeys === undefined
        ? this.#latestMaterializations.all()
        : this.#latestMaterializationsOf.all(JSON.stringify(assetKeys));
    const latest = new Map<string, MaterializationRecord>();
    for (const row of rows) {
      const record = this.#readRow(materializationRow, row, 'materializations');
      latest.set(record.assetKey, record);
    }
    return latest;
  }

  async latestPartitionMaterializations(assetKey: string, partitions?: readonly string[]): Promise<Map<string, MaterializationRecord>> {
    const rows =
      partitions === undefined
        ? this.#latestPartitionMaterializations.all(assetKey)
        : this.#latestPartitionMaterializationsOf.all(assetKey, JSON.stringify(partitions));
    return byPartition(rows.map((row) => this.#readRow(materializationRow, row, 'materializations')), partitions);
  }

  async materializationHistory(
    assetKey: string,
    options: { readonly limit?: number; readonly partition?: string } = {},
  ): Promise<MaterializationRecord[]> {
    const limit = sqlLimit(options.limit);
    const rows =
      options.partition === undefined
        ? this.#materializationHistory.all(assetKey, limit)
        : this.#partitionHistory.all(assetKey, options.partition, limit);
    return rows.map((row) => this.#readRow(materializationRow, row, 'materializations'));
  }

  async codeManifests(codeVersions: readonly string[]): Promise<Map<string, CodeManifest>> {
    const manifests = new Map<string, CodeManifest>();
    if (codeVersions.length === 0) return manifests;
    for (const row of this.#codeManifests.all(JSON.stringify(codeVersions))) {
      const manifest = this.#readRow(codeManifestRow, row, 'code_manifests');
      manifests.set(manifest.codeVersion, manifest.manifest);
    }
    return manifests;
  }

  async instanceKey(): Promise<string> {
    const existing = this.#getProperty.get(INSTANCE_KEY) as string | undefined;
    if (existing !== undefined) return existing;
    try {
      // Two processes may create it at once: the first insert wins and both read that one.
      this.#insertProperty.run(INSTANCE_KEY, randomBytes(32).toString('hex'));
    } catch (error) {
      throw this.#writeError(error);
    }
    return this.#getProperty.get(INSTANCE_KEY) as string;
  }

  async wipeMaterializations(assetKeys: readonly string[]): Promise<number> {
    try {
      return this.#wipeMaterializations.immediate(JSON.stringify(assetKeys));
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async dynamicPartitionKeys(): Promise<Map<string, string[]>> {
    return keysByName(this.#dynamicPartitionKeys.all().map((row) => this.#readRow(dynamicPartitionRow, row, 'dynamic_partitions')));
  }

  async addDynamicPartitions(name: string, keys: readonly string[]): Promise<string[]> {
    const unique = validDynamicPartitions(name, keys);
    try {
      return keysIn(unique, this.#addDynamicPartitions.immediate(name, unique));
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async removeDynamicPartitions(name: string, keys: readonly string[]): Promise<string[]> {
    const unique = validDynamicPartitions(name, keys);
    try {
      return keysIn(unique, this.#removeDynamicPartitions.immediate(name, unique));
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async createBackfill(backfill: BackfillRecord, targets: readonly BackfillTarget[]): Promise<void> {
    const valid = validBackfill(backfill, targets);
    const params = { ...valid.backfill, createdAt: valid.backfill.createdAt.getTime(), endedAt: valid.backfill.endedAt?.getTime() ?? null };
    try {
      this.#createBackfill.immediate(params, valid.targets);
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE') throw duplicateBackfill(backfill.id, this.location, error);
      throw this.#writeError(error);
    }
  }

  async getBackfill(id: string): Promise<StoredBackfill | undefined> {
    const row = this.#getBackfill.get(id);
    return row === undefined ? undefined : this.#withCounts([this.#readRow(backfillRow, row, 'backfills')])[0];
  }

  async listBackfills(options: { readonly limit?: number } = {}): Promise<StoredBackfill[]> {
    return this.#withCounts(this.#listBackfills.all(sqlLimit(options.limit)).map((row) => this.#readRow(backfillRow, row, 'backfills')));
  }

  /** The backfills with their targets counted by status, in one query whatever their number. */
  #withCounts(backfills: readonly BackfillRecord[]): StoredBackfill[] {
    if (backfills.length === 0) return [];
    const rows = this.#backfillCounts.all(JSON.stringify(backfills.map((backfill) => backfill.id)));
    const counts = countsByBackfill(rows.map((row) => this.#readRow(backfillCountRow, row, 'backfill_targets')));
    return backfills.map((backfill) => ({ ...backfill, counts: counts.get(backfill.id) ?? noTargets() }));
  }

  async backfillTargets(id: string, options: { readonly status?: BackfillTargetStatus } = {}): Promise<BackfillTarget[]> {
    const rows = options.status === undefined ? this.#backfillTargets.all(id) : this.#backfillTargetsWithStatus.all(id, options.status);
    return rows.map((row) => this.#readRow(backfillTargetRow, row, 'backfill_targets'));
  }

  async updateBackfillTargets(id: string, updates: readonly BackfillTarget[]): Promise<void> {
    const valid = validBackfillUpdates(id, updates);
    if (valid.length === 0) return;
    try {
      this.#updateBackfillTargets.immediate(id, valid);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async finishBackfill(id: string, status: BackfillStatus, endedAt: Date | null): Promise<void> {
    const valid = validBackfillEnd(id, status, endedAt);
    let changes: number;
    try {
      changes = this.#finishBackfill.run(valid.status, valid.endedAt?.getTime() ?? null, id).changes;
    } catch (error) {
      throw this.#writeError(error);
    }
    if (changes === 0) throw unknownBackfill(id, this.location);
  }

  async recordCheckResults(results: readonly CheckResultRecord[]): Promise<void> {
    const params = results.map((result, index) => checkResultParams(result, index, (date) => date.getTime()));
    if (params.length === 0) return;
    try {
      this.#insertCheckResults.immediate(params.map((result) => ({ ...result, blocking: result.blocking ? 1 : 0 })));
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw this.#unknownRun(`The check results name a run that does not exist in ${this.location}; none was written.`, error);
      }
      throw this.#writeError(error);
    }
  }

  async latestCheckResults(assetKeys?: readonly string[]): Promise<Map<string, CheckResultRecord>> {
    const rows = assetKeys === undefined ? this.#latestCheckResults.all() : this.#latestCheckResultsOf.all(JSON.stringify(assetKeys));
    return byCheckKey(rows.map((row) => this.#readRow(checkResultRow, row, 'check_results')));
  }

  async checkResultHistory(assetKey: string, options: { readonly checkName?: string; readonly limit?: number } = {}): Promise<CheckResultRecord[]> {
    return this.#checkResultHistory
      .all({ assetKey, checkName: options.checkName ?? null, limit: sqlLimit(options.limit) })
      .map((row) => this.#readRow(checkResultRow, row, 'check_results'));
  }

  async instigatorState(kind: InstigatorKind, name: string): Promise<InstigatorState | undefined> {
    const row = this.#getInstigator.get(kind, name);
    return row === undefined ? undefined : this.#readRow(instigatorRow, row, 'instigators');
  }

  async instigatorStates(): Promise<InstigatorState[]> {
    return this.#listInstigators.all().map((row) => this.#readRow(instigatorRow, row, 'instigators'));
  }

  async saveInstigatorState(state: InstigatorState): Promise<void> {
    const params = instigatorParams(state);
    try {
      this.#saveInstigator.run(params);
    } catch (error) {
      throw this.#writeError(error);
    }
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
    const params = {
      ...valid,
      tickTime: valid.tickTime.getTime(),
      evaluatedAt: valid.evaluatedAt.getTime(),
      runIds: JSON.stringify(valid.runIds),
    };
    let id: number;
    try {
      id = this.#recordTick.immediate(params, stateParams);
    } catch (error) {
      throw this.#writeError(error);
    }
    return { ...valid, id };
  }

  async listTicks(
    options: { readonly kind?: InstigatorKind; readonly name?: string; readonly limit?: number } = {},
  ): Promise<StoredTick[]> {
    return this.#listTicks
      .all({ kind: options.kind ?? null, name: options.name ?? null, limit: sqlLimit(options.limit) })
      .map((row) => this.#readRow(tickRow, row, 'ticks'));
  }

  async recordLaunch(launch: LaunchRecord): Promise<void> {
    const valid = validRecord(launchRecordSchema, launch, `the launch by ${launch.trigger}`);
    try {
      this.#insertLaunch.run({ ...valid, launchedAt: valid.launchedAt.getTime() });
    } catch (error) {
      const code = sqliteCode(error);
      if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new StrataError(
          'STRATA_STORAGE_DUPLICATE_RUN_KEY',
          `${launch.trigger} already launched run key "${launch.runKey}" in ${this.location}.`,
          { hint: 'Check launchedRunKeys before launching; a run key is launched once per trigger.', cause: error },
        );
      }
      if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw this.#unknownRun(`The launch by ${launch.trigger} names run "${launch.runId}", which does not exist in ${this.location}.`, error);
      }
      throw this.#writeError(error);
    }
  }

  async launchedRunKeys(trigger: string, runKeys: readonly string[]): Promise<Set<string>> {
    return new Set(this.#launchedRunKeys.all(trigger, JSON.stringify(runKeys)) as string[]);
  }

  async startedRunsOfJob(job: string): Promise<RunRecord[]> {
    return this.#startedRunsOfJob.all(job).map((row) => this.#readRow(runRow, row, 'runs'));
  }

  async acquireAssetLease(request: AcquireLeaseRequest): Promise<AcquireLeaseResult> {
    try {
      return this.#acquireLease.immediate(request);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async renewAssetLeases(runId: string, now: Date, ttlMs: number): Promise<void> {
    try {
      this.#renewLeases.run(now.getTime() + ttlMs, runId);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async releaseAssetLease(assetKey: string, runId: string): Promise<void> {
    try {
      this.#releaseLease.run(assetKey, runId);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async releaseAssetLeases(runId: string): Promise<void> {
    try {
      this.#releaseLeases.run(runId);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async enqueueRun(run: RunRecord, request: QueuedRunRequest): Promise<void> {
    const valid = validQueuedRun(run, request);
    try {
      this.#enqueueRun.immediate(runParams(valid.run));
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' || sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw duplicateRun(run.runId, this.location, error);
      }
      throw this.#writeError(error);
    }
  }

  async queuedRuns(): Promise<QueuedRun[]> {
    return this.#queuedRuns.all().map((row) => ({
      run: this.#readRow(runRow, row, 'runs'),
      request: this.#readRow(queuedRequestRow, row, 'queued_runs'),
    }));
  }

  async claimQueuedRun(claim: ClaimQueuedRunRequest): Promise<ClaimQueuedRunResult> {
    try {
      return this.#claimQueuedRun.immediate(claim);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async requestRunCancel(request: RunCancelRequest): Promise<RunCancelResult> {
    const valid = validCancelRequest(request);
    const runEnd = eventParams(canceledBeforeStartEvent(valid), 0);
    try {
      return this.#requestRunCancel.immediate(valid, runEnd);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async runCancelRequested(runId: string): Promise<boolean> {
    return this.#runCancelRequested.get(runId) === 1;
  }

  async setPoolLimit(pool: string, limit: number | null): Promise<void> {
    validPoolLimit(pool, limit);
    try {
      if (limit === null) this.#removePoolLimit.run(pool);
      else this.#setPoolLimit.run(pool, limit);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async poolLimits(): Promise<Map<string, number>> {
    return new Map(this.#poolLimits.all().map((row) => {
      const limit = this.#readRow(poolLimitRow, row, 'pool_limits');
      return [limit.pool, limit.slot_limit];
    }));
  }

  async claimPoolSlot(request: ClaimPoolSlotRequest): Promise<ClaimPoolSlotResult> {
    try {
      return this.#claimPoolSlot.immediate(request);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async renewPoolSlots(runId: string, now: Date, ttlMs: number): Promise<void> {
    try {
      this.#renewPoolSlots.run(now.getTime() + ttlMs, runId);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async releasePoolSlot(pool: string, runId: string, assetKey: string): Promise<void> {
    try {
      this.#releasePoolSlot.run(pool, runId, assetKey);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async releasePoolSlots(runId: string): Promise<void> {
    try {
      this.#releasePoolSlots.run(runId);
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async poolSlots(now: Date): Promise<PoolSlot[]> {
    return this.#poolSlots.all(now.getTime()).map((row) => this.#readRow(poolSlotRow, row, 'pool_slots'));
  }

  async pruneRuns(olderThan: Date): Promise<PruneResult> {
    const cutoff = validCutoff(olderThan);
    try {
      return this.#pruneRuns.immediate(cutoff.getTime());
    } catch (error) {
      throw this.#writeError(error);
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #readRow<T>(schema: z.ZodType<T>, row: unknown, table: string): T {
    const parsed = schema.safeParse(row);
    if (parsed.success) return parsed.data;
    const id = rowId(row);
    throw new StrataError(
      'STRATA_STORAGE_INVALID_ROW',
      `Row ${id} of table ${table} in ${this.location} cannot be read: ${describeIssues(parsed.error)}.`,
      {
        hint:
          'The row was changed outside Strata. Restore it, or move the database aside to start a new instance ' +
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

  #writeError(error: unknown): unknown {
    const code = sqliteCode(error);
    if (code === undefined) return error;
    return new StrataError('STRATA_STORAGE_WRITE', `Could not write to ${this.location}: ${(error as Error).message} (${code}).`, {
      hint:
        'Check that the disk has room and the file is writable. SQLITE_BUSY means another process held the ' +
        `database for more than ${BUSY_TIMEOUT_MS / 1000} s.`,
      cause: error,
    });
  }
}

type EventParams = ReturnType<typeof eventParams>;
type MaterializationParams = ReturnType<typeof materializationParams>;
type ManifestParams = ReturnType<typeof manifestParams>;
type InstigatorParams = ReturnType<typeof instigatorParams>;
type TickParams = Omit<TickRecord, 'tickTime' | 'evaluatedAt' | 'runIds'> & { tickTime: number; evaluatedAt: number; runIds: string };

function instigatorParams(state: InstigatorState) {
  const valid = validRecord(instigatorStateSchema, state, `the state of ${state.kind} "${state.name}"`);
  return {
    ...valid,
    startedAt: valid.startedAt?.getTime() ?? null,
    lastTickAt: valid.lastTickAt?.getTime() ?? null,
  };
}

/** A run checked against its schema, as the columns of `runs` hold it. */
function runParams(run: RunRecord) {
  return { ...run, ...runJsonColumns(run), startedAt: run.startedAt.getTime(), endedAt: run.endedAt?.getTime() ?? null };
}

function eventParams(event: RunEvent, index: number) {
  const what = `events[${index}]`;
  const valid = validRecord(runEventSchema, event, what);
  return {
    ...valid,
    time: valid.time.getTime(),
    data: valid.data === null ? null : toJson(valid.data, `${what}.data`),
  };
}

function materializationParams(record: MaterializationRecord, index: number) {
  const what = `materializations[${index}]`;
  const valid = validRecord(materializationRecordSchema, record, what);
  return {
    ...valid,
    materializedAt: valid.materializedAt.getTime(),
    inputDataVersions: JSON.stringify(valid.inputDataVersions),
    configVersions: JSON.stringify(valid.configVersions),
    reasons: JSON.stringify(valid.reasons),
    metadata: toJson(valid.metadata, `${what}.metadata`),
  };
}

function validCutoff(olderThan: Date): Date {
  if (!(olderThan instanceof Date) || Number.isNaN(olderThan.getTime())) {
    throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', `pruneRuns needs a valid date, got ${String(olderThan)}.`, {
      hint: 'Pass the moment before which finished runs are deleted, such as 30 days ago.',
    });
  }
  return olderThan;
}

function sqlLimit(limit: number | undefined): number {
  if (limit === undefined) return -1;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', `A limit must be a positive integer, got ${limit}.`, {
      hint: 'Leave the limit out to get every record.',
    });
  }
  return limit;
}

async function createHome(home: string): Promise<void> {
  try {
    await mkdir(home, { recursive: true });
  } catch (error) {
    throw new StrataError('STRATA_STORAGE_OPEN', `Cannot create the Strata home folder ${home}: ${(error as Error).message}`, {
      hint: 'Set STRATA_HOME to a folder you can write to.',
      cause: error,
    });
  }
}

function openError(error: unknown, location: string): unknown {
  if (error instanceof StrataError) return error;
  const code = sqliteCode(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new StrataError('STRATA_STORAGE_CORRUPT', `${location} is not a readable SQLite database (${code}).`, {
      hint:
        `Move it aside (with its -wal and -shm files, if any) and run again: a new database is created, ` +
        'and every asset is planned as missing and materialized again.',
      cause: error,
    });
  }
  if (error instanceof Error && /Could not locate the bindings file|compiled against a different Node\.js version/.test(error.message)) {
    // better-sqlite3's native addon is built at install time; npm settings that skip install scripts leave it missing.
    return new StrataError('STRATA_STORAGE_DRIVER', `The SQLite driver (better-sqlite3) is not built for this Node.js ${process.version}: ${error.message.split('\n', 1)[0]}`, {
      hint: 'Build it: npm install-scripts approve better-sqlite3 && npm rebuild better-sqlite3',
      cause: error,
    });
  }
  if (code !== undefined) {
    return new StrataError('STRATA_STORAGE_OPEN', `Cannot open the instance database ${location}: ${(error as Error).message} (${code}).`, {
      hint: 'Check that STRATA_HOME is a folder you can write to and that strata.db in it is a file.',
      cause: error,
    });
  }
  return error;
}

/**
 * WAL: readers never block the writer, nor the writer the readers. Switching a
 * new database to WAL takes an exclusive lock, and when two processes create
 * the database at once SQLite fails one of them with SQLITE_BUSY straight away
 * instead of calling the busy handler (waiting there could deadlock). So this
 * one statement waits and retries itself, within the same time budget.
 */
async function enableWal(db: Database.Database): Promise<void> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (sqliteCode(error) !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      await sleep(WAL_RETRY_DELAY_MS);
    }
  }
}

function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

/** Stored rows, parsed back into records (see `storedRowSchemas`); times are epoch milliseconds. */
const { runRow, reexecutedByColumn, eventRow, materializationRow, codeManifestRow, instigatorRow, leaseRow, tickRow, poolSlotRow, queuedRequestRow, poolLimitRow, checkResultRow, dynamicPartitionRow, backfillRow, backfillTargetRow, backfillCountRow } = storedRowSchemas(z.int().transform((ms) => new Date(ms)));
