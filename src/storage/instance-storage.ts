import { z } from 'zod';
import type { CodeManifest } from '../core/code-manifest.js';

/*
 * The records of an instance: runs, their events, the materializations the
 * planner compares against, and the state and ticks of schedules and sensors. The schemas are the source of truth for the types;
 * every backend validates records with them before writing, and parses what it
 * reads back (JSON columns included) with them, so a hand-edited or damaged row
 * is reported instead of flowing into the planner.
 */

/**
 * `queued`: waiting in the run queue for the daemon to start it (see
 * `enqueueRun`); `started`: running, or crashed while running (see
 * `failAbandonedRuns`); the others are final.
 */
export const runStatusSchema = z.enum(['queued', 'started', 'success', 'failed', 'canceled', 'nothing-to-do']);
export type RunStatus = z.infer<typeof runStatusSchema>;
/** The statuses a run ends with. */
export type FinalRunStatus = Exclude<RunStatus, 'queued' | 'started'>;

/** JSON objects stored with events and materializations (log data, IO manager metadata). */
const jsonObjectSchema = z.record(z.string(), z.unknown());

/** Run tags: a key is a non-empty string without `=` (it separates key and value on the command line); a value is any string. */
export const runTagsSchema = z.record(z.string().min(1).regex(/^[^=]+$/, 'a tag key cannot contain "="'), z.string());
export type RunTags = z.infer<typeof runTagsSchema>;

/**
 * What a run is asked to run: a job (its selection and force as the
 * definitions say when it starts), or a selection with the planner's options.
 */
