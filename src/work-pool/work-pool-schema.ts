import type pg from 'pg';
import { migratePostgres, type PostgresMigration, quoteIdentifier } from '../storage/postgres-migrations.js';

/**
 * Where the work pool keeps its state, next to an instance in schema `S`:
 * graphile-worker's job queue in `S_graphile_worker`, and Strata's record of
 * each dispatched step in `S_work_pool`. Per instance schema, so two
 * instances in one database never take each other's jobs.
 */
export interface WorkPoolSchemas {
  readonly instance: string;
  readonly graphileWorker: string;
  readonly workPool: string;
  /** The LISTEN/NOTIFY channel of the instance's work pool: finished dispatches, and aborts of running ones. */
  readonly channel: string;
}

export function workPoolSchemas(instanceSchema: string): WorkPoolSchemas {
  const schemas = { instance: instanceSchema, graphileWorker: `${instanceSchema}_graphile_worker`, workPool: `${instanceSchema}_work_pool` };
  // Refuses names Postgres would truncate (which would point two instances at one queue).
  for (const name of Object.values(schemas)) quoteIdentifier(name);
  return { ...schemas, channel: schemas.workPool };
}

/*
 * One row per dispatch of a step attempt: the attempt Strata counts (its retry
 * policy) and, within it, the try (a re-dispatch after the worker running it
 * was lost). The row is the source of truth for the step's fate; the
 * graphile-worker job only carries its id to a worker.
 *
 * Runs belong to the instance schema: deleting a run (`assets runs prune`)
 * deletes its dispatches.
 */
function workPoolMigrations(instanceSchema: string): PostgresMigration[] {
  return [
    {
      version: 1,
      description: 'step dispatches',
      sql: `
        CREATE TABLE step_dispatches (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          run_id text NOT NULL REFERENCES ${quoteIdentifier(instanceSchema)}.runs (run_id) ON DELETE CASCADE,
          asset_key text NOT NULL,
          attempt integer NOT NULL,
          try integer NOT NULL,
          work_pool text NOT NULL,
          request json NOT NULL,
          code_version text NOT NULL,
          state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'lost', 'handed-back', 'canceled')),
          job_id bigint,
          worker text,
          graphile_worker_id text,
          queued_at timestamptz NOT NULL DEFAULT now(),
          started_at timestamptz,
          heartbeat_at timestamptz,
          finished_at timestamptz,
          outcome json,
          cancel_requested boolean NOT NULL DEFAULT false,
          UNIQUE (run_id, asset_key, attempt, try)
        );
        -- What a coordinator polls: the live dispatches of a run.
        CREATE INDEX step_dispatches_live ON step_dispatches (run_id) WHERE state IN ('queued', 'running');

      `,
    },
    {
      version: 2,
      description: 'the lease each dispatch runs under',
      // A partition run leases "key[partition]", not the asset: a worker
      // checks the lease the coordinator holds, which asset_key alone cannot name.
      sql: `
        ALTER TABLE step_dispatches ADD COLUMN lease_key text;
        UPDATE step_dispatches SET lease_key = asset_key;
        ALTER TABLE step_dispatches ALTER COLUMN lease_key SET NOT NULL;
      `,
    },
    {
      version: 3,
      description: 'the settings each dispatch was planned with',
      // Fingerprints, as a materialization records them: a worker whose own
      // settings differ refuses the step. NULL in dispatches queued before.
      sql: `ALTER TABLE step_dispatches ADD COLUMN settings json;`,
    },
  ];
}

/**
 * Creates or migrates both schemas of the work pool: Strata's (numbered
 * migrations under an advisory lock, like the instance's) and graphile-worker's
 * (its own migrations, under its own lock). Every coordinator and worker calls
 * it on start; an up-to-date database costs two reads.
 */
export async function prepareWorkPoolSchemas(pool: pg.Pool, schemas: WorkPoolSchemas, location: string): Promise<void> {
  const client = await pool.connect();
  try {
    await migratePostgres(client, schemas.workPool, location, workPoolMigrations(schemas.instance));
  } finally {
    client.release();
  }
  const { runMigrations } = await import('graphile-worker');
  await runMigrations({ pgPool: pool, schema: schemas.graphileWorker, logger: await graphileLogger() });
}

/**
 * graphile-worker's logger: its errors go to `onError`, the rest is dropped.
 * Strata reports steps in its own words (run events, the worker's lines);
 * graphile-worker's own chatter would only repeat them.
 */
export async function graphileLogger(onError?: (message: string) => void) {
  const { Logger } = await import('graphile-worker');
  return new Logger(() => (level, message) => {
    if (level === 'error') onError?.(message);
  });
}
