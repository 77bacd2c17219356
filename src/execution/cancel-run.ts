import { hostname } from 'node:os';
import { StrataError } from '../core/errors.js';
import type { InstanceStorage, RunRecord, RunStatus } from '../storage/instance-storage.js';
import { abortableSleep } from './abortable-sleep.js';

const POLL_MS = 250;

/**
 * Asks a run to cancel, from any process on any host: the request is recorded
 * in the instance (`requestRunCancel`). A queued run is canceled at once. A
 * started run's coordinator reads the request within a second, whatever its
 * executor: no new step starts, each running step's `AbortSignal` fires (on
 * whichever worker of the work pool holds it), and the run records itself
 * `canceled`. Returns which of the two happened; throws when the run has ended.
 */
export async function requestCancel(storage: InstanceStorage, run: RunRecord): Promise<'canceled' | 'requested'> {
  const result = await storage.requestRunCancel({ runId: run.runId, requestedBy: `${hostname()}:${process.pid}`, at: new Date() });
  if (result === 'ended' || result === 'unknown') {
    const status = result === 'ended' ? ((await storage.getRun(run.runId))?.status ?? run.status) : 'deleted';
    throw new StrataError('STRATA_RUN_ENDED', `Run ${run.runId} has already ended (${status}): there is nothing to cancel.`, { hint: '`assets runs --status started` lists the runs still going.' });
  }
  return result;
}

/** Waits until the run is neither queued nor started, for up to `timeoutMs`; returns its status then. */
export async function awaitRunEnd(storage: InstanceStorage, runId: string, options: { readonly timeoutMs: number; readonly signal: AbortSignal }): Promise<RunStatus> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const status = (await storage.getRun(runId))?.status ?? 'failed';
    if ((status !== 'started' && status !== 'queued') || Date.now() >= deadline) return status;
    await abortableSleep(POLL_MS, options.signal);
  }
}
