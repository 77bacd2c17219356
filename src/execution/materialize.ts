import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import type { Definitions } from '../core/definitions.js';
import type { InstanceStorage, RunEvent } from '../storage/instance-storage.js';
import { executePlan } from './execute-plan.js';
import { type Logger, silentLogger } from './logger.js';
import { planMaterialization, type MaterializationPlan, type PlanOptions } from './plan-materialization.js';
import { AssetLeases } from './asset-leases.js';
import { RunRecorder } from './run-recorder.js';
import { type ExecutorKind, inProcessExecutor, type StepExecutor } from './step-executor.js';
import { WorkerStepExecutor } from './worker-step-executor.js';
import { UsageError } from '../core/errors.js';
import type { MaterializeResult, RunOutcome } from './run-result.js';

export interface MaterializeOptions extends PlanOptions {
  /** Where runs, events and materializations are recorded. */
  readonly storage: InstanceStorage;
  readonly logger?: Logger | undefined;
  /** Every run event as it happens (live progress). */
  readonly onEvent?: ((event: RunEvent) => void) | undefined;
  /** Called once the plan is made, before anything runs. */
  readonly onPlan?: ((plan: MaterializationPlan) => void) | undefined;
  /** Default: the number of CPUs. */
  readonly concurrency?: number | undefined;
  /** Recorded with the run: `cli`, `schedule:<name>`, `sensor:<name>`. */
  readonly trigger?: string | undefined;
  /** Where steps run: this thread (default) or a pool of worker threads. */
  readonly executor?: ExecutorKind | undefined;
  /** URL of the module the definitions came from: the `workers` executor imports it in each worker. */
  readonly definitionsModule?: string | undefined;
  /** How long a step waits for an asset that another run is materializing. Default 10 minutes. */
  readonly lockTimeoutMs?: number | undefined;
}

const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60_000;

/**
 * Plans the selection by staleness and materializes what is stale, recording
 * the run. With nothing stale it records nothing and returns `nothing-to-do`.
 *
 * @example
 * const result = await materialize(definitions, { storage, select: '+top_authors' });
 * if (result.status === 'failed') console.error(result.assets.filter((a) => a.error));
 */
export async function materialize(definitions: Definitions, options: MaterializeOptions): Promise<MaterializeResult> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const materializationPlan = await planMaterialization(definitions, options.storage, options);
  options.onPlan?.(materializationPlan);
  if (materializationPlan.plan.planned.length === 0) {
    return { runId: null, status: 'nothing-to-do', assets: [], durationMs: Math.round(performance.now() - started) };
  }

  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  const executor = createExecutor(definitions, materializationPlan, options, concurrency);
  const runId = randomUUID();
  const signal = options.signal ?? new AbortController().signal;
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
  const recorder = new RunRecorder(options.storage, runId, now, options.onEvent);
  const planned = materializationPlan.plan.planned.map((asset) => asset.key);
  recorder.event({ type: 'run-start', message: `Run ${runId} started: ${planned.length} asset${planned.length === 1 ? '' : 's'} planned`, data: { planned } });

  const leases = new AssetLeases(options.storage, runId, now);
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
      lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    });
    status = signal.aborted ? 'canceled' : assets.some((asset) => asset.action === 'failed') ? 'failed' : 'success';
    return { runId, status, assets, durationMs: Math.round(performance.now() - started) };
  } finally {
    await executor.close();
    await leases.close();
    recorder.event({ type: 'run-end', level: status === 'success' ? 'info' : 'error', message: `Run ${runId} ${status}`, data: { status } });
    await recorder.flush();
    await options.storage.finishRun(runId, status, now());
  }
}

function createExecutor(definitions: Definitions, plan: MaterializationPlan, options: MaterializeOptions, concurrency: number): StepExecutor {
  if (options.executor !== 'workers') return inProcessExecutor(definitions, plan.resources);
  if (options.definitionsModule === undefined) {
    throw new UsageError('The workers executor needs the module the definitions come from.', {
      hint: 'Pass definitionsModule (the CLI does this for you), or use the in-process executor.',
    });
  }
  const unshared = plan.plan.planned.map((step) => plan.graph.asset(step.key)).filter((asset) => definitions.ioManagers[asset.ioManager]!.sharedAcrossProcesses !== true);
  if (unshared.length > 0) {
    throw new UsageError(
      `The workers executor cannot run ${unshared.map((asset) => `"${asset.key}"`).join(', ')}: ${unshared.length === 1 ? 'its IO manager keeps' : 'their IO managers keep'} tables in this process only.`,
      { hint: 'Use --executor in-process, or an IO manager that stores to files (CsvIOManager).' },
    );
  }
  return new WorkerStepExecutor({ moduleUrl: options.definitionsModule, env: options.env ?? {} }, concurrency);
}

function describeSelection(options: PlanOptions): string {
  const parts = [options.select ?? '*'];
  if (options.exclude !== undefined) parts.push(`--exclude ${options.exclude}`);
  if (options.refresh !== undefined) parts.push(`--refresh ${options.refresh}`);
  if (options.force === true) parts.push('--force');
  return parts.join(' ');
}
