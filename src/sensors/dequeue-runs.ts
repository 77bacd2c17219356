import { hostname } from 'node:os';
import type { Definitions } from '../core/definitions.js';
import { failAbandonedRuns } from '../execution/fail-abandoned-runs.js';
import type { Logger } from '../execution/logger.js';
import type { PlanOptions } from '../execution/plan-materialization.js';
import { failQueuedRun, startQueuedRun } from '../execution/run-queue.js';
import type { MaterializeResult } from '../execution/run-result.js';
import type { StepExecutorFactory } from '../execution/step-executor.js';
import type { InstanceStorage, QueuedRunRequest, RunEvent } from '../storage/instance-storage.js';
import type { ChangeTimes } from '../versioning/code-versions.js';
import { jobPlanOptions } from './run-job.js';

/** Without a configured maximum, this many runs may be `started` at once before queued runs wait. */
export const DEFAULT_MAX_CONCURRENT_RUNS = 10;

export interface DequeueOptions {
  readonly definitions: Definitions;
  readonly storage: InstanceStorage;
  /** Queued runs are started only while fewer runs than this are `started` in the instance (by anyone). */
  readonly maxConcurrentRuns: number;
  /** The time runs record. */
  readonly now: () => Date;
  readonly logger: Logger;
  /** Aborting it cancels the runs started. */
  readonly signal: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly concurrency?: number | undefined;
  /** Where the runs' steps run; default in-process. */
  readonly executor?: StepExecutorFactory | undefined;
  /** The look at the code's files the runs' plans share (see `readChangeTimesOnce`); default: a look of each plan's own. */
  readonly changeTimes?: ChangeTimes | undefined;
  readonly onEvent?: ((event: RunEvent) => void) | undefined;
}

/** A queued run this process claimed and started. */
export interface DequeuedRun {
  readonly runId: string;
  readonly trigger: string;
  /** What it runs, as the run records its selection: `job refresh`, `+top_customers`. */
  readonly target: string;
  /** Rejects when the run could not start (its job or assets are gone): the reason is recorded with the run. */
  readonly result: Promise<MaterializeResult>;
}

/**
 * Starts queued runs, oldest first, while fewer than `maxConcurrentRuns` runs
 * are `started` in the instance; returns them running. Each is claimed in
 * storage before it starts, so two daemons never start the same run, nor
 * together more than the maximum. Runs of this host whose process died are
 * marked failed first, so a crashed run does not hold a place forever.
 */
export async function dequeueRuns(options: DequeueOptions): Promise<DequeuedRun[]> {
  const { storage } = options;
  const queue = await storage.queuedRuns();
  if (queue.length === 0) return [];
  await failAbandonedRuns(storage, { now: options.now() });
  const started: DequeuedRun[] = [];
  for (const queued of queue) {
    if (options.signal.aborted) break;
    const { runId, trigger, selection } = queued.run;
    const claim = await storage.claimQueuedRun({ runId, pid: process.pid, hostname: hostname(), startedAt: options.now(), maxStartedRuns: options.maxConcurrentRuns });
    if (claim === 'at-capacity') break;
    if (claim === 'gone') continue;
    options.logger.info({ runId, trigger }, `Starting queued run ${runId} (${selection})`);
    let result: Promise<MaterializeResult>;
    try {
      const planOptions = planOptionsOf(options.definitions, queued.request);
      result = startQueuedRun(options.definitions, queued, {
        ...planOptions,
        storage,
        logger: options.logger.child({ trigger }),
        signal: options.signal,
        env: options.env,
        now: options.now,
        concurrency: options.concurrency,
        executor: options.executor,
        changeTimes: options.changeTimes,
        trigger,
        onEvent: options.onEvent,
      });
    } catch (error) {
      result = failQueuedRun(storage, runId, error instanceof Error ? error.message : String(error), options.now()).then(() => Promise.reject(error));
    }
    // Awaited by the caller once every claim is made: mark it handled meanwhile.
    result.catch(() => {});
    started.push({ runId, trigger, target: selection, result });
  }
  return started;
}

/** The plan options of a queued request, resolved against the definitions of now (a job's selection may have changed). */
function planOptionsOf(definitions: Definitions, request: QueuedRunRequest): PlanOptions {
  if (request.job !== undefined) return { ...jobPlanOptions(definitions, request.job), partition: request.partition };
  return { select: request.select, exclude: request.exclude, force: request.force, refresh: request.refresh, partition: request.partition };
}
