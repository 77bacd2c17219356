import type pg from 'pg';
import { StrataError } from '../core/errors.js';

/** One step of the Postgres schema: applying `sql` to a version `version - 1` schema makes it version `version`. */
export interface PostgresMigration {
  readonly version: number;
  readonly description: string;
  /** Runs with `search_path` set to the instance's schema: name tables unqualified. */
  readonly sql: string;
}

/*
 * The schema history, oldest first; the table `schema_migrations` in the
 * instance's schema holds one row per version applied. Released migrations are
 * never edited: a change to the schema is a new entry at the end.
 *
 * Version 1 is the whole of SQLite's version 5 at once: the Postgres backend
 * started there, so it has no older layouts to carry forward.
 *
 * Times are timestamptz (microseconds; a JS Date's milliseconds round-trip
 * exactly). JSON columns are `json`, not `jsonb`: Postgres checks that they are
 * JSON, and keeps the text as written, so key order and duplicate keys come
 * back as SQLite gives them. Identity ids give the insertion order the
 * interface defines "newest" by. Keys that are listed in order (asset keys,
 * schedule and sensor names, code versions) are COLLATE "C": byte order, the
 * order SQLite's BINARY collation gives, whatever locale the database has.
 */
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'runs, events, materializations, code manifests, schedules and sensors, launches, asset leases',
    sql: `
      CREATE TABLE runs (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id text NOT NULL UNIQUE,
        status text NOT NULL,
        selection text NOT NULL,
        triggered_by text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        pid integer,
        hostname text
      );
      -- assets runs: newest first.
      CREATE INDEX runs_by_start ON runs (started_at DESC, id DESC);
      -- Crash detection and assets runs --status: the runs with one status, newest first.
      CREATE INDEX runs_by_status ON runs (status, started_at DESC, id DESC);

      CREATE TABLE events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id text NOT NULL REFERENCES runs (run_id),
        time timestamptz NOT NULL,
        type text NOT NULL,
        asset_key text,
        attempt integer,
        level text NOT NULL,
        message text NOT NULL,
        data json
      );
      -- assets logs: one run's events in order.
      CREATE INDEX events_by_run ON events (run_id, seq);

      CREATE TABLE materializations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id text NOT NULL REFERENCES runs (run_id),
        asset_key text COLLATE "C" NOT NULL,
        materialized_at timestamptz NOT NULL,
        code_version text NOT NULL,
        data_version text NOT NULL,
        input_data_versions json NOT NULL,
        config_versions json NOT NULL,
        reasons json NOT NULL,
        duration_ms double precision NOT NULL,
        metadata json NOT NULL
      );
      -- The latest per asset is the highest id per asset_key (status, plans),
      -- and assets history walks one asset newest first: both read this index.
      CREATE INDEX materializations_by_asset ON materializations (asset_key, id DESC);
      -- Deleting a run checks that no materialization names it.
      CREATE INDEX materializations_by_run ON materializations (run_id);

      -- What each code version was computed from, once per version, so
      -- "assets why" can name the file or package that changed.
      CREATE TABLE code_manifests (
        code_version text COLLATE "C" PRIMARY KEY,
        manifest json NOT NULL
      );

      -- Settings of the instance itself, such as the key of setting fingerprints.
      CREATE TABLE instance_properties (
        name text PRIMARY KEY,
        value text NOT NULL
      );

      -- One row per schedule or sensor the daemon or the CLI has touched.
      -- status NULL: as the definitions declare (defaultStatus).
      CREATE TABLE instigators (
        kind text COLLATE "C" NOT NULL,
        name text COLLATE "C" NOT NULL,
        status text,
        started_at timestamptz,
        cursor text,
        last_tick_at timestamptz,
        PRIMARY KEY (kind, name)
      );

      CREATE TABLE ticks (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text COLLATE "C" NOT NULL,
        name text COLLATE "C" NOT NULL,
        tick_time timestamptz NOT NULL,
        evaluated_at timestamptz NOT NULL,
        status text NOT NULL,
        run_ids json NOT NULL,
        skip_reason text,
        error text,
        cursor text
      );
      -- assets schedule|sensor ticks: one instigator's ticks, newest first.
      CREATE INDEX ticks_by_instigator ON ticks (kind, name, id DESC);

      -- Every run request a trigger launched: run_id NULL when nothing was
      -- stale, so no run was recorded.
      CREATE TABLE launches (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        triggered_by text NOT NULL,
        job text,
        run_key text,
        run_id text REFERENCES runs (run_id),
        launched_at timestamptz NOT NULL
      );
      -- Run-key deduplication, enforced by the database for concurrent daemons.
      CREATE UNIQUE INDEX launches_by_run_key ON launches (triggered_by, run_key) WHERE run_key IS NOT NULL;
      -- The no-overlap rule: the started runs of a job.
      CREATE INDEX launches_by_job ON launches (job, run_id);
      -- Deleting a run checks that no launch names it.
      CREATE INDEX launches_by_run ON launches (run_id) WHERE run_id IS NOT NULL;

      -- At most one row per asset: the run materializing it now. Times are the
      -- database's clock (now()), never a caller's, so hosts whose clocks
      -- disagree still agree on when a lease expires.
      CREATE TABLE asset_leases (
        asset_key text PRIMARY KEY,
        run_id text NOT NULL,
        pid integer,
        hostname text,
        acquired_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
      -- The heartbeat renews, and the end of a run releases, every lease of one run.
      CREATE INDEX asset_leases_by_run ON asset_leases (run_id);
    `,
  },
  {
    version: 2,
    description: 'the run queue, and concurrency pools with their limits and slots',
    sql: `
      -- What a queued run is started from; the run itself is a runs row with
      -- status 'queued' until a daemon claims it.
      CREATE TABLE queued_runs (
        run_id text PRIMARY KEY REFERENCES runs (run_id),
        request json NOT NULL
      );

      -- A pool without a row here has no limit.
      CREATE TABLE pool_limits (
        pool text COLLATE "C" PRIMARY KEY,
        slot_limit integer NOT NULL CHECK (slot_limit > 0)
      );

      -- One row per step holding a slot; times are the database's clock, as
      -- for asset_leases. A row whose expires_at has passed is free to take.
      CREATE TABLE pool_slots (
        pool text COLLATE "C" NOT NULL,
        run_id text NOT NULL,
        asset_key text NOT NULL,
        pid integer,
        hostname text,
        acquired_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (pool, run_id, asset_key)
      );
      -- The heartbeat renews, and the end of a run releases, every slot of one run.
      CREATE INDEX pool_slots_by_run ON pool_slots (run_id);
    `,
  },
  {
    version: 3,
    description: 'cancellation requests of started runs',
    sql: `
      -- One row per started run someone asked to cancel; the first request is
      -- kept. Its coordinator polls for it by run_id, the primary key.
      -- requested_at is the requester's clock, not now(): unlike lease times
      -- it is only shown, never compared across hosts.
      CREATE TABLE run_cancellations (
        run_id text PRIMARY KEY REFERENCES runs (run_id),
        requested_at timestamptz NOT NULL,
        requested_by text NOT NULL
      );
    `,
  },
  {
    version: 4,
    description: 'run tags, the run a run re-executes, and what each run was asked to run',
    sql: `
      -- tags: a JSON object of string values ('{}': none); listRuns filters
      -- with jsonb containment, a scan: the runs of one instance are few enough.
      ALTER TABLE runs ADD COLUMN tags json NOT NULL DEFAULT '{}';
      -- Not a foreign key: pruning may delete the parent and keep the child.
      ALTER TABLE runs ADD COLUMN parent_run_id text;
      -- The request (job, or select/exclude/force/refresh); NULL for runs
      -- recorded before, which kept only the selection as text.
      ALTER TABLE runs ADD COLUMN request json;
      -- A queued run's request is the run's request; tags it carried move to the run.
      UPDATE runs SET request = (queued_runs.request::jsonb - 'tags')::json,
        tags = CASE WHEN json_typeof(queued_runs.request -> 'tags') = 'object' THEN queued_runs.request -> 'tags' ELSE '{}' END
      FROM queued_runs WHERE queued_runs.run_id = runs.run_id;
    `,
  },
  {
    version: 5,
    description: 'results of asset checks',
    sql: `
      -- One row per check evaluated. The latest per check is the highest id per
      -- (asset_key, check_name): the index answers DISTINCT ON without a sort.
      CREATE TABLE check_results (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id text NOT NULL REFERENCES runs (run_id),
        asset_key text COLLATE "C" NOT NULL,
        check_name text COLLATE "C" NOT NULL,
        partition text,
        check_version text NOT NULL,
        status text NOT NULL,
        severity text NOT NULL,
        blocking boolean NOT NULL,
        failing integer,
        sample json NOT NULL,
        metadata json NOT NULL,
        data_versions json NOT NULL,
        duration_ms double precision NOT NULL,
        checked_at timestamptz NOT NULL
      );
      CREATE INDEX check_results_by_check ON check_results (asset_key, check_name, id DESC);
      CREATE INDEX check_results_by_run ON check_results (run_id);
    `,
  },
  {
    version: 6,
    description: 'the partition of each materialization',
    sql: `
      -- NULL: an unpartitioned asset, as every materialization recorded before.
      -- COLLATE "C": partitions are listed in byte order, as asset keys.
      ALTER TABLE materializations ADD COLUMN partition text COLLATE "C";
      -- The latest per (asset_key, partition) is the highest id: DISTINCT ON
      -- reads it from this index in order, for one asset's partitions and
      -- (with partition IS NULL) for unpartitioned assets.
      CREATE INDEX materializations_by_partition ON materializations (asset_key, partition, id DESC);
    `,
  },
  {
    version: 7,
    description: 'the keys of dynamic partitions definitions',
    sql: `
      -- One row per key of a dynamic partitions definition (assets partitions
      -- add); id is the order keys were added in, which is the order of the keys.
      CREATE TABLE dynamic_partitions (
        id bigint GENERATED ALWAYS AS IDENTITY,
        name text COLLATE "C" NOT NULL,
        partition_key text NOT NULL,
        PRIMARY KEY (name, partition_key)
      );
    `,
  },
  {
    version: 8,
    description: 'backfills, with one row per target',
    sql: `
      -- request is JSON (selection, from, to, mode, policy, maxConcurrent).
      -- Newest first is created_at, then id, as for runs.
      CREATE TABLE backfills (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        backfill_id text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        status text NOT NULL,
        request json NOT NULL,
        ended_at timestamptz
      );
      CREATE INDEX backfills_by_creation ON backfills (created_at DESC, id DESC);

      -- One row per (asset, partition) a backfill materializes, so its progress
      -- is a count. partition '' is an unpartitioned asset (a primary key
      -- column cannot be NULL). position is the order the backfill was created
      -- with. run_id is not a foreign key: pruning may delete the run.
      CREATE TABLE backfill_targets (
        backfill_id text NOT NULL REFERENCES backfills (backfill_id),
        asset_key text NOT NULL,
        partition text NOT NULL,
        position integer NOT NULL,
        status text NOT NULL,
        run_id text,
        PRIMARY KEY (backfill_id, asset_key, partition)
      );
      CREATE INDEX backfill_targets_by_position ON backfill_targets (backfill_id, position);
      -- The counts by status read this index alone.
      CREATE INDEX backfill_targets_by_status ON backfill_targets (backfill_id, status);
    `,
  },
  {
    version: 9,
    description: 'the runs that re-execute a run',
    sql: `
      -- failedRuns finds the newest run naming each failed run as its parent
      -- here, rather than reading every run once per failed run.
      CREATE INDEX runs_by_parent ON runs (parent_run_id, started_at DESC, id DESC);
    `,
  },
];