export const runRequestSchema = z.object({
  job: z.string().min(1).optional(),
  select: z.string().optional(),
  exclude: z.string().optional(),
  force: z.boolean().optional(),
  refresh: z.string().optional(),
  /** The partition the run materialized (`--partition`). */
  partition: z.string().optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

export const runRecordSchema = z.object({
  runId: z.string().min(1),
  status: runStatusSchema,
  /** The selection expression the run was planned from, as typed. */
  selection: z.string(),
  /** `cli`, `schedule:<name>` or `sensor:<name>`. */
  trigger: z.string().min(1),
  /** When it started; for a run still `queued`, when it was queued. */
  startedAt: z.date(),
  endedAt: z.date().nullable(),
  /**
   * The process and host that run the run, so a `started` run whose process is
   * gone can be told from one still running. `null` for runs recorded before
   * the storage kept them (schema version 1).
   */
  pid: z.int().nonnegative().nullable(),
  hostname: z.string().nullable(),
  /**
   * Labels given to the run (`assets materialize --tag team=growth`, a
   * schedule's or sensor's `tags`), for finding it again (`listRuns({ tags })`).
   * Nothing plans by them. `{}` for runs recorded before schema version 9.
   */
  tags: runTagsSchema,
  /** The run this one re-executes (`--from-failure`, `assets rerun`); `null` for a first execution. */
  parentRunId: z.string().min(1).nullable(),
  /**
   * What the run was asked to run, so it can be run again (`assets rerun`):
   * its job, or its selection with the planner's options. `null` for runs
   * recorded before schema version 9, which kept only `selection`.
   */
  request: runRequestSchema.nullable(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** A run as it is given to storage: `tags`, `parentRunId` and `request` may be left out (`{}`, `null`, `null`). */
export const newRunRecordSchema = runRecordSchema.extend({
  tags: runTagsSchema.default({}),
  parentRunId: runRecordSchema.shape.parentRunId.default(null),
  request: runRecordSchema.shape.request.default(null),
});
export type NewRunRecord = z.input<typeof newRunRecordSchema>;
export type RunTrigger = RunRecord['trigger'];

const runEventTypeSchema = z.enum([
  'run-start',
  'run-end',
  'step-start',
  'step-success',
  'step-failure',
  'step-skip',
  'step-retry',
  'log',
]);
export type RunEventType = z.infer<typeof runEventTypeSchema>;

const logLevelSchema = z.enum(['debug', 'info', 'warn', 'error']);
export type LogLevel = z.infer<typeof logLevelSchema>;

export const runEventSchema = z.object({
  runId: z.string().min(1),
  time: z.date(),
  type: runEventTypeSchema,
  /** The step's asset; `null` for run-level events. */
  assetKey: z.string().min(1).nullable(),
  /** 1 for the first attempt of a step; `null` for run-level events. */
  attempt: z.int().positive().nullable(),
  level: logLevelSchema,
  message: z.string(),
  /** Stored as JSON: values come back as `JSON.stringify` makes them (a `Date` becomes its ISO string). */
  data: jsonObjectSchema.nullable(),
});
export type RunEvent = z.infer<typeof runEventSchema>;

export const storedRunEventSchema = runEventSchema.extend({
  /** Insertion order: strictly increasing across all events, hence within one run. */
  seq: z.int().positive(),
});
export type StoredRunEvent = z.infer<typeof storedRunEventSchema>;

export const materializationRecordSchema = z.object({
  runId: z.string().min(1),
  assetKey: z.string().min(1),
  /** The partition materialized; `null` for an unpartitioned asset. */
  partition: z.string().nullable(),
  materializedAt: z.date(),
  codeVersion: z.string(),
  /** What the IO manager computed for the stored output. */
  dataVersion: z.string(),
  /** Upstream key -> the data version of it that this materialization read. */
  inputDataVersions: z.record(z.string(), z.string()),
  /**
   * `<resource>.<setting>` -> a keyed hash (see `instanceKey`) of the value the
   * asset ran with, for every setting of every configurable resource it uses.
   * Never the value itself: settings hold secrets.
   */
  configVersions: z.record(z.string(), z.string()),
  /** Why the asset was planned (`missing`, `code-changed`, ...), in the planner's order. */
  reasons: z.array(z.string()),
  durationMs: z.number().nonnegative(),
  /** From the IO manager: rows, columns, bytes, path. Stored as JSON, like event data. */
  metadata: jsonObjectSchema,
});
export type MaterializationRecord = z.infer<typeof materializationRecordSchema>;

export const checkResultRecordSchema = z.object({
  runId: z.string().min(1),
  assetKey: z.string().min(1),
  checkName: z.string().min(1),
  /** The partition checked; `null` for an unpartitioned asset. */
  partition: z.string().nullable(),
  /** The check's code version: a new one makes its latest result stale. */
  checkVersion: z.string(),
  status: z.enum(['passed', 'warned', 'failed', 'errored']),
  severity: z.enum(['warn', 'error']),
  blocking: z.boolean(),
  /** How many rows (or things) failed it; `null` when it errored before counting. */
  failing: z.int().nonnegative().nullable(),
  /** A few failing rows (at most `CHECK_SAMPLE_SIZE`). Stored as JSON. */
  sample: z.array(jsonObjectSchema),
  /** What the check reported beside its count (an error's message when it errored). Stored as JSON. */
  metadata: jsonObjectSchema,
  /** Asset key -> the data version of the stored table it judged: its asset's and every one it read. */
  dataVersions: z.record(z.string(), z.string()),
  durationMs: z.number().nonnegative(),
  checkedAt: z.date(),
});
export type CheckResultRecord = z.infer<typeof checkResultRecordSchema>;

const instigatorKindSchema = z.enum(['schedule', 'sensor']);
export type InstigatorKind = z.infer<typeof instigatorKindSchema>;

/**
 * What the instance remembers of a schedule or sensor between daemon passes
 * and restarts.
 */
export const instigatorStateSchema = z.object({
  kind: instigatorKindSchema,
  name: z.string().min(1),
  /** Set by `assets schedule|sensor start|stop`; `null`: as the definitions declare (`defaultStatus`). */
  status: z.enum(['running', 'stopped']).nullable(),
  /** When it last became running; `null` while stopped. No tick from before it is ever run. */
  startedAt: z.date().nullable(),
  /** A sensor's cursor, as its last successful evaluation left it. */
  cursor: z.string().nullable(),
  /** A schedule: the cron time of the last tick handled. A sensor: its last evaluation. */
  lastTickAt: z.date().nullable(),
});
export type InstigatorState = z.infer<typeof instigatorStateSchema>;

const tickStatusSchema = z.enum(['success', 'skipped', 'failed']);
export type TickStatus = z.infer<typeof tickStatusSchema>;

/** One evaluation of a schedule or sensor. */
export const tickRecordSchema = z.object({
  kind: instigatorKindSchema,
  name: z.string().min(1),
  /** A schedule: the cron time the tick is for. A sensor: when it was evaluated. */
  tickTime: z.date(),
  /** When the daemon handled it (later than `tickTime` for a schedule's catch-up tick). */
  evaluatedAt: z.date(),
  /** `success`: runs were launched; `skipped`: none was needed or allowed (see `skipReason`); `failed`: see `error`. */
  status: tickStatusSchema,
  runIds: z.array(z.string().min(1)),
  skipReason: z.string().nullable(),
  error: z.string().nullable(),
  /** The cursor after the tick (sensors). */
  cursor: z.string().nullable(),
});
export type TickRecord = z.infer<typeof tickRecordSchema>;

export const storedTickSchema = tickRecordSchema.extend({
  /** Insertion order: strictly increasing across all ticks. */
  id: z.int().positive(),
});
export type StoredTick = z.infer<typeof storedTickSchema>;

/** A run request a trigger launched. */
export const launchRecordSchema = z.object({
  /** `cli`, `schedule:<name>` or `sensor:<name>`, as the run records it. */
  trigger: z.string().min(1),
  /** The job the run is of; `null` for a sensor's plain selection. */
  job: z.string().min(1).nullable(),
  /** Unique per trigger: a request whose run key was launched before is dropped. */
  runKey: z.string().min(1).nullable(),
  /** `null` when nothing was stale, so no run was recorded. */
  runId: z.string().min(1).nullable(),
  launchedAt: z.date(),
});
export type LaunchRecord = z.infer<typeof launchRecordSchema>;

/** `requested`: under way (or interrupted, to resume); the others are final. */
const backfillStatusSchema = z.enum(['requested', 'completed', 'failed', 'canceled']);
export type BackfillStatus = z.infer<typeof backfillStatusSchema>;

/**
 * Where one target of a backfill stands: `pending` (not started),
 * `running` (in a run not ended, or interrupted), `materialized`,
 * `up-to-date` (planned but found fresh, so left as it was), `failed`,
 * `skipped` (an upstream target failed), `canceled`.
 */
export const backfillTargetStatusSchema = z.enum(['pending', 'running', 'materialized', 'up-to-date', 'failed', 'skipped', 'canceled']);
export type BackfillTargetStatus = z.infer<typeof backfillTargetStatusSchema>;

/**
 * What a backfill was asked to do (`assets backfill <selection> --from A
 * --to B ...`), kept so it can be shown and resumed.
 */
export const backfillRequestSchema = z.object({
  /** The selection expression, as typed. */
  selection: z.string().min(1),
  /** The first and last partition keys, both included; `null`: from the first / to the last partition. */
  from: z.string().min(1).nullable(),
  to: z.string().min(1).nullable(),
  /** Which targets are run: those never materialized, those stale, or all of them. */
  mode: z.enum(['missing', 'stale', 'all']),
  /** `single-run`: one run for every partition; `multi-run`: runs of at most `maxPartitionsPerRun` partitions each. */
  policy: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('single-run') }),
    z.object({ kind: z.literal('multi-run'), maxPartitionsPerRun: z.int().positive() }),
  ]),
  /** The most runs of the backfill at once; `null`: no limit of its own. */
  maxConcurrent: z.int().positive().nullable(),
});
export type BackfillRequest = z.infer<typeof backfillRequestSchema>;

export const backfillRecordSchema = z.object({
  id: z.string().min(1),
  createdAt: z.date(),
  status: backfillStatusSchema,
  request: backfillRequestSchema,
  /** When it reached a final status; `null` while `requested`. */
  endedAt: z.date().nullable(),
});
export type BackfillRecord = z.infer<typeof backfillRecordSchema>;

/** One (asset, partition) a backfill materializes. */
export const backfillTargetSchema = z.object({
  assetKey: z.string().min(1),
  /** `null`: an unpartitioned asset in the selection, materialized once. */
  partition: z.string().min(1).nullable(),
  status: backfillTargetStatusSchema,
  /** The run that last took it on; `null` while pending. Kept after pruning deletes that run. */
  runId: z.string().min(1).nullable(),
});
export type BackfillTarget = z.infer<typeof backfillTargetSchema>;

/** How many targets of a backfill have each status (every status present, 0 when none). */
const backfillCountsSchema = z.record(backfillTargetStatusSchema, z.int().nonnegative());
export type BackfillCounts = z.infer<typeof backfillCountsSchema>;

/** A backfill as it is read back: with the counts of its targets, so progress needs no reading of the targets. */
const storedBackfillSchema = backfillRecordSchema.extend({ counts: backfillCountsSchema });
export type StoredBackfill = z.infer<typeof storedBackfillSchema>;

/** The claim of one run on one asset while it materializes it (see `acquireAssetLease`). */
export const assetLeaseSchema = z.object({
  assetKey: z.string().min(1),
  runId: z.string().min(1),
  pid: z.int().nullable(),
  hostname: z.string().nullable(),
  acquiredAt: z.date(),
  expiresAt: z.date(),
});
export type AssetLease = z.infer<typeof assetLeaseSchema>;

/**
 * What a queued run is started from once the daemon dequeues it: its request
 * (the run's tags are on its record).
 */
export const queuedRunRequestSchema = runRequestSchema;
export type QueuedRunRequest = z.infer<typeof queuedRunRequestSchema>;

/** A run waiting in the queue, with what it is started from. */
export interface QueuedRun {
  readonly run: RunRecord;
  readonly request: QueuedRunRequest;
}

/** The daemon's claim on a queued run: see `claimQueuedRun`. */
export interface ClaimQueuedRunRequest {
  readonly runId: string;
  /** The process and host that will run it, recorded as the run's. */
  readonly pid: number;
  readonly hostname: string;
  /** Recorded as the run's start. */
  readonly startedAt: Date;
  /** Claim only while fewer runs than this are `started`; `null`: no maximum. */
  readonly maxStartedRuns: number | null;
}

/** `claimed`: the caller starts it; `gone`: it is no longer queued (another daemon claimed it); `at-capacity`: the maximum of started runs is reached. */
export type ClaimQueuedRunResult = 'claimed' | 'gone' | 'at-capacity';

/** A run that ended `failed` or `canceled`, and what re-executes it: see `failedRuns`. */
export interface FailedRun {
  readonly run: RunRecord;
  /** The newest run that names it as its `parentRunId` (`--from-failure`, `assets rerun`); `null` when none does. */
  readonly reexecutedBy: string | null;
}

/** A request to cancel a run: see `requestRunCancel`. */
export const runCancelRequestSchema = z.object({
  runId: z.string().min(1),
  /** Who asked, for the record and the run's log: a user, `daemon`, `ui`. */
  requestedBy: z.string().min(1),
  /** When it was asked; only informational, so the caller's clock is fine on every backend. */
  at: z.date(),
});
export type RunCancelRequest = z.infer<typeof runCancelRequestSchema>;

/** What `requestRunCancel` did. */
export type RunCancelResult = 'canceled' | 'requested' | 'ended' | 'unknown';

/** One slot of a concurrency pool, held by a run for one step (see `claimPoolSlot`). */
export const poolSlotSchema = z.object({
  pool: z.string().min(1),
  runId: z.string().min(1),
  assetKey: z.string().min(1),
  pid: z.int().nullable(),
  hostname: z.string().nullable(),
  acquiredAt: z.date(),
  expiresAt: z.date(),
});
export type PoolSlot = z.infer<typeof poolSlotSchema>;

export interface ClaimPoolSlotRequest {
  readonly pool: string;
  readonly runId: string;
  /** The step the slot is for. */
  readonly assetKey: string;
  readonly pid: number;
  readonly hostname: string;
  /** As `AcquireLeaseRequest.now`: SQLite's clock; Postgres uses its own. */
  readonly now: Date;
  readonly ttlMs: number;
  /** Free every slot this run holds in the pool first (a run whose process is known to be gone). */
  readonly takeOverFrom?: string;
}

export type ClaimPoolSlotResult =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly limit: number; readonly holders: readonly PoolSlot[] };

