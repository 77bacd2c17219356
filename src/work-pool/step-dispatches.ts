import type pg from 'pg';
import { assetLeaseKey } from '../execution/asset-leases.js';
import type { SerializedError } from '../core/serialized-error.js';
import type { StepRequest, StoredOutputData } from '../execution/step-executor.js';
import { quoteIdentifier } from '../storage/postgres-migrations.js';
import type { WorkPoolSchemas } from './work-pool-schema.js';

/** How a dispatch ended, as the worker that ran it recorded it (or the coordinator, for a lost or canceled one). */
export type DispatchOutcome =
  /** What it stored, by asset key (and partition): one output, a range's partitions, or the planned outputs of a multi-asset. */
  | { readonly kind: 'succeeded'; readonly outputs: readonly StoredOutputData[] }
  | { readonly kind: 'failed'; readonly error: SerializedError };

/** `lost`: its worker died (or its job vanished) before it finished; `handed-back`: its worker stopped cleanly and gave it back. */
export type DispatchState = 'queued' | 'running' | 'succeeded' | 'failed' | 'lost' | 'handed-back' | 'canceled';

/** What a coordinator polls of one dispatch. */
export interface DispatchStatus {
  readonly id: number;
  readonly state: DispatchState;
  readonly worker: string | null;
  readonly outcome: DispatchOutcome | null;
  /** Running, and its worker has not heartbeated for longer than the coordinator allows: its process is gone. */
  readonly silent: boolean;
  /** Still queued for longer than the coordinator's notice delay: no worker of its pool is taking work. */
  readonly unclaimed: boolean;
  /**
   * Queued, but its job is gone (a worker took it and failed before claiming
   * the dispatch) or has been locked for longer than the silence allowed (the
   * worker that took it died before claiming): no worker will ever run it.
   */
  readonly orphaned: boolean;
}

/** What a worker claims: the step to run and the code it must run it with. */
export interface ClaimedDispatch {
  readonly request: StepRequest;
  readonly codeVersion: string;
  /** The fingerprints of the settings its coordinator planned the step with (`MaterializationPlan.configVersions`); undefined for a dispatch queued before they were kept. */
  readonly settings: Readonly<Record<string, string>> | undefined;
}

/** The graphile-worker task a work pool's workers run: one task identifier per pool, so a worker takes only its pool's steps. */
export function stepTask(workPool: string): string {
  return `strata_step:${workPool}`;
}

/** The job's payload: only the dispatch's id. Inputs and outputs go through IO managers, never through the queue. */
export interface StepJobPayload {
  readonly dispatchId: number;
}

/**
 * The rows of `step_dispatches`: every read and write
 * the coordinators and workers of a work pool make, in one place, so the
 * state machine (queued → running → succeeded | failed, or lost | handed-back | canceled)
 * is written down once. Each state change is guarded by the state it leaves,
 * so a worker that was declared lost cannot record a result afterwards.
 */
export class StepDispatches {
  readonly #pool: pg.Pool;
  readonly #schemas: WorkPoolSchemas;
  readonly #dispatches: string;
  readonly #graphile: string;
  readonly #runs: string;
  readonly #leases: string;

  constructor(pool: pg.Pool, schemas: WorkPoolSchemas) {
    this.#pool = pool;
    this.#schemas = schemas;
    const workPool = quoteIdentifier(schemas.workPool);
    const instance = quoteIdentifier(schemas.instance);
    this.#dispatches = `${workPool}.step_dispatches`;
    this.#graphile = quoteIdentifier(schemas.graphileWorker);
    this.#runs = `${instance}.runs`;
    this.#leases = `${instance}.asset_leases`;
  }

