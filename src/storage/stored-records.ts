import { z } from 'zod';
import { checkKey } from '../core/check-definitions.js';
import { type CodeManifest, codeManifestSchema } from '../core/code-manifest.js';
import { StrataError } from '../core/errors.js';
import {
  assetLeaseSchema,
  type BackfillCounts,
  type BackfillRecord,
  backfillRecordSchema,
  backfillRequestSchema,
  type BackfillStatus,
  type BackfillTarget,
  backfillTargetSchema,
  type BackfillTargetStatus,
  backfillTargetStatusSchema,
  type CheckResultRecord,
  checkResultRecordSchema,
  instigatorStateSchema,
  type MaterializationRecord,
  materializationRecordSchema,
  poolSlotSchema,
  type NewRunRecord,
  type QueuedRunRequest,
  queuedRunRequestSchema,
  type RunCancelRequest,
  runCancelRequestSchema,
  type RunEvent,
  runEventSchema,
  type RunRecord,
  newRunRecordSchema,
  runRecordSchema,
  type RunTags,
  runRequestSchema,
  runStatusSchema,
  runTagsSchema,
  storedRunEventSchema,
  storedTickSchema,
  tickRecordSchema,
} from './instance-storage.js';

/*
 * What every instance storage backend does alike on the way in (records
 * checked against their schemas before anything is written) and on the way
 * out (rows parsed back into records), so SQLite and Postgres report the same
 * errors in the same words. Backends differ only in how a time is stored.
 */

export const runEndSchema = z.object({ status: runStatusSchema.exclude(['queued', 'started']), endedAt: z.date() });

/** A record checked against its schema, or `STRATA_STORAGE_INVALID_RECORD` naming `what` and each problem. */
export function validRecord<T>(schema: z.ZodType<T>, record: unknown, what: string): T {
  const parsed = schema.safeParse(record);
  if (!parsed.success) throw invalidRecord(what, parsed.error);
  return parsed.data;
}

export function invalidRecord(what: string, error: z.ZodError): StrataError {
  return new StrataError('STRATA_STORAGE_INVALID_RECORD', `Cannot store ${what}: ${describeIssues(error)}. Nothing was written.`, {
    hint: 'This is a bug in the code that built the record: fix the field named above.',
    cause: error,
  });
}

export function duplicateRun(runId: string, location: string, cause: unknown): StrataError {
  return new StrataError('STRATA_STORAGE_DUPLICATE_RUN', `A run with id "${runId}" already exists in ${location}.`, {
    hint: 'Give every run a new id (a random UUID).',
    cause,
  });
}

/** A run to queue and its request, checked: the run must be `queued`. */
export function validQueuedRun(run: NewRunRecord, request: QueuedRunRequest): { run: RunRecord; request: QueuedRunRequest } {
  const what = `queued run "${run.runId}"`;
  const valid = validRecord(newRunRecordSchema, { ...run, request }, what);
  if (valid.status !== 'queued') {
    throw new StrataError('STRATA_STORAGE_INVALID_RECORD', `Cannot store ${what}: status must be "queued", got "${valid.status}". Nothing was written.`, {
      hint: 'Create runs that start at once with createRun; enqueueRun is for runs that wait in the queue.',
    });
  }
  return { run: valid, request: validRecord(queuedRunRequestSchema, request, `the request of ${what}`) };
}

/** The JSON columns of a run checked against its schema. */
export function runJsonColumns(run: RunRecord): { tags: string; request: string | null } {
  return { tags: JSON.stringify(run.tags), request: run.request === null ? null : JSON.stringify(run.request) };
}

/**
 * The tags `listRuns` filters by, as one JSON object; `undefined` for none
 * (every run matches). A bad one is a caller's mistake: `STRATA_STORAGE_INVALID_ARGUMENT`.
 */
