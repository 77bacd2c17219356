import { hostname } from 'node:os';
import { StrataError } from '../core/errors.js';
import { abortableSleep } from '../execution/abortable-sleep.js';
import { failAbandonedRuns, processIsAlive } from '../execution/fail-abandoned-runs.js';
import type { InstanceStorage, RunRecord, StoredRunEvent } from '../storage/instance-storage.js';

/** How often a followed run is read again. */
const DEFAULT_POLL_MS = 250;

/** What `followRun` takes. */
export interface FollowOptions {
  /** Each event once, in `seq` order, as soon as a read finds it. */
  readonly onEvent?: ((event: StoredRunEvent) => void) | undefined;
  /** Stops following: `followRun` rejects with its reason. */
  readonly signal?: AbortSignal | undefined;
  readonly pollMs?: number | undefined;
  /** The clock a run found abandoned is failed with. */
  readonly now?: (() => Date) | undefined;
}

/**
 * Follows a run as it is recorded, from any process: reads its events after
 * the last one seen, every `pollMs`, until the run has a final status, and
 * resolves with the run as it ended. A run records its events in batches (one
 * when a step starts, one when it ends, see `RunRecorder`), so they appear a
 * batch at a time; a log line a step writes appears with the step's end.
 *
 * The status is read before the events: a run is finished only after its last
 * batch is written, so once a read sees it finished, the events read next are
 * all of them. A run of this host whose process is gone is failed (as
 * `failAbandonedRuns` does), so following a crashed run ends. Throws
 * `STRATA_UNKNOWN_RUN` when the run is deleted meanwhile (pruned).
 *
 * @example
 * const run = await followRun(storage, runId, { onEvent: (event) => console.log(event.message) });
 * console.log(run.status);
 */
export async function followRun(storage: InstanceStorage, runId: string, options: FollowOptions = {}): Promise<RunRecord> {
  const signal = options.signal ?? new AbortController().signal;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const seen = new Set<number>();
  let afterSeq = 0;
  const report = (events: readonly StoredRunEvent[]) => {
    for (const event of events) {
      if (seen.has(event.seq)) continue;
      seen.add(event.seq);
      afterSeq = Math.max(afterSeq, event.seq);
      options.onEvent?.(event);
    }
  };
  for (;;) {
    signal.throwIfAborted();
    const run = await storage.getRun(runId);
    if (run === undefined) {
      throw new StrataError('STRATA_UNKNOWN_RUN', `Run ${runId} is no longer recorded: it was deleted while it was followed.`, { hint: '`assets runs` lists the recorded runs.' });
    }
    report(await storage.runEvents(runId, { afterSeq }));
    if (run.status !== 'queued' && run.status !== 'started') {
      // On Postgres a batch can commit after one with a greater seq was read (see
      // `runEvents`): one whole read at the end reports any such straggler.
      report(await storage.runEvents(runId));
      return run;
    }
    if (run.status === 'started' && run.hostname === hostname() && run.pid !== null && run.pid !== process.pid && !processIsAlive(run.pid)) {
      await failAbandonedRuns(storage, { now: (options.now ?? (() => new Date()))() });
      continue;
    }
    await abortableSleep(pollMs, signal);
  }
}
