import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Definitions } from '../core/definitions.js';
import { partitionTag } from '../core/run-tags.js';
import { availableCpus } from '../parallel/available-cpus.js';
import { withThreadBudget } from '../parallel/thread-budget.js';
import { AssetLeases } from './asset-leases.js';
import { CancelWatch } from './cancel-watch.js';
import { checkFailsRun } from './check-states.js';
import { describeError } from './describe-error.js';
import { executePlan } from './execute-plan.js';
import { silentLogger } from './logger.js';
import type { MaterializeOptions } from './materialize.js';
import type { MaterializationPlan } from './plan-materialization.js';
import { describeSelection } from './describe-selection.js';
import { RunRecorder } from './run-recorder.js';
import type { MaterializeResult, RunOutcome } from './run-result.js';
import { inProcessExecutor } from './in-process-executor.js';
import { PoolSlots } from './pool-slots.js';
import type { ExecutorRun, StepExecutor } from './step-executor.js';

const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs a plan with something to do: records the run, executes its steps
 * through the chosen executor under asset leases, and records the outcome.
 * `started` is when `materialize` began, so the duration includes planning.
 * `claimedRunId`: a queued run claimed for this process (see `run-queue.ts`),
 * run under its id instead of a new one.
 */
export async function runMaterialization(
  definitions: Definitions,
  materializationPlan: MaterializationPlan,
  options: MaterializeOptions,
  started: number,
  claimedRunId?: string,
): Promise<MaterializeResult> {
  const now = options.now ?? (() => new Date());
  const factory = options.executor ?? inProcessExecutor;
  const concurrency = Math.max(1, options.concurrency ?? factory.defaultConcurrency ?? availableCpus());
  const runId = claimedRunId ?? randomUUID();
  const executorRun: ExecutorRun = {
    definitions,
    plan: materializationPlan,
    resources: materializationPlan.resources,
    env: options.env ?? {},
    definitionsModule: options.definitionsModule,
    configModule: options.configModule,
    concurrency,
    runId,
    storage: options.storage,
  };
  // A new run is recorded only once its executor accepted the plan. A queued
  // run claimed for this process is recorded already: its executor is created
  // below, where a refusal ends the run failed instead of leaving it started.
  let executor: StepExecutor | undefined;
  if (claimedRunId === undefined) {
    executor = await factory.create(executorRun);
    try {
      await options.storage.createRun({
        runId,
        status: 'started',
        selection: describeSelection(options),
        trigger: options.trigger ?? 'cli',
        startedAt: now(),
        endedAt: null,
        pid: process.pid,
        hostname: hostname(),
        tags: materializationPlan.partition === undefined ? options.tags : { ...options.tags, ...partitionTag(materializationPlan.partition) },
        parentRunId: options.parentRunId,
        request: options.request ?? { select: options.select, exclude: options.exclude, force: options.force, refresh: options.refresh, partition: options.partition },
      });
    } catch (error) {
      await executor.close();
      throw error;
    }
  }
  const recorder = new RunRecorder(options.storage, runId, now, options.onEvent);
  const planned = materializationPlan.plan.planned.map((asset) => asset.key);
  recorder.event({ type: 'run-start', message: `Run ${runId} started: ${planned.length} asset${planned.length === 1 ? '' : 's'} planned`, data: { planned } });

  const leases = new AssetLeases(options.storage, runId, now);
  const slots = new PoolSlots(options.storage, runId, now);
  const cancel = new CancelWatch(options.storage, runId, options.signal);
  const { signal } = cancel;
  let status: Exclude<RunOutcome, 'nothing-to-do'> = 'failed';
  try {
    const stepExecutor = (executor ??= await factory.create(executorRun));
    // The run's concurrency bounds the threads its steps may use too (threadBudget): `--concurrency 1` keeps all of a run on one thread.
    const { assets, checks } = await withThreadBudget(concurrency, () => executePlan({
      runId,
      definitions,
      materializationPlan,
      recorder,
      logger: (options.logger ?? silentLogger).child({ runId }),
      signal,
      now,
      concurrency,
      executor: stepExecutor,
      storage: options.storage,
      leases,
      slots,
      lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    }));
    status = signal.aborted ? 'canceled' : assets.some((asset) => asset.action === 'failed' || asset.blockedByChecks !== undefined) || checks.some(checkFailsRun) ? 'failed' : 'success';
    return { runId, status, assets, checks, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    // Why the run ended without its steps' say (its executor refused it, the instance failed): in its log, not only on the caller's stderr.
    recorder.event({ type: 'log', level: 'error', message: `Run ${runId} could not go on: ${describeError(error).message}`, data: { error: describeError(error) } });
    throw error;
  } finally {
    cancel.close();
    await executor?.close();
    await leases.close();
    // However the run ends, it keeps no slot: a step that threw past its own release must not hold one for the next 30 s.
    await slots.close();
    recorder.event({ type: 'run-end', level: status === 'success' ? 'info' : 'error', message: `Run ${runId} ${status}`, data: { status } });
    await recorder.flush();
    await options.storage.finishRun(runId, status, now());
  }
}
