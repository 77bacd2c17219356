import type { InstanceStorage } from '../storage/instance-storage.js';

/** How often a run asks the instance whether someone canceled it. */
const POLL_MS = 1_000;

/**
 * A run's cancellation, whoever asks for it: its own process (Ctrl-C, a
 * stopping daemon: `outer`) or any other, on any host, through the instance
 * (`assets cancel`, the UI: `requestRunCancel`), which it polls every second.
 * `signal` aborts on the first of them. One controller per run, so a
 * long-lived outer signal (a daemon's) keeps no listener once the run ends.
 */
export class CancelWatch {
  readonly #controller = new AbortController();
  readonly #outer: AbortSignal | undefined;
  readonly #onOuterAbort = () => this.#controller.abort(this.#outer!.reason);
  readonly #timer: NodeJS.Timeout;
  #asking = false;

  constructor(storage: InstanceStorage, runId: string, outer: AbortSignal | undefined) {
    this.#outer = outer;
    if (outer?.aborted) this.#onOuterAbort();
    else outer?.addEventListener('abort', this.#onOuterAbort, { once: true });
    this.#timer = setInterval(() => {
      if (this.#asking || this.#controller.signal.aborted) return;
      this.#asking = true;
      storage
        .runCancelRequested(runId)
        .then((requested) => {
          if (requested) this.#controller.abort(new Error('canceled with `assets cancel`'));
        })
        .catch(() => {
          // An unreachable instance: the next poll asks again.
        })
        .finally(() => {
          this.#asking = false;
        });
    }, POLL_MS);
    // The watch must never be what keeps the process alive.
    this.#timer.unref();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
  }
}