export function validTagFilter(tags: RunTags | undefined): string | undefined {
  if (tags === undefined || Object.keys(tags).length === 0) return undefined;
  const parsed = runTagsSchema.safeParse(tags);
  if (parsed.success) return JSON.stringify(parsed.data);
  throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', `Cannot filter runs by tags: ${describeIssues(parsed.error)}.`, {
    hint: 'Pass tags as { key: "value" }, with non-empty keys without "=".',
    cause: parsed.error,
  });
}

/** `runEvents`' `afterSeq`: a non-negative integer, 0 (every event) when left out. */
export function validAfterSeq(afterSeq: number | undefined): number {
  if (afterSeq === undefined) return 0;
  if (Number.isSafeInteger(afterSeq) && afterSeq >= 0) return afterSeq;
  throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', `afterSeq must be a non-negative integer, got ${afterSeq}.`, {
    hint: 'Pass the seq of the last event read, or leave it out to read from the first.',
  });
}

/** A cancellation request checked: a bad one is a caller's mistake, so `STRATA_STORAGE_INVALID_ARGUMENT`. */
export function validCancelRequest(request: RunCancelRequest): RunCancelRequest {
  const parsed = runCancelRequestSchema.safeParse(request);
  if (parsed.success) return parsed.data;
  throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', `Cannot request the cancellation of run "${String(request.runId)}": ${describeIssues(parsed.error)}.`, {
    hint: 'Pass the run id, who asks (a user name, or the process that asks, such as "daemon"), and a valid date.',
    cause: parsed.error,
  });
}

/**
 * The `run-end` event of a queued run canceled by `requestRunCancel`. Built
 * here so both backends log it in the same words: a started run's coordinator
 * writes its own when it stops.
 */
export function canceledBeforeStartEvent(request: RunCancelRequest): RunEvent {
  return {
    runId: request.runId,
    time: request.at,
    type: 'run-end',
    assetKey: null,
    attempt: null,
    level: 'warn',
    message: `Run ${request.runId} was canceled before it started (by ${request.requestedBy}).`,
    data: { status: 'canceled' },
  };
}

/** A pool limit is a positive integer, or null for none. */
export function validPoolLimit(pool: string, limit: number | null): void {
  if (pool.length === 0) {
    throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', 'A pool name cannot be empty.', { hint: 'Name the pool as assets name it with `pool`.' });
  }
  if (limit !== null && (!Number.isInteger(limit) || limit < 1)) {
    throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', `The limit of pool "${pool}" must be a positive integer, got ${limit}.`, {
      hint: 'Pass null to remove the limit (the pool is then unlimited).',
    });
  }
}

/** A check result checked against its schema, with its JSON columns as text; `time` turns its time into the backend's. */
export function checkResultParams<T>(record: CheckResultRecord, index: number, time: (date: Date) => T) {
  const what = `check results[${index}]`;
  const valid = validRecord(checkResultRecordSchema, record, what);
  return {
    ...valid,
    checkedAt: time(valid.checkedAt),
    sample: toJson(valid.sample, `${what}.sample`),
    metadata: toJson(valid.metadata, `${what}.metadata`),
    dataVersions: JSON.stringify(valid.dataVersions),
  };
}

/** Check results keyed by their check's key (`orders.unique_id`), in the order given. */
export function byCheckKey(results: readonly CheckResultRecord[]): Map<string, CheckResultRecord> {
  return new Map(results.map((result) => [checkKey(result.assetKey, { name: result.checkName }), result]));
}

/**
 * The latest materializations of one asset's partitions keyed by partition:
 * in the order of `partitions` when given (those never materialized left
 * out), else in the order read (the query's key order).
 */
export function byPartition(
  records: readonly MaterializationRecord[],
  partitions: readonly string[] | undefined,
): Map<string, MaterializationRecord> {
  const read = new Map<string, MaterializationRecord>();
  for (const record of records) if (record.partition !== null) read.set(record.partition, record);
  if (partitions === undefined) return read;
  const ordered = new Map<string, MaterializationRecord>();
  for (const partition of partitions) {
    const record = read.get(partition);
    if (record !== undefined) ordered.set(partition, record);
  }
  return ordered;
}