/** The schema version this code writes and understands. */
export const latestPostgresSchemaVersion = lastVersion(postgresMigrations);

/** Postgres truncates longer identifiers silently, which would point two names at one schema. */
const MAX_IDENTIFIER_BYTES = 63;

/** `name` as a quoted SQL identifier; refuses names Postgres would truncate or cannot hold. */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\0') || Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new StrataError(
      'STRATA_STORAGE_INVALID_ARGUMENT',
      `"${name.replaceAll('\0', '\\0')}" cannot name a Postgres schema: a name is 1 to ${MAX_IDENTIFIER_BYTES} bytes without NUL characters.`,
      { hint: 'Choose a shorter schema name, such as the default "strata".' },
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Brings the schema named `schema` forward to the last version of
 * `migrations`, creating it when missing. Every pending migration is applied
 * in one transaction, under a transaction-level advisory lock keyed by the
 * schema name: when several processes open a new database at once, one
 * migrates and the others wait for it, then find nothing left to do. A failure
 * leaves the schema as it was.
 *
 * An up-to-date schema is read without the lock or any DDL, so a role that may
 * only read and write the tables can open an instance someone else migrated.
 *
 * Throws `STRATA_STORAGE_TOO_NEW` for a schema newer than `migrations` know,
 * without changing anything. `location` only names the database in messages.
 */
