import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import type { Definitions } from '../core/definitions.js';
import { UsageError } from '../core/errors.js';
import { projectRoot } from '../core/project-root.js';
import { AssetLeases } from './asset-leases.js';
import { executePlan } from './execute-plan.js';
import { silentLogger } from './logger.js';
import type { MaterializeOptions } from './materialize.js';
import type { MaterializationPlan } from './plan-materialization.js';
import { describeSelection } from './describe-selection.js';
import { RunRecorder } from './run-recorder.js';
import type { MaterializeResult, RunOutcome } from './run-result.js';
import { inProcessExecutor } from './in-process-executor.js';
import { PoolSlots } from './pool-slots.js';

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
  const concurrency = Math.max(1, options.concurrency ?? factory.defaultConcurrency ?? availableParallelism());
  const runId = claimedRunId ?? randomUUID();
  const executor = await factory.create({
    definitions,
    plan: materializationPlan,
    resources: materializationPlan.resources,
    env: options.env ?? {},
    definitionsModule: options.definitionsModule,
    concurrency,
    runId,
    storage: options.storage,
  });
  const signals = [options.signal, executor.canceled].filter((signal) => signal !== undefined);
  const signal = signals.length === 0 ? new AbortController().signal : AbortSignal.any(signals);
  // A run from the queue exists already: claiming it recorded it as started.
  if (claimedRunId === undefined) {
    await options.storage.createRun({
      runId,
      status: 'started',
      selection: describeSelection(options),
      trigger: options.trigger ?? 'cli',
      startedAt: now(),
      endedAt: null,
      pid: process.pid,
      hostname: hostname(),
    });
  }
  const recorder = new RunRecorder(options.storage, runId, now, options.onEvent);
  const planned = materializationPlan.plan.planned.map((asset) => asset.key);
  recorder.event({ type: 'run-start', message: `Run ${runId} started: ${planned.length} asset${planned.length === 1 ? '' : 's'} planned`, data: { planned } });

  const leases = new AssetLeases(options.storage, runId, now);
  const slots = new PoolSlots(options.storage, runId, now);
  let status: Exclude<RunOutcome, 'nothing-to-do'> = 'failed';
  try {
    const assets = await executePlan({
      runId,
      definitions,
      materializationPlan,
      recorder,
      logger: (options.logger ?? silentLogger).child({ runId }),
      signal,
      now,
      concurrency,
      executor,
      storage: options.storage,
      leases,
      slots,
      lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    });
    status = signal.aborted ? 'canceled' : assets.some((asset) => asset.action === 'failed') ? 'failed' : 'success';
    return { runId, status, assets, durationMs: Math.round(performance.now() - started) };
  } finally {
    await executor.close();
    await leases.close();
    // However the run ends, it keeps no slot: a step that threw past its own release must not hold one for the next 30 s.
    await slots.close();
    recorder.event({ type: 'run-end', level: status === 'success' ? 'info' : 'error', message: `Run ${runId} ${status}`, data: { status } });
    await recorder.flush();
    await options.storage.finishRun(runId, status, now());
  }
}