/**
 * The name and keys given to `addDynamicPartitions` or
 * `removeDynamicPartitions`, checked, each key once in the order first given.
 */
export function validDynamicPartitions(name: string, keys: readonly string[]): string[] {
  if (name.length === 0) {
    throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', 'A dynamic partitions definition needs a name; got an empty one.', {
      hint: "Pass the name given to dynamicPartitions('name').",
    });
  }
  if (keys.some((key) => key.length === 0)) {
    throw new StrataError('STRATA_STORAGE_INVALID_ARGUMENT', `Dynamic partitions "${name}" cannot hold an empty key.`, {
      hint: 'Pass non-empty partition keys.',
    });
  }
  return [...new Set(keys)];
}

/** Dynamic partition rows, read in name then insertion order, as `dynamicPartitionKeys` returns them. */
export function keysByName(rows: readonly { name: string; partition_key: string }[]): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const { name, partition_key: key } of rows) {
    const list = keys.get(name);
    if (list === undefined) keys.set(name, [key]);
    else list.push(key);
  }
  return keys;
}

/** Of `keys`, those in `changed`, in the order of `keys`: what a backend returns of the keys it added or removed. */
export function keysIn(keys: readonly string[], changed: ReadonlySet<string>): string[] {
  return keys.filter((key) => changed.has(key));
}

/**
 * How a target without a partition (an unpartitioned asset) is stored: a
 * primary key column cannot hold NULL, and no partition key is empty
 * (`backfillTargetSchema` refuses '').
 */
const NO_PARTITION = '';

/** A backfill target as its columns hold it. */
export interface BackfillTargetParams {
  readonly assetKey: string;
  readonly partition: string;
  readonly status: string;
  readonly runId: string | null;
}

function targetParams(target: BackfillTarget): BackfillTargetParams {
  return { assetKey: target.assetKey, partition: target.partition ?? NO_PARTITION, status: target.status, runId: target.runId };
}

/** How a target is named in messages. */
function describeTarget(target: { readonly assetKey: string; readonly partition: string }): string {
  return target.partition === NO_PARTITION ? target.assetKey : `${target.assetKey} [${target.partition}]`;
}

/** A backfill and its targets checked, as their columns hold them: a target listed twice is refused. */
export function validBackfill(backfill: BackfillRecord, targets: readonly BackfillTarget[]) {
  const what = `backfill "${String(backfill.id)}"`;
  const valid = validRecord(backfillRecordSchema, backfill, what);
  const seen = new Set<string>();
  const params = targets.map((target, index) => {
    const checked = targetParams(validRecord(backfillTargetSchema, target, `target ${index} of ${what}`));
    const key = JSON.stringify([checked.assetKey, checked.partition]);
    if (seen.has(key)) {
      throw new StrataError('STRATA_STORAGE_INVALID_RECORD', `Cannot store ${what}: it lists ${describeTarget(checked)} twice (target ${index}). Nothing was written.`, {
        hint: 'This is a bug in the code that planned the backfill: list each asset and partition once.',
      });
    }
    seen.add(key);
    return checked;
  });
  return { backfill: { ...valid, request: JSON.stringify(valid.request) }, targets: params };
}

/** The updates of `updateBackfillTargets` checked, one per target (the last given wins), in the order first given. */
export function validBackfillUpdates(id: string, updates: readonly BackfillTarget[]): BackfillTargetParams[] {
  const latest = new Map<string, BackfillTargetParams>();
  updates.forEach((update, index) => {
    const checked = targetParams(validRecord(backfillTargetSchema, update, `update ${index} of backfill "${id}"`));
    latest.set(JSON.stringify([checked.assetKey, checked.partition]), checked);
  });
  return [...latest.values()];
}