  /**
   * Records a dispatch and enqueues its job in one statement, hence one
   * transaction: a job never exists without its row, nor a queued row without
   * its job. The row's id is drawn first, so the job can carry it. The job key
   * (run, step, attempt, try) makes enqueueing twice a no-op replace, and
   * `max_attempts` 1 leaves retries to Strata's own policy. The row names the
   * lease the coordinator holds for the step (its partition's, in a partition
   * run), which a worker checks before and while it runs it.
   */
  async enqueue(
    request: StepRequest,
    options: { readonly try: number; readonly workPool: string; readonly codeVersion: string; readonly settings: Readonly<Record<string, string>> },
  ): Promise<number> {
    const result = await this.#pool.query<{ id: string }>(
      `WITH dispatch AS (SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id),
            job AS (
              SELECT dispatch.id AS dispatch_id, queued.id AS job_id
                FROM dispatch CROSS JOIN LATERAL ${this.#graphile}.add_job($2, json_build_object('dispatchId', dispatch.id), max_attempts => 1, job_key => $3) AS queued
            )
       INSERT INTO ${this.#dispatches} (id, run_id, asset_key, lease_key, attempt, try, work_pool, request, code_version, settings, job_id) OVERRIDING SYSTEM VALUE
       SELECT job.dispatch_id, $4, $5, $11, $6, $7, $8, $9, $10, $12, job.job_id FROM job
       RETURNING id`,
      [
        this.#dispatches,
        stepTask(options.workPool),
        `${request.runId}/${request.assetKey}/${request.attempt}/${options.try}`,
        request.runId,
        request.assetKey,
        request.attempt,
        options.try,
        options.workPool,
        JSON.stringify(request),
        options.codeVersion,
        // A range's step holds a lease per partition, all taken together: the first stands for them.
        assetLeaseKey(request.assetKey, request.partitions?.[0]),
        JSON.stringify(options.settings),
      ],
    );
    return Number(result.rows[0]!.id);
  }

  /** The current state of these dispatches (see `DispatchStatus` for the two timeouts). */
  async statuses(ids: readonly number[], options: { readonly silentAfterMs: number; readonly unclaimedAfterMs: number }): Promise<DispatchStatus[]> {
    if (ids.length === 0) return [];
    const result = await this.#pool.query<{ id: string; state: DispatchState; worker: string | null; outcome: DispatchOutcome | null; silent: boolean; unclaimed: boolean; orphaned: boolean }>(
      `SELECT id, state, worker, outcome,
              state = 'running' AND heartbeat_at < now() - make_interval(secs => $2::double precision / 1000) AS silent,
              state = 'queued' AND queued_at < now() - make_interval(secs => $3::double precision / 1000) AS unclaimed,
              state = 'queued' AND ${this.#orphanedJob('d', '$2')} AS orphaned
         FROM ${this.#dispatches} AS d WHERE id = ANY($1::bigint[])`,
      [ids, options.silentAfterMs, options.unclaimedAfterMs],
    );
    // pg parses json columns: `outcome` arrives as the object `finish` stored.
    return result.rows.map((row) => ({ ...row, id: Number(row.id) }));
  }

  /**
   * Gives up on a dispatch no worker will finish: running, with a worker that
   * stopped heartbeating `silentAfterMs` ago; or queued with an orphaned job
   * (see `DispatchStatus.orphaned`). Checked again here, in the update, so a
   * heartbeat that lands meanwhile keeps the dispatch. Marks it lost and frees
   * its graphile-worker job, which graphile-worker alone would keep locked for
   * four hours: unlock the dead worker's jobs, then delete this one (with
   * `max_attempts` 1 an unlocked job is never taken again). False when the
   * dispatch is alive after all, or ended meanwhile.
   */
  async markLost(id: number, silentAfterMs: number): Promise<boolean> {
    return this.#transaction(async (client) => {
      const lost = await client.query<{ job_id: string | null; locked_by: string | null }>(
        `UPDATE ${this.#dispatches} AS d SET state = 'lost', finished_at = now()
          WHERE id = $1 AND (
            (state = 'running' AND heartbeat_at < now() - make_interval(secs => $2::double precision / 1000))
            OR (state = 'queued' AND ${this.#orphanedJob('d', '$2')})
          )
          RETURNING job_id, coalesce(graphile_worker_id, (SELECT locked_by FROM ${this.#graphile}.jobs AS j WHERE j.id = d.job_id)) AS locked_by`,
        [id, silentAfterMs],
      );
      const row = lost.rows[0];
      if (row !== undefined && row.job_id !== null) {
        if (row.locked_by !== null) await client.query(`SELECT ${this.#graphile}.force_unlock_workers($1::text[])`, [[row.locked_by]]);
        await client.query(`SELECT ${this.#graphile}.complete_jobs($1::bigint[])`, [[row.job_id]]);
      }
      return row !== undefined;
    });
  }

  /** SQL: the job of dispatch `alias` is gone, or locked for longer than `silentAfterMs` (a parameter): nobody will run it. */
  #orphanedJob(alias: string, silentAfterMs: string): string {
    return `NOT EXISTS (SELECT 1 FROM ${this.#graphile}.jobs AS j WHERE j.id = ${alias}.job_id
              AND (j.locked_at IS NULL OR j.locked_at > now() - make_interval(secs => ${silentAfterMs}::double precision / 1000)))`;
  }

  /**
   * Withdraws a dispatch no worker has taken yet (its run was canceled):
   * marks it canceled and deletes its job. False when a worker took it first.
   */
  async withdraw(id: number): Promise<boolean> {
    return this.#transaction(async (client) => {
      const withdrawn = await client.query<{ job_id: string | null }>(
        `UPDATE ${this.#dispatches} SET state = 'canceled', finished_at = now() WHERE id = $1 AND state = 'queued' RETURNING job_id`,
        [id],
      );
      const jobId = withdrawn.rows[0]?.job_id;
      if (jobId != null) await client.query(`SELECT ${this.#graphile}.complete_jobs($1::bigint[])`, [[jobId]]);
      return withdrawn.rows.length > 0;
    });
  }

  /** Asks the worker running a dispatch to abort it; the worker hears at once (NOTIFY) or at its next heartbeat. */
  async requestAbort(id: number): Promise<void> {
    await this.#pool.query(
      `WITH asked AS (UPDATE ${this.#dispatches} SET cancel_requested = true WHERE id = $1 AND state IN ('queued', 'running') RETURNING id)
       SELECT pg_notify($2, 'abort:' || id) FROM asked`,
      [id, this.#schemas.channel],
    );
  }

  /**
   * A worker takes a dispatch: only a queued one whose run is still going,
   * still coordinated (its coordinator holds the step's lease: the asset's,
   * or its partition's) and not being canceled. Undefined otherwise (the
   * coordinator withdrew it, or died: its run is no longer `started`), and
   * the dispatch is then closed as canceled so nobody waits for it.
   */
  async claim(id: number, worker: { readonly name: string; readonly graphileWorkerId: string }): Promise<ClaimedDispatch | undefined> {
    const claimed = await this.#pool.query<{ request: StepRequest; code_version: string; settings: Record<string, string> | null }>(
      `UPDATE ${this.#dispatches} AS d SET state = 'running', worker = $2, graphile_worker_id = $3, started_at = now(), heartbeat_at = now()
        WHERE id = $1 AND state = 'queued' AND NOT cancel_requested
          AND EXISTS (SELECT 1 FROM ${this.#runs} AS r WHERE r.run_id = d.run_id AND r.status = 'started')
          AND EXISTS (SELECT 1 FROM ${this.#leases} AS l WHERE l.run_id = d.run_id AND l.asset_key = d.lease_key AND l.expires_at > now())
        RETURNING request, code_version, settings`,
      [id, worker.name, worker.graphileWorkerId],
    );
    const row = claimed.rows[0];
    if (row === undefined) {
      await this.#pool.query(`UPDATE ${this.#dispatches} SET state = 'canceled', finished_at = now() WHERE id = $1 AND state = 'queued'`, [id]);
      return undefined;
    }
    return { request: row.request, codeVersion: row.code_version, settings: row.settings ?? undefined };
  }

  /**
   * A worker's heartbeat for the dispatches it runs. Returns those it must
   * abort, and why: declared lost, canceled, their run ended, or their
   * coordinator stopped renewing the step's asset lease (it died: no worker
   * keeps writing for a run nobody coordinates).
   */
  async heartbeat(ids: readonly number[]): Promise<Map<number, string>> {
    const abort = new Map<number, string>();
    if (ids.length === 0) return abort;
    const result = await this.#pool.query<{ id: string; cancel_requested: boolean; run_status: string | null; leased: boolean }>(
      `UPDATE ${this.#dispatches} AS d SET heartbeat_at = now()
        WHERE id = ANY($1::bigint[]) AND state = 'running'
        RETURNING id, cancel_requested,
          (SELECT r.status FROM ${this.#runs} AS r WHERE r.run_id = d.run_id) AS run_status,
          EXISTS (SELECT 1 FROM ${this.#leases} AS l WHERE l.run_id = d.run_id AND l.asset_key = d.lease_key AND l.expires_at > now()) AS leased`,
      [ids],
    );
    const alive = new Set(result.rows.map((row) => Number(row.id)));
    for (const id of ids) if (!alive.has(id)) abort.set(id, 'its coordinator declared this worker lost');
    for (const row of result.rows) {
      const id = Number(row.id);
      if (row.cancel_requested) abort.set(id, 'the run was canceled');
      else if (row.run_status !== 'started') abort.set(id, `the run ended (${row.run_status ?? 'deleted'})`);
      else if (!row.leased) abort.set(id, 'the run\'s coordinator stopped (its lease on the asset expired)');
    }
    return abort;
  }

  /**
   * A worker records how a dispatch ended and tells the coordinator (NOTIFY),
   * in one statement. False when it is no longer running: its coordinator gave
   * it up, and the outcome is discarded.
   */
  async finish(id: number, outcome: DispatchOutcome): Promise<boolean> {
    const result = await this.#pool.query(
      `WITH done AS (UPDATE ${this.#dispatches} SET state = $2, outcome = $3, finished_at = now() WHERE id = $1 AND state = 'running' RETURNING id)
       SELECT pg_notify($4, 'done:' || id) FROM done`,
      [id, outcome.kind, JSON.stringify(outcome), this.#schemas.channel],
    );
    return result.rows.length > 0;
  }

  /** A stopping worker hands its running dispatches back, so coordinators dispatch them again at once instead of waiting for its heartbeat to lapse. */
  async handBack(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#pool.query(
      `WITH back AS (UPDATE ${this.#dispatches} SET state = 'handed-back', finished_at = now() WHERE id = ANY($1::bigint[]) AND state = 'running' RETURNING id)
       SELECT pg_notify($2, 'done:' || id) FROM back`,
      [ids, this.#schemas.channel],
    );
  }

  /** Runs `body` in a transaction on one connection: committed when it returns, rolled back when it throws. */
  async #transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        // The connection is gone: the server rolled back already. The error worth reporting is the one that got here.
      });
      throw error;
    } finally {
      client.release();
    }
  }
}