export interface AcquireLeaseRequest {
  readonly assetKey: string;
  readonly runId: string;
  readonly pid: number;
  readonly hostname: string;
  /**
   * The caller's clock, which a backend on one machine (SQLite) compares and
   * stores lease times by. A backend shared by several hosts (Postgres) uses
   * its own clock instead and ignores this: see `acquireAssetLease`.
   */
  readonly now: Date;
  /** The lease lasts this long unless renewed. */
  readonly ttlMs: number;
  /** Take the lease even from this holder (a run whose process is known to be gone). */
  readonly takeOverFrom?: string;
}

export type AcquireLeaseResult = { readonly acquired: true } | { readonly acquired: false; readonly holder: AssetLease };

/** What `pruneRuns` deleted. */
export interface PruneResult {
  readonly runs: number;
  readonly events: number;
  readonly materializations: number;
}

/** What one `write` stores in one transaction. */
export interface WriteBatch {
  readonly events?: readonly RunEvent[];
  readonly materializations?: readonly MaterializationRecord[];
  /** What each code version named by the materializations was computed from; one kept per version (the first). */
  readonly codeManifests?: ReadonlyMap<string, CodeManifest>;
}

/**
 * Where an instance keeps its runs, events and materializations. SQLite on one
 * machine, Postgres shared by several: both pass the same contract suite
 * (`test/storage/storage-contract.ts`).
 *
 * Ordering is part of the contract: "newest" means latest written (insertion
 * order), never a timestamp alone, so two writes in the same millisecond, or a
 * clock that steps back, still give one answer.
 *
 * Errors are `StrataError`s: `STRATA_STORAGE_UNKNOWN_RUN` (a record names a run
 * never created), `STRATA_STORAGE_DUPLICATE_RUN`, `STRATA_STORAGE_INVALID_RECORD`
 * (a record breaks its schema or holds data that is not JSON),
 * `STRATA_STORAGE_INVALID_ARGUMENT`, `STRATA_STORAGE_INVALID_ROW` (a stored row
 * cannot be read back), `STRATA_STORAGE_WRITE`, `STRATA_STORAGE_DUPLICATE_RUN_KEY`,
 * `STRATA_STORAGE_UNKNOWN_BACKFILL` (a backfill id never created, or a target
 * it does not have), `STRATA_STORAGE_DUPLICATE_BACKFILL`;
 * a backend behind a network connection adds `STRATA_STORAGE_UNAVAILABLE` (the
 * database cannot be reached: retryable) and `STRATA_STORAGE_READ`.
 */