/** `finishBackfill`'s status and end checked: a final status has an end, `requested` has none. */
export function validBackfillEnd(id: string, status: BackfillStatus, endedAt: Date | null): { status: BackfillStatus; endedAt: Date | null } {
  const what = `the status of backfill "${id}"`;
  const valid = validRecord(backfillRecordSchema.pick({ status: true, endedAt: true }), { status, endedAt }, what);
  if ((valid.status === 'requested') !== (valid.endedAt === null)) {
    throw new StrataError(
      'STRATA_STORAGE_INVALID_RECORD',
      `Cannot store ${what}: "${valid.status}" ${valid.status === 'requested' ? 'has no end time' : 'needs an end time'}. Nothing was written.`,
      { hint: 'Pass the time it ended with a final status, or null with "requested" to reopen it.' },
    );
  }
  return valid;
}

export function duplicateBackfill(id: string, location: string, cause: unknown): StrataError {
  return new StrataError('STRATA_STORAGE_DUPLICATE_BACKFILL', `A backfill with id "${id}" already exists in ${location}.`, {
    hint: 'Give every backfill a new id.',
    cause,
  });
}

export function unknownBackfill(id: string, location: string): StrataError {
  return new StrataError('STRATA_STORAGE_UNKNOWN_BACKFILL', `Backfill "${id}" does not exist in ${location}; nothing was written.`, {
    hint: 'Run `assets backfills` to list the backfills of this instance.',
  });
}

/** The updates that named no target of the backfill, for the error that rolls them all back. */
export function unknownBackfillTargets(id: string, location: string, missing: readonly BackfillTargetParams[]): StrataError {
  const shown = missing.slice(0, 5).map(describeTarget).join(', ');
  const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
  return new StrataError(
    'STRATA_STORAGE_UNKNOWN_BACKFILL',
    `Backfill "${id}" in ${location} has no target ${shown}${more}; none of the updates was written.`,
    { hint: 'Update only the assets and partitions the backfill was created with (see backfillTargets).' },
  );
}

/** Target counts per backfill from `(backfill_id, status, count)` rows, every status present. */
export function countsByBackfill(rows: readonly { backfill_id: string; status: BackfillTargetStatus; count: number }[]): Map<string, BackfillCounts> {
  const counts = new Map<string, BackfillCounts>();
  for (const row of rows) {
    let of = counts.get(row.backfill_id);
    if (of === undefined) counts.set(row.backfill_id, (of = noTargets()));
    of[row.status] = row.count;
  }
  return counts;
}

/** Counts of a backfill without targets. */
export function noTargets(): BackfillCounts {
  return Object.fromEntries(backfillTargetStatusSchema.options.map((status) => [status, 0])) as BackfillCounts;
}