export async function migratePostgres(
  client: pg.ClientBase,
  schema: string,
  location: string,
  migrations: readonly PostgresMigration[] = postgresMigrations,
): Promise<void> {
  const quoted = quoteIdentifier(schema);
  const supported = lastVersion(migrations);
  const found = await schemaVersion(client, schema);
  checkNotTooNew(found, supported, location);
  if (found === supported) return;

  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`strata-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (
         version integer PRIMARY KEY,
         description text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    // Read again under the lock: another process may have migrated meanwhile.
    const current = await schemaVersion(client, schema);
    checkNotTooNew(current, supported, location);
    // The migrations name their tables unqualified; LOCAL ends with the transaction.
    await client.query(`SET LOCAL search_path TO ${quoted}`);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${quoted}.schema_migrations (version, description) VALUES ($1, $2)`, [
        migration.version,
        migration.description,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      // The connection is gone: the server rolls the transaction back itself.
      // The error worth reporting is the one that got here.
    });
    throw error;
  }
}

/** The version of the schema: 0 when it or its migrations table does not exist. */
export async function schemaVersion(client: pg.ClientBase, schema: string): Promise<number> {
  const table = `${quoteIdentifier(schema)}.schema_migrations`;
  const exists = await client.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [table]);
  if (exists.rows[0]?.table == null) return 0;
  const result = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${table}`);
  return result.rows[0]?.version ?? 0;
}

function checkNotTooNew(found: number, supported: number, location: string): void {
  if (found <= supported) return;
  throw new StrataError(
    'STRATA_STORAGE_TOO_NEW',
    `The instance database ${location} has schema version ${found}; this version of Strata supports up to ${supported}.`,
    {
      hint: 'A newer Strata wrote this database: upgrade Strata, or point Strata at another database or schema.',
    },
  );
}

function lastVersion(migrations: readonly PostgresMigration[]): number {
  return migrations.at(-1)?.version ?? 0;
}
