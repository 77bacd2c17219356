import type { Definitions } from '../core/definitions.js';
import { materialize, type MaterializeOptions } from '../execution/materialize.js';
import type { MaterializeResult } from '../execution/run-result.js';

/** A run set going, in two stages: recorded, then finished. */
export interface LaunchedRun {
  /**
   * The run's id as soon as the run is recorded (before its first step), or
   * null when nothing was stale and no run was recorded. Rejects when planning
   * failed (a bad selection, an unmaterialized upstream).
   */
  readonly runId: Promise<string | null>;
  /** The finished run. */
  readonly result: Promise<MaterializeResult>;
}

/**
 * Starts `materialize` and reports the run id the moment the run is created,
 * so a tick can be recorded with its run ids (and a sensor's cursor moved)
 * while the run is still going, and a crash mid-run never launches the same
 * tick twice.
 */
export function launchRun(definitions: Definitions, options: MaterializeOptions): LaunchedRun {
  let announce: (runId: string) => void = () => {};
  const started = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const result = materialize(definitions, {
    ...options,
    onEvent: (event) => {
      if (event.type === 'run-start') announce(event.runId);
      options.onEvent?.(event);
    },
  });
  return { runId: Promise.race([started, result.then((finished) => finished.runId)]), result };
}