/** Log data, metadata and check samples come from user code: BigInts and cycles end up here. */
export function toJson(value: unknown, what: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new StrataError(
      'STRATA_STORAGE_INVALID_RECORD',
      `Cannot store ${what} as JSON: ${(error as Error).message}. Nothing was written.`,
      { hint: 'Pass only JSON values (no BigInt, no circular references) as log data and metadata.', cause: error },
    );
  }
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`))
    .join('; ');
}

/** A code manifest checked and serialized for its table. */
export function manifestParams(codeVersion: string, manifest: CodeManifest) {
  return { codeVersion, manifest: JSON.stringify(validRecord(codeManifestSchema, manifest, `the code manifest of version "${codeVersion}"`)) };
}

export function quoteList(values: readonly string[], noun: string): string {
  return `${noun}${values.length === 1 ? '' : 's'} ${values.map((value) => `"${value}"`).join(', ')}`;
}

/** How a stored row is named in an error: its id, key or name, whichever its table has. */
export function rowId(row: unknown): string {
  if (typeof row !== 'object' || row === null) return '?';
  const record = row as Record<string, unknown>;
  return String(
    record['seq'] ??
      record['id'] ??
      record['asset_key'] ??
      record['pool'] ??
      record['code_version'] ??
      (record['name'] === undefined ? '?' : `${String(record['kind'])}/${String(record['name'])}`),
  );
}

function jsonText<T>(schema: z.ZodType<T>) {
  return z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/**
 * The schemas that parse each table's rows back into records. Columns are
 * snake_case and JSON columns text, in both backends; `time` reads a stored
 * time (SQLite: epoch milliseconds; Postgres: the driver's Date).
 */
export function storedRowSchemas(time: z.ZodType<Date>) {
  const runRow = z
    .object({
      run_id: z.string(),
      status: z.string(),
      selection: z.string(),
      triggered_by: z.string(),
      started_at: time,
      ended_at: time.nullable(),
      pid: z.int().nullable(),
      hostname: z.string().nullable(),
      tags: jsonText(runTagsSchema),
      parent_run_id: z.string().nullable(),
      request: jsonText(runRequestSchema).nullable(),
    })
    .transform((row) => ({
      runId: row.run_id,
      status: row.status,
      selection: row.selection,
      trigger: row.triggered_by,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      pid: row.pid,
      hostname: row.hostname,
      tags: row.tags,
      parentRunId: row.parent_run_id,
      request: row.request,
    }))
    .pipe(runRecordSchema);
  
  /** The column `failedRuns` reads beside a runs row: the newest run naming it as its parent. */
  const reexecutedByColumn = z.object({ reexecuted_by: z.string().nullable() }).transform((row) => row.reexecuted_by);

  const eventRow = z
    .object({
      seq: z.int(),
      run_id: z.string(),
      time: time,
      type: z.string(),
      asset_key: z.string().nullable(),
      attempt: z.int().nullable(),
      level: z.string(),
      message: z.string(),
      data: jsonText(runEventSchema.shape.data.unwrap()).nullable(),
    })
    .transform((row) => ({
      seq: row.seq,
      runId: row.run_id,
      time: row.time,
      type: row.type,
      assetKey: row.asset_key,
      attempt: row.attempt,
      level: row.level,
      message: row.message,
      data: row.data,
    }))
    .pipe(storedRunEventSchema);
  
  const materializationRow = z
    .object({
      run_id: z.string(),
      asset_key: z.string(),
      partition: z.string().nullable(),
      materialized_at: time,
      code_version: z.string(),
      data_version: z.string(),
      input_data_versions: jsonText(materializationRecordSchema.shape.inputDataVersions),
      config_versions: jsonText(materializationRecordSchema.shape.configVersions),
      reasons: jsonText(materializationRecordSchema.shape.reasons),
      duration_ms: z.number(),
      metadata: jsonText(materializationRecordSchema.shape.metadata),
    })
    .transform((row) => ({
      runId: row.run_id,
      assetKey: row.asset_key,
      partition: row.partition,
      materializedAt: row.materialized_at,
      codeVersion: row.code_version,
      dataVersion: row.data_version,
      inputDataVersions: row.input_data_versions,
      configVersions: row.config_versions,
      reasons: row.reasons,
      durationMs: row.duration_ms,
      metadata: row.metadata,
    }))
    .pipe(materializationRecordSchema);
  
  const codeManifestRow = z
    .object({ code_version: z.string(), manifest: jsonText(codeManifestSchema) })
    .transform((row) => ({ codeVersion: row.code_version, manifest: row.manifest }));
  
  const instigatorRow = z
    .object({
      kind: z.string(),
      name: z.string(),
      status: z.string().nullable(),
      started_at: time.nullable(),
      cursor: z.string().nullable(),
      last_tick_at: time.nullable(),
    })
    .transform((row) => ({
      kind: row.kind,
      name: row.name,
      status: row.status,
      startedAt: row.started_at,
      cursor: row.cursor,
      lastTickAt: row.last_tick_at,
    }))
    .pipe(instigatorStateSchema);
  
  const leaseRow = z
    .object({
      asset_key: z.string(),
      run_id: z.string(),
      pid: z.int().nullable(),
      hostname: z.string().nullable(),
      acquired_at: time,
      expires_at: time,
    })
    .transform((row) => ({
      assetKey: row.asset_key,
      runId: row.run_id,
      pid: row.pid,
      hostname: row.hostname,
      acquiredAt: row.acquired_at,
      expiresAt: row.expires_at,
    }))
    .pipe(assetLeaseSchema);
  
  const tickRow = z
    .object({
      id: z.int(),
      kind: z.string(),
      name: z.string(),
      tick_time: time,
      evaluated_at: time,
      status: z.string(),
      run_ids: jsonText(tickRecordSchema.shape.runIds),
      skip_reason: z.string().nullable(),
      error: z.string().nullable(),
      cursor: z.string().nullable(),
    })
    .transform((row) => ({
      id: row.id,
      kind: row.kind,
      name: row.name,
      tickTime: row.tick_time,
      evaluatedAt: row.evaluated_at,
      status: row.status,
      runIds: row.run_ids,
      skipReason: row.skip_reason,
      error: row.error,
      cursor: row.cursor,
    }))
    .pipe(storedTickSchema);
  const poolSlotRow = z
    .object({
      pool: z.string(),
      run_id: z.string(),
      asset_key: z.string(),
      pid: z.int().nullable(),
      hostname: z.string().nullable(),
      acquired_at: time,
      expires_at: time,
    })
    .transform((row) => ({
      pool: row.pool,
      runId: row.run_id,
      assetKey: row.asset_key,
      pid: row.pid,
      hostname: row.hostname,
      acquiredAt: row.acquired_at,
      expiresAt: row.expires_at,
    }))
    .pipe(poolSlotSchema);

  /** The `request` of a run's `queued_runs` row, selected as `queued_request` beside the run; `runRow` reads the rest. */
  const queuedRequestRow = z.object({ queued_request: jsonText(queuedRunRequestSchema) }).transform((row) => row.queued_request);

  const poolLimitRow = z.object({ pool: z.string(), slot_limit: z.int().positive() });

  const checkResultRow = z
    .object({
      run_id: z.string(),
      asset_key: z.string(),
      check_name: z.string(),
      partition: z.string().nullable(),
      check_version: z.string(),
      status: z.string(),
      severity: z.string(),
      blocking: z.union([z.boolean(), z.int().transform((flag) => flag !== 0)]),
      failing: z.int().nullable(),
      sample: jsonText(checkResultRecordSchema.shape.sample),
      metadata: jsonText(checkResultRecordSchema.shape.metadata),
      data_versions: jsonText(checkResultRecordSchema.shape.dataVersions),
      duration_ms: z.number(),
      checked_at: time,
    })
    .transform((row) => ({
      runId: row.run_id,
      assetKey: row.asset_key,
      checkName: row.check_name,
      partition: row.partition,
      checkVersion: row.check_version,
      status: row.status,
      severity: row.severity,
      blocking: row.blocking,
      failing: row.failing,
      sample: row.sample,
      metadata: row.metadata,
      dataVersions: row.data_versions,
      durationMs: row.duration_ms,
      checkedAt: row.checked_at,
    }))
    .pipe(checkResultRecordSchema);

  const dynamicPartitionRow = z.object({ name: z.string().min(1), partition_key: z.string().min(1) });

  const backfillRow = z
    .object({
      backfill_id: z.string(),
      created_at: time,
      status: z.string(),
      request: jsonText(backfillRequestSchema),
      ended_at: time.nullable(),
    })
    .transform((row) => ({ id: row.backfill_id, createdAt: row.created_at, status: row.status, request: row.request, endedAt: row.ended_at }))
    .pipe(backfillRecordSchema);

  const backfillTargetRow = z
    .object({ asset_key: z.string(), partition: z.string(), status: z.string(), run_id: z.string().nullable() })
    .transform((row) => ({
      assetKey: row.asset_key,
      partition: row.partition === NO_PARTITION ? null : row.partition,
      status: row.status,
      runId: row.run_id,
    }))
    .pipe(backfillTargetSchema);

  const backfillCountRow = z.object({ backfill_id: z.string(), status: backfillTargetStatusSchema, count: z.int().nonnegative() });

  return { runRow, reexecutedByColumn, eventRow, materializationRow, codeManifestRow, instigatorRow, leaseRow, tickRow, poolSlotRow, queuedRequestRow, poolLimitRow, checkResultRow, dynamicPartitionRow, backfillRow, backfillTargetRow, backfillCountRow };
}
