import type { InstanceStorage } from '../storage/instance-storage.js';

/** What the recent runs say about assets, beyond what the planner decides: steps in flight, and steps whose last attempt failed. */
export interface AssetActivity {
  /** Assets with a step started and not ended in a run still going. */
  readonly running: ReadonlySet<string>;
  /** Assets whose latest step outcome in the recent runs is a failure: when, in which run, and the error's message. */
  readonly failed: ReadonlyMap<string, { readonly runId: string; readonly time: Date; readonly message: string }>;
}

/**
 * Reads the `runs` newest runs' events, oldest first, so the latest outcome of
 * each asset decides: a failure followed by a success (a retry, or a later
 * run) is not a failure. Only recent runs are read: an asset that failed long
 * ago and was never run since shows its planner status again, which is the
 * price of not reading every event ever recorded on each look.
 */
export async function readAssetActivity(storage: InstanceStorage, options: { readonly runs: number }): Promise<AssetActivity> {
  const runs = (await storage.listRuns({ limit: options.runs })).reverse();
  const running = new Set<string>();
  const failed = new Map<string, { runId: string; time: Date; message: string }>();
  for (const run of runs) {
    const inFlight = new Set<string>();
    for (const event of await storage.runEvents(run.runId)) {
      if (event.assetKey === null) continue;
      if (event.type === 'step-start') inFlight.add(event.assetKey);
      else if (event.type === 'step-success' || event.type === 'step-skip' || event.type === 'step-failure' || event.type === 'step-retry') inFlight.delete(event.assetKey);
      // A canceled step left the output it had in place: no failure of the asset.
      if (event.type === 'step-failure' && !canceled(event.data)) failed.set(event.assetKey, { runId: run.runId, time: event.time, message: event.message });
      else if (event.type === 'step-success') failed.delete(event.assetKey);
    }
    if (run.status === 'started') for (const key of inFlight) running.add(key);
  }
  return { running, failed };
}

/** Whether a step failure's data says the step was canceled (`STRATA_CANCELED`) rather than failed. */
function canceled(data: unknown): boolean {
  const error = (data as { error?: { code?: unknown } } | null)?.error;
  return error?.code === 'STRATA_CANCELED';
}