export interface InstanceStorage {
  createRun(run: NewRunRecord): Promise<void>;
  /** Sets the final status and end time of a run created (or queued) before. */
  finishRun(runId: string, status: FinalRunStatus, endedAt: Date): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /**
   * Newest first: by `startedAt`, then by creation order for runs that started
   * in the same millisecond. `tags`: only runs that carry every one of them
   * (same key, same value); `limit` counts the runs that match.
   */
  listRuns(options?: { readonly limit?: number; readonly status?: RunStatus; readonly tags?: RunTags }): Promise<RunRecord[]>;
  /** The run `listRuns` would list first. */
  latestRun(): Promise<RunRecord | undefined>;
  /** Every run with that status, newest first (`started` ones are the candidates for crash detection). */
  runsWithStatus(status: RunStatus): Promise<RunRecord[]>;
  /**
   * Every run that ended `failed` or `canceled`, newest first as `listRuns`,
   * each with the newest run that re-executes it: what `--from-failure
   * latest` chooses from, without reading the runs that succeeded.
   */
  failedRuns(): Promise<FailedRun[]>;
  /**
   * Stores the events (in the given order) and the materializations of one step
   * or one batch in one transaction: all of them, or, when any is rejected,
   * none. Every record must name a run created before.
   */
  write(batch: WriteBatch): Promise<void>;
  /**
   * The events of a run in `seq` order; empty for an unknown run. `afterSeq`:
   * only those with a greater `seq`, for a reader that follows a run as it is
   * recorded (`assets logs -f`). Hazard: on a backend several processes write
   * at once (Postgres), a `seq` is taken at insert and becomes visible at
   * commit, so a batch committed late can appear below a `seq` already read;
   * a follower reads the whole run once more when it ends.
   */
  runEvents(runId: string, options?: { readonly afterSeq?: number }): Promise<StoredRunEvent[]>;
  /**
   * The latest unpartitioned materialization of each asset (of `assetKeys`
   * only, when given), keyed and iterated in asset key order: records whose
   * `partition` is null only, so a partitioned asset is absent (see
   * `latestPartitionMaterializations`), as are assets never materialized.
   */
  latestMaterializations(assetKeys?: readonly string[]): Promise<Map<string, MaterializationRecord>>;
  /**
   * The latest materialization of each partition of one asset (of `partitions`
   * only, when given), keyed by partition. Iterated in the order of
   * `partitions` when given (a key listed twice counts once), else in key
   * order (byte order, as asset keys). Partitions never materialized are
   * absent. One query whatever the number of partitions.
   */
  latestPartitionMaterializations(assetKey: string, partitions?: readonly string[]): Promise<Map<string, MaterializationRecord>>;
  /**
   * Newest first: every materialization of the asset, partitioned ones
   * included, or, with `partition`, only that partition's.
   */
  materializationHistory(assetKey: string, options?: { readonly limit?: number; readonly partition?: string }): Promise<MaterializationRecord[]>;
  /** The manifests stored for these code versions (see `WriteBatch.codeManifests`); unknown versions are absent. */
  codeManifests(codeVersions: readonly string[]): Promise<Map<string, CodeManifest>>;
  /**
   * The instance's secret key (32 random bytes, hex), created on first use and
   * the same for every process that opens the instance: it keys the hashes of
   * resource settings, so a stored fingerprint cannot be tested against guesses
   * of a secret by anyone without the instance.
   */
  instanceKey(): Promise<string>;
  /** Forgets every materialization (and check result) of these assets, partitions included, so the planner sees them as missing; returns the materializations removed. */
  wipeMaterializations(assetKeys: readonly string[]): Promise<number>;
  /**
   * The keys of every dynamic partitions definition that has any: name (in
   * name order) -> its keys in the order they were added.
   */
  dynamicPartitionKeys(): Promise<Map<string, string[]>>;
  /**
   * Adds keys to a dynamic partitions definition, in one transaction, in the
   * order given. Keys it holds already are ignored, and a key listed twice is
   * added once; returns the keys added, in the order given. Throws
   * `STRATA_STORAGE_INVALID_ARGUMENT` for an empty name or key.
   */
  addDynamicPartitions(name: string, keys: readonly string[]): Promise<string[]>;
  /** Removes keys from a dynamic partitions definition, in one transaction; returns those it held, in the order given. Throws as `addDynamicPartitions`. */
  removeDynamicPartitions(name: string, keys: readonly string[]): Promise<string[]>;
  /** Stores the results of asset checks, in one transaction; their runs must exist. */
  recordCheckResults(results: readonly CheckResultRecord[]): Promise<void>;
  /** The latest result of each check of these assets (every asset when none are given), by check key (`orders.unique_id`). */
  latestCheckResults(assetKeys?: readonly string[]): Promise<Map<string, CheckResultRecord>>;
  /** The results of an asset's checks (of one, when `checkName` is given), newest first. */
  checkResultHistory(assetKey: string, options?: { readonly checkName?: string; readonly limit?: number }): Promise<CheckResultRecord[]>;
  /** The stored state of a schedule or sensor, or undefined when nothing was ever stored for it. */
  instigatorState(kind: InstigatorKind, name: string): Promise<InstigatorState | undefined>;
  /** Every stored state, by kind, then name. */
  instigatorStates(): Promise<InstigatorState[]>;
  /** Creates or replaces the state of a schedule or sensor. */
  saveInstigatorState(state: InstigatorState): Promise<void>;
  /**
   * Stores a tick and its instigator's new state (cursor, last tick) in one
   * transaction, so a cursor never moves without the tick that moved it.
   * `state` must be of the tick's instigator.
   */
  recordTick(tick: TickRecord, state: InstigatorState): Promise<StoredTick>;
  /** Ticks newest first (insertion order), of one kind and/or name when given. */
  listTicks(options?: { readonly kind?: InstigatorKind; readonly name?: string; readonly limit?: number }): Promise<StoredTick[]>;
  /**
   * Records a launched run request. Throws `STRATA_STORAGE_DUPLICATE_RUN_KEY`
   * when the trigger launched that run key before; the first launch is kept.
   */
  recordLaunch(launch: LaunchRecord): Promise<void>;
  /** Those of `runKeys` that `trigger` has launched. */
  launchedRunKeys(trigger: string, runKeys: readonly string[]): Promise<Set<string>>;
  /** Runs still `started` that were launched for `job`, newest first: what the no-overlap rule waits for. */
  startedRunsOfJob(job: string): Promise<RunRecord[]>;
  /**
   * Takes the lease on an asset for a run, in one transaction: granted when
   * nobody holds it, the holder's lease expired, the run holds it already, or
   * the holder is `takeOverFrom`; otherwise returns the holder.
   *
   * Expiry is judged by one clock for all callers. SQLite, on one machine,
   * uses `request.now`. Postgres uses the database server's `now()` and ignores
   * `request.now`, so a host whose clock runs ahead cannot take a live lease;
   * the holder's `acquiredAt` and `expiresAt` are then server times.
   */
  acquireAssetLease(request: AcquireLeaseRequest): Promise<AcquireLeaseResult>;
  /** Extends every lease the run holds to `now + ttlMs` (the heartbeat); `now` is the backend's clock, as in `acquireAssetLease`. */
  renewAssetLeases(runId: string, now: Date, ttlMs: number): Promise<void>;
  /** Gives up the run's lease on one asset; nothing happens if it holds none. */
  releaseAssetLease(assetKey: string, runId: string): Promise<void>;
  /** Gives up every lease the run holds. */
  releaseAssetLeases(runId: string): Promise<void>;
  /**
   * Records a run with status `queued` and what it is to be started from, in
   * one transaction. `run.startedAt` is when it was queued; `pid` and
   * `hostname` are those of whoever queued it (the claim replaces them); its
   * `request` is recorded as `request`, whatever the run says.
   * Throws `STRATA_STORAGE_INVALID_RECORD` for a run whose status is not
   * `queued`, and `STRATA_STORAGE_DUPLICATE_RUN`.
   */
  enqueueRun(run: NewRunRecord, request: QueuedRunRequest): Promise<void>;
  /** The runs still `queued`, oldest first (insertion order): the order the daemon starts them in. */
  queuedRuns(): Promise<QueuedRun[]>;
  /**
   * Moves a queued run to `started` for the caller, in one transaction that
   * also counts the started runs against `maxStartedRuns`, so two daemons
   * never start the same run nor together exceed the maximum.
   */
  claimQueuedRun(claim: ClaimQueuedRunRequest): Promise<ClaimQueuedRunResult>;
  /**
   * Asks a run to cancel, from any process on any host. A `queued` run is
   * canceled at once, atomically with its status check (so a daemon claiming it
   * at the same moment either starts it first — then this is `requested` — or
   * never): status `canceled`, `endedAt` = `at`, and a `run-end` event
   * (level warn, message `Run <id> was canceled before it started (by <requestedBy>).`,
   * data { status: 'canceled' }) in the same transaction → 'canceled'. A `started`
   * run gets a cancellation request recorded (kept once: the first request
   * wins) → 'requested'; its coordinator reads it with `runCancelRequested`.
   * A run that ended → 'ended' (nothing written); an unknown run → 'unknown'.
   * Throws `STRATA_STORAGE_INVALID_ARGUMENT` for an empty run id or
   * `requestedBy`, or an invalid date.
   */
  requestRunCancel(request: RunCancelRequest): Promise<RunCancelResult>;
  /** Whether a cancellation of the run was requested (see `requestRunCancel`); false for an unknown run. Cheap: a coordinator asks every second. */
  runCancelRequested(runId: string): Promise<boolean>;
  /** Sets (a positive integer) or removes (`null`: unlimited) the limit of a concurrency pool. */
  setPoolLimit(pool: string, limit: number | null): Promise<void>;
  /** Every pool with a limit, in pool name order. */
  poolLimits(): Promise<Map<string, number>>;
  /**
   * Claims a slot in a pool for one step of a run, in one transaction: slots
   * whose expiry passed are freed first (their holder stopped renewing them),
   * and `takeOverFrom`'s slots in the pool too; then the slot is granted when
   * the run holds it already, the pool has no limit, or fewer slots than the
   * limit are held. Otherwise returns the limit and the holders, oldest first.
   * Clocks as in `acquireAssetLease`. Claims in a pool without a limit are
   * recorded too, so `poolSlots` shows what runs in every pool.
   */
  claimPoolSlot(request: ClaimPoolSlotRequest): Promise<ClaimPoolSlotResult>;
  /** Extends every pool slot the run holds to `now + ttlMs` (the heartbeat, with its leases). */
  renewPoolSlots(runId: string, now: Date, ttlMs: number): Promise<void>;
  /** Gives up the run's slot in a pool for one step; nothing happens if it holds none. */
  releasePoolSlot(pool: string, runId: string, assetKey: string): Promise<void>;
  /** Gives up every pool slot the run holds. */
  releasePoolSlots(runId: string): Promise<void>;
  /** The slots held and not expired at `now` (Postgres: its own clock), by pool, then oldest first. */
  poolSlots(now: Date): Promise<PoolSlot[]>;
  /**
   * Stores a backfill and its targets in one transaction, the targets in the
   * order given (the order `backfillTargets` lists them in). Throws
   * `STRATA_STORAGE_DUPLICATE_BACKFILL` for an id that exists, and
   * `STRATA_STORAGE_INVALID_RECORD` for a record breaking its schema or a
   * target (asset, partition) listed twice; nothing is then written.
   */
  createBackfill(backfill: BackfillRecord, targets: readonly BackfillTarget[]): Promise<void>;
  /** The backfill with its counts, or undefined when it was never created. */
  getBackfill(id: string): Promise<StoredBackfill | undefined>;
  /** Newest first: by `createdAt`, then by creation order; each with its counts, counted by the database. */
  listBackfills(options?: { readonly limit?: number }): Promise<StoredBackfill[]>;
  /** The targets of a backfill in the order it was created with (of one status, when given); empty for an unknown backfill. */
  backfillTargets(id: string, options?: { readonly status?: BackfillTargetStatus }): Promise<BackfillTarget[]>;
  /**
   * Sets the status and run of targets of a backfill, in one transaction;
   * when one target is named twice, the last update wins. Throws
   * `STRATA_STORAGE_UNKNOWN_BACKFILL` for an unknown backfill or a target it
   * does not have, and `STRATA_STORAGE_INVALID_RECORD` for an update breaking
   * its schema; nothing is then written.
   */
  updateBackfillTargets(id: string, updates: readonly BackfillTarget[]): Promise<void>;
  /**
   * Sets the status of a backfill and when it ended: a final status with its
   * end, or `requested` with `null` to reopen it (resume). Throws
   * `STRATA_STORAGE_UNKNOWN_BACKFILL`, and `STRATA_STORAGE_INVALID_RECORD`
   * when `endedAt` is null for a final status or set for `requested`.
   */
  finishBackfill(id: string, status: BackfillStatus, endedAt: Date | null): Promise<void>;
  /**
   * Deletes, in one transaction, the runs that ended and started before
   * `olderThan`, with their events, materializations, leases and
   * cancellation requests. Kept whole:
   * runs still `started` (running, or for crash detection to find), and runs
   * that recorded the latest materialization of an asset or of one of its
   * partitions, since the planner
   * compares against it (deleting it would plan the asset as missing), runs
   * that recorded the latest result of a check (for the same reason), and
   * runs still `queued`. The
   * launches of deleted runs stay, without their run, so a run key is still
   * never launched twice. Throws `STRATA_STORAGE_INVALID_ARGUMENT` for an
   * invalid date.
   */
  pruneRuns(olderThan: Date): Promise<PruneResult>;
  /** Releases the connection; calling it again does nothing. */
  close(): Promise<void>;
}
