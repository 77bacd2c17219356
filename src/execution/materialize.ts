import type { Definitions } from '../core/definitions.js';
import type { InstanceStorage, RunEvent, RunRequest, RunTags } from '../storage/instance-storage.js';
import type { Logger } from './logger.js';
import { hasWork, planMaterialization, type MaterializationPlan, type PlanOptions } from './plan-materialization.js';
import type { StepExecutorFactory } from './step-executor.js';
import type { MaterializeResult } from './run-result.js';

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
  /** Recorded with the run (see `RunRecord.tags`). */
  readonly tags?: RunTags | undefined;
  /** The run this one re-executes (see `RunRecord.parentRunId`). */
  readonly parentRunId?: string | undefined;
  /**
   * What the run records it was asked to run, for `assets rerun`: a job by
   * name, or the selection as the caller gave it. Default: the plan options.
   */
  readonly request?: RunRequest | undefined;
  /** Where steps run: `inProcessExecutor` (default), `workerThreadsExecutor`, or any other factory. */
  readonly executor?: StepExecutorFactory | undefined;
  /** URL of the module the definitions came from: the `workers` executor imports it in each worker. */
  readonly definitionsModule?: string | undefined;
  /** URL of the project config whose settings apply to that module, when it is another file (see `withProjectConfig`): each worker imports it too. */
  readonly configModule?: string | undefined;
  /** How long a step waits for an asset that another run is materializing. Default 10 minutes. */
  readonly lockTimeoutMs?: number | undefined;
}

/**
 * Plans the selection by staleness and materializes what is stale, recording
 * the run. With nothing stale it records nothing and returns `nothing-to-do`.
 *
 * @example
 * const result = await materialize(definitions, { storage, select: '+top_customers' });
 * if (result.status === 'failed') console.error(result.assets.filter((a) => a.error));
 */
export async function materialize(definitions: Definitions, options: MaterializeOptions): Promise<MaterializeResult> {
  const started = performance.now();
  const materializationPlan = await planMaterialization(definitions, options.storage, options);
  options.onPlan?.(materializationPlan);
  if (!hasWork(materializationPlan)) {
    return { runId: null, status: 'nothing-to-do', assets: [], checks: [], durationMs: Math.round(performance.now() - started) };
  }
  // Loaded only when there is something to run: a no-op run (the common case
  // in a scheduled or repeated command) skips the executors and worker threads.
  const { runMaterialization } = await import('./run-materialization.js');
  return runMaterialization(definitions, materializationPlan, options, started);
}

