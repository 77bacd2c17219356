import { hostname } from 'node:os';
import { StrataError } from '../core/errors.js';
import { abortableSleep } from '../execution/abortable-sleep.js';
import { processIsAlive } from '../execution/fail-abandoned-runs.js';
import type { InstanceStorage, RunRecord, RunStatus } from '../storage/instance-storage.js';

const POLL_MS = 250;

/** How a cancellation reached the run. */
export interface CancelRequest {
  /** The request is recorded in the instance, where the run's coordinator and workers hear it (Postgres). */
  readonly recorded: boolean;
  /** The run's process on this host was sent SIGINT, which cancels a run as Ctrl-C does. */
  readonly signaled: boolean;
}

/**
 * Asks a `started` run to cancel, from any process: its steps stop (an
 * `AbortSignal` reaches each running compute, on whichever worker holds it),
 * no new step starts, and the run records itself `canceled`.
 *
 * On a Postgres instance the request is recorded there and announced
 * (NOTIFY), so a coordinator on any host that runs steps through the work
 * pool hears it, and so do the workers. A run whose process is on this host
 * is also sent SIGINT, which is how a run in any executor, on either backend,
 * cancels (`assets materialize` treats it as Ctrl-C). Throws when neither can
 * reach the run.
 */
export async function requestCancel(storage: InstanceStorage, run: RunRecord): Promise<CancelRequest> {
  if (run.status !== 'started') {
    throw new StrataError('STRATA_RUN_ENDED', `Run ${run.runId} has already ended (${run.status}): there is nothing to cancel.`, { hint: '`assets runs` lists the runs still going (status started).' });
  }
  const { PostgresInstanceStorage } = await import('../storage/postgres-instance-storage.js');
  let recorded = false;
  if (storage instanceof PostgresInstanceStorage) {
    const { WorkPoolConnection } = await import('./work-pool-connection.js');
    const connection = await WorkPoolConnection.open(storage, () => {}, 'assets cancel');
    try {
      await connection.dispatches.requestRunCancel(run.runId, `${hostname()}:${process.pid}`);
      recorded = true;
    } finally {
      await connection.close();
    }
  }
  // A daemon takes SIGINT as "stop the daemon": only a command of its own (`assets materialize`) is signaled.
  const signalable = run.hostname === hostname() && run.pid !== null && run.pid !== process.pid && run.trigger === 'cli' && processIsAlive(run.pid);
  if (signalable) process.kill(run.pid!, 'SIGINT');
  if (!recorded && !signalable) {
    throw new StrataError('STRATA_CANCEL_UNREACHABLE', `Run ${run.runId} (${run.trigger}, process ${run.pid ?? '?'} on ${run.hostname ?? '?'}) cannot be reached from here to cancel it.`, {
      hint:
        run.trigger === 'cli'
          ? 'Cancel it from its own host, or press Ctrl-C where it runs.'
          : 'A run of the daemon on a SQLite instance stops with the daemon (Ctrl-C or SIGTERM it); on a Postgres instance, `assets cancel` reaches it from anywhere.',
    });
  }
  return { recorded, signaled: signalable };
}

/** Waits until the run is no longer `started`, for up to `timeoutMs`; returns its status then. */
export async function awaitRunEnd(storage: InstanceStorage, runId: string, options: { readonly timeoutMs: number; readonly signal: AbortSignal }): Promise<RunStatus> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const status = (await storage.getRun(runId))?.status ?? 'failed';
    if (status !== 'started' || Date.now() >= deadline) return status;
    await abortableSleep(POLL_MS, options.signal);
  }
}
