import { StrataError } from '../core/errors.js';
import { deserializeError } from '../core/serialized-error.js';
import type { AttemptResult, ExecutorRun, StepContext, StepExecutor, StepExecutorFactory, StepRequest } from '../execution/step-executor.js';
import type { DispatchStatus } from './step-dispatches.js';
import type { WorkPoolConnection } from './work-pool-connection.js';

/** The work pool a coordinator sends its steps to when `STRATA_WORK_POOL` names none. */
export const DEFAULT_WORK_POOL = 'default';
/** How often a coordinator re-reads its dispatches: notifications can be lost, and lost workers only show as silence. */
const POLL_MS = 500;
/** A running dispatch whose worker has not heartbeated for this long is lost (workers beat every `WORKER_HEARTBEAT_MS`). */
const WORKER_SILENT_AFTER_MS = 20_000;
/** When a step waiting for a worker gets a note in the run's log saying so. */
const UNCLAIMED_NOTICE_MS = 10_000;
/** Dispatches of one attempt, lost workers included, before the attempt fails. */
const MAX_TRIES = 3;
/** How long a canceled step waits for its worker to confirm the abort before the run stops waiting. */
const ABORT_GRACE_MS = 15_000;
/** How long the database may stay unreachable before the steps waiting on it fail; a worker tries to record a finished step for as long. */
export const UNREACHABLE_LIMIT_MS = 60_000;

/**
 * Runs each step on the work pool's workers (`--executor queue`, the default
 * on a Postgres instance): the coordinator records a dispatch and enqueues a
 * graphile-worker job in one transaction, an `assets worker` of the pool
 * takes it, loads the inputs and stores the output through the IO managers
 * (which must therefore be visible to every worker), and records the outcome.
 * The coordinator learns of it by NOTIFY, and by re-reading every 500 ms.
 *
 * A worker that stops heartbeating (killed, its host gone) has its step
 * dispatched again, until three workers died on it; a step whose job vanished
 * before any worker took it is dispatched again too. A canceled run (its
 * signal: Ctrl-C, `assets cancel`) asks the workers holding its steps to
 * abort them. Strata's retry policy and events
 * stay with the coordinator: graphile-worker runs each job once.
 *
 * The work pool is `STRATA_WORK_POOL` from the run's environment, default
 * `default`: a worker started with `--pool NAME` takes only that pool's steps.
 */
export const queueExecutor: StepExecutorFactory = {
  name: 'queue',
  // Every ready step is dispatched: the workers' own concurrency bounds how many run.
  defaultConcurrency: Infinity,
  async create(run) {
    const { requireVisibility } = await import('../execution/require-visibility.js');
    requireVisibility(run.definitions, run.plan, 'cluster', 'queue');
    const executor = new QueueStepExecutor(run, run.env.STRATA_WORK_POOL || DEFAULT_WORK_POOL);
    const { WorkPoolConnection } = await import('./work-pool-connection.js');
    await executor.connect((onNotification) => WorkPoolConnection.open(run.storage, onNotification, 'The queue executor'));
    return executor;
  },
};

interface Waiter {
  readonly request: StepRequest;
  readonly context: StepContext;
  resolve(status: DispatchStatus): void;
  reject(error: Error): void;
  noticed: boolean;
}

class QueueStepExecutor implements StepExecutor {
  readonly #run: ExecutorRun;
  readonly #workPool: string;
  readonly #waiters = new Map<number, Waiter>();
  #connection: WorkPoolConnection | undefined;
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #pollAgain = false;
  #unreachableSince: number | undefined;
  /**
   * Since when the database has answered without a break. A worker's silence
   * counts only after that long: during an outage no worker could heartbeat,
   * and none should be declared lost for it.
   */
  #reachableSince = Date.now();

  constructor(run: ExecutorRun, workPool: string) {
    this.#run = run;
    this.#workPool = workPool;
  }

  async connect(open: (onNotification: (payload: string) => void) => Promise<WorkPoolConnection>): Promise<void> {
    this.#connection = await open((payload) => this.#notified(payload));
    this.#timer = setInterval(() => void this.#poll(), POLL_MS);
  }

