import type Database from 'better-sqlite3';
import { StrataError } from '../core/errors.js';

/** One step of the SQLite schema: applying `sql` to a version `version - 1` database makes it version `version`. */
export interface SqliteMigration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/*
 * The schema history, oldest first; `PRAGMA user_version` holds the version a
 * database is at. Released migrations are never edited: a change to the schema
 * is a new entry at the end.
 *
 * Times are epoch milliseconds (INTEGER); JSON columns are TEXT. Tables are
 * STRICT so a value of the wrong type is refused by SQLite itself. Explicit
 * INTEGER PRIMARY KEY AUTOINCREMENT ids give a stable insertion order (a plain
 * rowid may be renumbered by VACUUM, and may reuse the id of a deleted row).
 */
export const sqliteMigrations: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'runs, run events and materializations',
    sql: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        selection TEXT NOT NULL,
        triggered_by TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER
      ) STRICT;
      CREATE INDEX runs_by_start ON runs (started_at, id);

      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        time INTEGER NOT NULL,
        type TEXT NOT NULL,
        asset_key TEXT,
        attempt INTEGER,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        data TEXT
      ) STRICT;
      CREATE INDEX events_by_run ON events (run_id, seq);

      CREATE TABLE materializations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        asset_key TEXT NOT NULL,
        materialized_at INTEGER NOT NULL,
        code_version TEXT NOT NULL,
        data_version TEXT NOT NULL,
        input_data_versions TEXT NOT NULL,
        reasons TEXT NOT NULL,
        duration_ms REAL NOT NULL,
        metadata TEXT NOT NULL
      ) STRICT;
      -- The latest per asset is MAX(id) per asset_key: this index answers it without a scan.
      CREATE INDEX materializations_by_asset ON materializations (asset_key, id);
    `,
  },
  {
    version: 2,
    description: 'the process and host of each run, for telling crashed runs from running ones',
    sql: `
      ALTER TABLE runs ADD COLUMN pid INTEGER;
      ALTER TABLE runs ADD COLUMN hostname TEXT;
      -- Crash detection asks for the runs still marked started: keep that from scanning every run.
      CREATE INDEX runs_by_status ON runs (status, started_at, id);
    `,
  },
  {
    version: 3,
    description: 'schedule and sensor state, their ticks, and the runs they launched',
    sql: `
      -- One row per schedule or sensor the daemon or the CLI has touched.
      -- status NULL: as the definitions declare (defaultStatus). started_at is
      -- when it last became running (NULL while stopped): no tick before it is
      -- ever run. last_tick_at: a schedule's last handled cron time, a sensor's
      -- last evaluation.
      CREATE TABLE instigators (
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT,
        started_at INTEGER,
        cursor TEXT,
        last_tick_at INTEGER,
        PRIMARY KEY (kind, name)
      ) STRICT;

      CREATE TABLE ticks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        tick_time INTEGER NOT NULL,
        evaluated_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        run_ids TEXT NOT NULL,
        skip_reason TEXT,
        error TEXT,
        cursor TEXT
      ) STRICT;
      CREATE INDEX ticks_by_instigator ON ticks (kind, name, id);

      -- Every run request a trigger launched: run_id NULL when nothing was
      -- stale, so no run was recorded. Answers run-key deduplication and "is
      -- this job still running" (the no-overlap rule).
      CREATE TABLE launches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        triggered_by TEXT NOT NULL,
        job TEXT,
        run_key TEXT,
        run_id TEXT REFERENCES runs (run_id),
        launched_at INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX launches_by_run_key ON launches (triggered_by, run_key) WHERE run_key IS NOT NULL;
      CREATE INDEX launches_by_job ON launches (job, run_id);
    `,
  },
  {
    version: 4,
    description: 'asset leases, so two runs never materialize one asset at once',
    sql: `
      -- At most one row per asset: the run materializing it now. A lease whose
      -- expires_at has passed (its holder stopped renewing it) may be taken.
      CREATE TABLE asset_leases (
        asset_key TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        pid INTEGER,
        hostname TEXT,
        acquired_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX asset_leases_by_run ON asset_leases (run_id);
    `,
  },
  {
    version: 5,
    description: 'resource setting fingerprints, code manifests and the instance key',
    sql: `
      -- Materializations recorded before fingerprints have none: their assets
      -- show config-changed once, which is the truth (what they ran with is unknown).
      ALTER TABLE materializations ADD COLUMN config_versions TEXT NOT NULL DEFAULT '{}';

      -- What each code version was computed from, once per version, so
      -- "assets why" can name the file or package that changed.
      CREATE TABLE code_manifests (
        code_version TEXT PRIMARY KEY,
        manifest TEXT NOT NULL
      ) STRICT;

      -- Settings of the instance itself, such as the key of setting fingerprints.
      CREATE TABLE instance_properties (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 6,
    description: 'indexes that let pruning delete runs without scanning every materialization and launch',
    sql: `
      -- Deleting a run makes SQLite check that no row references it: without
      -- these, one full scan of each table per run deleted.
      CREATE INDEX materializations_by_run ON materializations (run_id);
      CREATE INDEX launches_by_run ON launches (run_id);
    `,
  },
  {
    version: 7,
    description: 'the run queue, and concurrency pools with their limits and slots',
    sql: `
      -- What a queued run is started from; the run itself is a runs row with
      -- status 'queued' until a daemon claims it. Kept after the claim: it
      -- says what the run was asked to do.
      CREATE TABLE queued_runs (
        run_id TEXT PRIMARY KEY REFERENCES runs (run_id),
        request TEXT NOT NULL
      ) STRICT;

      -- A pool without a row here has no limit.
      CREATE TABLE pool_limits (
        pool TEXT PRIMARY KEY,
        slot_limit INTEGER NOT NULL CHECK (slot_limit > 0)
      ) STRICT;

      -- One row per step holding a slot. Like asset_leases, a row whose
      -- expires_at has passed (its run stopped renewing it) is free to take.
      CREATE TABLE pool_slots (
        pool TEXT NOT NULL,
        run_id TEXT NOT NULL,
        asset_key TEXT NOT NULL,
        pid INTEGER,
        hostname TEXT,
        acquired_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (pool, run_id, asset_key)
      ) STRICT;
      CREATE INDEX pool_slots_by_run ON pool_slots (run_id);
    `,
  },
  {
    version: 8,
    description: 'cancellation requests of started runs',
    sql: `
      -- One row per started run someone asked to cancel; the first request is
      -- kept. Its coordinator polls for it by run_id (the primary key, which
      -- also serves the foreign key check when pruning deletes a run).
      -- requested_at is the requester's clock: it is only shown, never compared.
      CREATE TABLE run_cancellations (
        run_id TEXT PRIMARY KEY REFERENCES runs (run_id),
        requested_at INTEGER NOT NULL,
        requested_by TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 9,
    description: 'run tags, the run a run re-executes, and what each run was asked to run',
    sql: `
      -- tags: a JSON object of string values ('{}': none). Filtering by tag
      -- reads it with json_each: the runs of one instance are few enough for a scan.
      ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';
      -- Not a foreign key: pruning may delete the parent and keep the child.
      ALTER TABLE runs ADD COLUMN parent_run_id TEXT;
      -- The request (JSON: job, or select/exclude/force/refresh); NULL for runs
      -- recorded before, which kept only the selection as text.
      ALTER TABLE runs ADD COLUMN request TEXT;
      -- A queued run's request is the run's request.
      UPDATE runs SET request = (SELECT json_remove(request, '$.tags') FROM queued_runs WHERE queued_runs.run_id = runs.run_id),
        tags = COALESCE((SELECT json_extract(request, '$.tags') FROM queued_runs
          WHERE queued_runs.run_id = runs.run_id AND json_type(request, '$.tags') = 'object'), '{}')
      WHERE run_id IN (SELECT run_id FROM queued_runs);
    `,
  },
  {
    version: 10,
    description: 'results of asset checks',
    sql: `
      -- One row per check evaluated; sample, metadata and data_versions are JSON.
      -- The latest per check is MAX(id) per (asset_key, check_name): the index answers it.
      CREATE TABLE check_results (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        asset_key TEXT NOT NULL,
        check_name TEXT NOT NULL,
        partition TEXT,
        check_version TEXT NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        blocking INTEGER NOT NULL,
        failing INTEGER,
        sample TEXT NOT NULL,
        metadata TEXT NOT NULL,
        data_versions TEXT NOT NULL,
        duration_ms REAL NOT NULL,
        checked_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX check_results_by_check ON check_results (asset_key, check_name, id);
      CREATE INDEX check_results_by_run ON check_results (run_id);
    `,
  },
  {
    version: 11,
    description: 'the partition of each materialization',
    sql: `
      -- NULL: an unpartitioned asset, as every materialization recorded before.
      ALTER TABLE materializations ADD COLUMN partition TEXT;
      -- The latest per partition is MAX(id) per (asset_key, partition), one
      -- asset's partitions at a time, and an unpartitioned asset's latest is
      -- the same with partition IS NULL: this index answers both without a scan.
      CREATE INDEX materializations_by_partition ON materializations (asset_key, partition, id);
    `,
  },
  {
    version: 12,
    description: 'the keys of dynamic partitions definitions',
    sql: `
      -- One row per key of a dynamic partitions definition (assets partitions
      -- add); id is the order keys were added in, which is the order of the keys.
      CREATE TABLE dynamic_partitions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        partition_key TEXT NOT NULL,
        UNIQUE (name, partition_key)
      ) STRICT;
    `,
  },
  {
    version: 13,
    description: 'backfills, with one row per target',
    sql: `
      -- request is JSON (selection, from, to, mode, policy, maxConcurrent).
      -- Newest first is created_at, then id, as for runs.
      CREATE TABLE backfills (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        backfill_id TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        request TEXT NOT NULL,
        ended_at INTEGER
      ) STRICT;
      CREATE INDEX backfills_by_creation ON backfills (created_at, id);

      -- One row per (asset, partition) a backfill materializes, so its progress
      -- is a count. partition '' is an unpartitioned asset (a primary key
      -- column cannot be NULL). position is the order the backfill was created
      -- with. run_id is not a foreign key: pruning may delete the run.
      CREATE TABLE backfill_targets (
        backfill_id TEXT NOT NULL REFERENCES backfills (backfill_id),
        asset_key TEXT NOT NULL,
        partition TEXT NOT NULL,
        position INTEGER NOT NULL,
        status TEXT NOT NULL,
        run_id TEXT,
        PRIMARY KEY (backfill_id, asset_key, partition)
      ) STRICT;
      CREATE INDEX backfill_targets_by_position ON backfill_targets (backfill_id, position);
      -- The counts by status read this index alone.
      CREATE INDEX backfill_targets_by_status ON backfill_targets (backfill_id, status);
    `,
  },
  {
    version: 14,
    description: 'the runs that re-execute a run',
    sql: `
      -- failedRuns finds the newest run naming each failed run as its parent
      -- here, rather than reading every run once per failed run.
      CREATE INDEX runs_by_parent ON runs (parent_run_id, started_at, id);
    `,
  },
];

/** The schema version this code writes and understands. */
export const latestSqliteSchemaVersion = lastVersion(sqliteMigrations);

/**
 * Brings the database forward to the last version of `migrations`, one
 * transaction per migration, so a failure leaves it at the last version that
 * applied completely. Safe when several processes open a new database at once:
 * each migration takes the write lock and re-reads the version before applying.
 *
 * Throws `STRATA_STORAGE_TOO_NEW` for a database newer than `migrations` know,
 * without touching it. `location` only names the database in that message.
 */
export function migrateSqlite(
  db: Database.Database,
  location: string,
  migrations: readonly SqliteMigration[] = sqliteMigrations,
): void {
  const supported = lastVersion(migrations);
  const found = userVersion(db);
  if (found > supported) {
    throw new StrataError(
      'STRATA_STORAGE_TOO_NEW',
      `The instance database ${location} has schema version ${found}; this version of Strata supports up to ${supported}.`,
      {
        hint: 'A newer Strata wrote this database: upgrade Strata, or point STRATA_HOME at another folder.',
      },
    );
  }
  for (const migration of migrations) {
    if (migration.version <= found) continue;
    db.transaction(() => {
      if (userVersion(db) >= migration.version) return; // another process got here first
      db.exec(migration.sql);
      // Inside the transaction: the version moves with the schema or not at all.
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

function lastVersion(migrations: readonly SqliteMigration[]): number {
  return migrations.at(-1)?.version ?? 0;
}

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
