import type { Definitions } from '../core/definitions.js';
import type { MaterializeOptions } from '../execution/materialize.js';
import type { MaterializationPlan } from '../execution/plan-materialization.js';
import type { MaterializeResult } from '../execution/run-result.js';

/** A plan with something to do, and when its planning began (`performance.now()`): a run's duration includes planning. */
export interface PlannedRun {
  readonly plan: MaterializationPlan;
  readonly started: number;
}

/** A run set going, in two stages: recorded, then finished. */
export interface LaunchedRun {
  /** The run's id as soon as the run is recorded (before its first step). Rejects when the run could not be recorded. */
  readonly runId: Promise<string>;
  /** The finished run. */
  readonly result: Promise<MaterializeResult>;
}

/**
 * Runs a plan the caller made (so it decided there is something to do
 * before launching, as a dry run decides it too) and reports the run id the
 * moment the run is created, so a tick can be recorded with its run ids (and
 * a sensor's cursor moved) while the run is still going, and a crash mid-run
 * never launches the same tick twice.
 */
export function launchRun(definitions: Definitions, planned: PlannedRun, options: MaterializeOptions): LaunchedRun {
  let announce: (runId: string) => void = () => {};
  const started = new Promise<string>((resolve) => {
    announce = resolve;
  });
  // Loaded only for a run with something to do, as `materialize` does: a tick that launches nothing skips the executors.
  const result = import('../execution/run-materialization.js').then(({ runMaterialization }) =>
    runMaterialization(
      definitions,
      planned.plan,
      {
        ...options,
        onEvent: (event) => {
          if (event.type === 'run-start') announce(event.runId);
          options.onEvent?.(event);
        },
      },
      planned.started,
    ),
  );
  // A run that fails before it is recorded (its executor refused it) rejects the id with that error; a run that ends was announced first.
  return { runId: Promise.race([started, result.then(() => started)]), result };
}
