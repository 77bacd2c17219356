import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import type { Definitions } from '../core/definitions.js';
import type { InstanceStorage, RunEvent } from '../storage/instance-storage.js';
import { executePlan } from './execute-plan.js';
import { type Logger, silentLogger } from './logger.js';
import { planMaterialization, type MaterializationPlan, type PlanOptions } from './plan-materialization.js';
import { RunRecorder } from './run-recorder.js';
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
}

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
      concurrency: Math.max(1, options.concurrency ?? availableParallelism()),
    });
    status = signal.aborted ? 'canceled' : assets.some((asset) => asset.action === 'failed') ? 'failed' : 'success';
    return { runId, status, assets, durationMs: Math.round(performance.now() - started) };
  } finally {
    recorder.event({ type: 'run-end', level: status === 'success' ? 'info' : 'error', message: `Run ${runId} ${status}`, data: { status } });
    await recorder.flush();
    await options.storage.finishRun(runId, status, now());
  }
}

function describeSelection(options: PlanOptions): string {
  const parts = [options.select ?? '*'];
  if (options.exclude !== undefined) parts.push(`--exclude ${options.exclude}`);
  if (options.refresh !== undefined) parts.push(`--refresh ${options.refresh}`);
  if (options.force === true) parts.push('--force');
  return parts.join(' ');
}
