import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Definitions } from '../core/definitions.js';
import { UsageError } from '../core/errors.js';
import { partitionTag } from '../core/run-tags.js';
import type { InstanceStorage, QueuedRun, QueuedRunRequest, RunRecord, RunTags } from '../storage/instance-storage.js';
import { describeError } from './describe-error.js';
import { describeSelection } from './describe-selection.js';
import type { MaterializeOptions } from './materialize.js';
import { hasWork, planMaterialization } from './plan-materialization.js';
import type { MaterializeResult } from './run-result.js';

/*
 * The run queue: a run asked for from the CLI (`assets materialize --queue`),
 * a schedule or a sensor can wait in the instance as a `queued` run until a
 * daemon starts it (`dequeueRuns` in src/sensors), oldest first and never
 * more at once than the maximum of concurrent runs.
 */

/** What `enqueueRun` takes: a job or a selection, as `materialize` or `runJob` would get them. */
export interface EnqueueRequest extends QueuedRunRequest {
  /** Recorded with the run: `cli` (default), `schedule:<name>`, `sensor:<name>`. */
  readonly trigger?: string | undefined;
  /** Recorded with the run (see `RunRecord.tags`). */
  readonly tags?: RunTags | undefined;
  /** The run this one re-executes (see `RunRecord.parentRunId`). */
  readonly parentRunId?: string | undefined;
  /** When it is queued; default now. */
  readonly now?: Date | undefined;
}

/**
 * Records a run as `queued`, with what it is to be started from, and returns
 * it. Nothing is planned now: the daemon plans it when it starts it, against
 * the definitions and materializations of then, so it runs what is stale at
 * that moment. Check the selection (or job) against the definitions first if
 * a typo should be reported now rather than recorded as the run's failure.
 *
 * Throws a `UsageError` for a request with both a job and selection options.
 *
 * @example
 * const run = await enqueueRun(storage, { select: '+top_customers', trigger: 'cli' });
 * console.log(`queued ${run.runId}`);
 */
export async function enqueueRun(storage: InstanceStorage, request: EnqueueRequest): Promise<RunRecord> {
  const { trigger, now, tags, parentRunId, ...stored } = request;
  if (stored.job !== undefined && (stored.select !== undefined || stored.exclude !== undefined || stored.force !== undefined || stored.refresh !== undefined)) {
    throw new UsageError(`A queued run of job "${stored.job}" takes its selection and force from the job.`, {
      hint: 'Queue the job alone, or a selection (select, exclude, force, refresh) without a job.',
    });
  }
  const run: RunRecord = {
    runId: randomUUID(),
    status: 'queued',
    selection: describeRequest(stored),
    trigger: trigger ?? 'cli',
    startedAt: now ?? new Date(),
    endedAt: null,
    pid: process.pid,
    hostname: hostname(),
    // Tagged with its partition now, as a run started at once is: `runs --tag strata/partition=K` finds it queued too.
    tags: stored.partition === undefined ? (tags ?? {}) : { ...tags, ...partitionTag(stored.partition) },
    parentRunId: parentRunId ?? null,
    request: stored,
  };
  await storage.enqueueRun(run, stored);
  return run;
}

/** How a queued run's selection is listed: the job, or the selection with its options. */
function describeRequest(request: QueuedRunRequest): string {
  if (request.job === undefined) return describeSelection(request);
  return request.partition === undefined ? `job ${request.job}` : `job ${request.job} --partition ${request.partition}`;
}

/**
 * Runs a queued run its caller has claimed (see `claimQueuedRun`), under its
 * queued id: plans it now and materializes what is stale, as `materialize`
 * does. With nothing stale it ends `nothing-to-do`. When it cannot be planned
 * (its assets are gone from the definitions, say), it ends `failed` with the
 * reason recorded, and the error is thrown.
 */
export async function startQueuedRun(definitions: Definitions, queued: QueuedRun, options: MaterializeOptions): Promise<MaterializeResult> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const { runId } = queued.run;
  let materializationPlan;
  try {
    materializationPlan = await planMaterialization(definitions, options.storage, options);
  } catch (error) {
    await failQueuedRun(options.storage, runId, `it could not be planned: ${describeError(error).message}`, now());
    throw error;
  }
  options.onPlan?.(materializationPlan);
  if (!hasWork(materializationPlan)) {
    await endQueuedRun(options.storage, runId, 'nothing-to-do', `Run ${runId} had nothing to do: every selected asset was up to date when it started`, now());
    return { runId, status: 'nothing-to-do', assets: [], checks: [], durationMs: Math.round(performance.now() - started) };
  }
  const { runMaterialization } = await import('./run-materialization.js');
  return runMaterialization(definitions, materializationPlan, options, started, runId);
}

/**
 * Ends a queued or just-claimed run as `failed`, recording why it never ran
 * (its job is gone, its selection no longer resolves), so it does not wait
 * in the queue forever.
 */
export async function failQueuedRun(storage: InstanceStorage, runId: string, reason: string, now: Date): Promise<void> {
  await endQueuedRun(storage, runId, 'failed', `Run ${runId} could not start: ${reason}`, now);
}

async function endQueuedRun(storage: InstanceStorage, runId: string, status: 'failed' | 'nothing-to-do', message: string, now: Date): Promise<void> {
  await storage.write({
    events: [{ runId, time: now, type: 'run-end', assetKey: null, attempt: null, level: status === 'failed' ? 'error' : 'info', message, data: { status } }],
  });
  await storage.finishRun(runId, status, now);
}