  async attempt(request: StepRequest, context: StepContext): Promise<AttemptResult> {
    const dispatches = this.#connection!.dispatches;
    const codeVersion = this.#run.plan.code.get(request.assetKey)!.version;
    const settings = this.#run.plan.configVersions.get(request.assetKey) ?? {};
    let lost = 0;
    for (let tryNumber = 1; ; tryNumber++) {
      const id = await dispatches.enqueue(request, { try: tryNumber, workPool: this.#workPool, codeVersion, settings });
      const status = await this.#settled(id, request, context);
      if (status.state === 'succeeded' && status.outcome?.kind === 'succeeded') {
        return { outputs: status.outcome.outputs.map((output) => ({ ...output, table: undefined })), worker: status.worker ?? undefined };
      }
      if (status.state === 'failed' && status.outcome?.kind === 'failed') throw deserializeError(status.outcome.error);
      if (status.state === 'canceled' || context.signal.aborted) {
        throw new StrataError('STRATA_CANCELED', `${request.assetKey} was canceled${status.worker === null ? ' before a worker took it' : ` on worker ${status.worker}`}.`);
      }
      // A worker that stopped cleanly handed the step back: that is no sign of
      // trouble with the step, so only deaths count toward giving up.
      if (status.state === 'lost' && ++lost >= MAX_TRIES) {
        throw new StrataError('STRATA_WORKER_LOST', `${request.assetKey} was lost with ${MAX_TRIES} workers (the last: ${status.worker ?? 'one that never took it'}).`, {
          hint: 'Workers that die running this step may be running out of memory: see their logs (and the host\'s OOM killer).',
        });
      }
      context.log.warn(
        status.state === 'handed-back'
          ? `Worker ${status.worker ?? '?'} stopped and handed ${request.assetKey} back; dispatched it again.`
          : `Worker ${status.worker ?? '?'} stopped before finishing ${request.assetKey}; dispatched it again (${lost} of ${MAX_TRIES} workers lost).`,
        { worker: status.worker },
      );
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#connection?.close();
  }

  /** Resolves with the dispatch's final status; asks its worker to abort when the run is canceled meanwhile. */
  #settled(id: number, request: StepRequest, context: StepContext): Promise<DispatchStatus> {
    return new Promise<DispatchStatus>((resolve, reject) => {
      let grace: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(grace);
        context.signal.removeEventListener('abort', onAbort);
        this.#waiters.delete(id);
      };
      const onAbort = () => {
        void this.#abortDispatch(id).catch(() => {
          // The database is unreachable: the worker's heartbeat sees the run end instead.
        });
        // A worker that never answers (its host gone) must not hold the run open.
        grace = setTimeout(() => {
          settle();
          reject(new StrataError('STRATA_CANCELED', `${request.assetKey} was canceled; its worker did not confirm the abort within ${ABORT_GRACE_MS / 1000} s.`));
        }, ABORT_GRACE_MS);
      };
      this.#waiters.set(id, {
        request,
        context,
        noticed: false,
        resolve: (status) => {
          settle();
          resolve(status);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      if (context.signal.aborted) onAbort();
      else context.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async #abortDispatch(id: number): Promise<void> {
    const dispatches = this.#connection!.dispatches;
    if (!(await dispatches.withdraw(id))) await dispatches.requestAbort(id);
    void this.#poll();
  }

  #notified(payload: string): void {
    if (payload.startsWith('done:') && this.#waiters.has(Number(payload.slice('done:'.length)))) void this.#poll();
  }

  /** One re-read of every dispatch this run waits for; calls that arrive while one is under way make one more. */
  async #poll(): Promise<void> {
    if (this.#polling) {
      this.#pollAgain = true;
      return;
    }
    this.#polling = true;
    try {
      const dispatches = this.#connection!.dispatches;
      const statuses = await dispatches.statuses([...this.#waiters.keys()], { silentAfterMs: WORKER_SILENT_AFTER_MS, unclaimedAfterMs: UNCLAIMED_NOTICE_MS });
      if (this.#unreachableSince !== undefined) this.#reachableSince = Date.now();
      this.#unreachableSince = undefined;
      const mayJudgeSilence = Date.now() - this.#reachableSince >= WORKER_SILENT_AFTER_MS;
      for (const status of statuses) {
        const waiter = this.#waiters.get(status.id);
        if (waiter === undefined) continue;
        if (status.state !== 'queued' && status.state !== 'running') waiter.resolve(status);
        else if ((status.silent || status.orphaned) && mayJudgeSilence && (await dispatches.markLost(status.id, WORKER_SILENT_AFTER_MS))) waiter.resolve({ ...status, state: 'lost' });
        else if (status.unclaimed && !waiter.noticed) {
          waiter.noticed = true;
          waiter.context.log.warn(
            `No worker of pool "${this.#workPool}" has taken ${waiter.request.assetKey} for ${UNCLAIMED_NOTICE_MS / 1000} s: start one with \`assets worker --pool ${this.#workPool}\`.`,
            { workPool: this.#workPool },
          );
        }
      }
    } catch (error) {
      this.#unreachableSince ??= Date.now();
      if (Date.now() - this.#unreachableSince > UNREACHABLE_LIMIT_MS) {
        const failure = new StrataError('STRATA_STORAGE_UNAVAILABLE', `Lost the work pool's database (${this.#connection!.location}) for over ${UNREACHABLE_LIMIT_MS / 1000} s: ${(error as Error).message}`, {
          hint: 'Check that Postgres is up, then run `assets materialize` again: what finished is recorded, the rest is stale.',
          cause: error,
        });
        for (const waiter of [...this.#waiters.values()]) waiter.reject(failure);
      }
    } finally {
      this.#polling = false;
      if (this.#pollAgain) {
        this.#pollAgain = false;
        void this.#poll();
      }
    }
  }
}
