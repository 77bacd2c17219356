import { hostname } from 'node:os';
import type { InstanceStorage } from '../storage/instance-storage.js';
import { abortableSleep } from './abortable-sleep.js';
import { processIsAlive } from './fail-abandoned-runs.js';

/*
 * What asset leases and pool slots share: a run's claim on something in the
 * instance names the run and its process, and expires unless the run's
 * heartbeat renews it. So a claim never outlives its run for long: a run
 * whose process died on this host is taken over at once, one on another
 * host (or a hung one) once its claim expires.
 */

/** How long a claim lives without a heartbeat: long enough for a busy event loop, short enough to recover from a dead machine. */
export const CLAIM_TTL_MS = 30_000;
const HEARTBEAT_MS = CLAIM_TTL_MS / 3;
const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1_000;

/** Who holds a claim, as the storage records it. */
export interface ClaimHolder {
  readonly runId: string;
  readonly pid: number | null;
  readonly hostname: string | null;
}

export type ClaimAttempt<H extends ClaimHolder> = { readonly granted: true } | { readonly granted: false; readonly holders: readonly H[] };

export interface WaitForClaimOptions<H extends ClaimHolder> {
  readonly signal: AbortSignal;
  /** Called once, the first time the claim is refused by live holders. */
  readonly onWait?: ((holders: readonly H[]) => void) | undefined;
  /** When to give up (`Date.now()` time), and the error to throw then; without it, waits until the signal aborts. */
  readonly timeout?: { readonly at: number; readonly error: (holders: readonly H[]) => Error } | undefined;
}

/**
 * Calls `claim` until it is granted, polling with backoff while live runs
 * hold what it asks for. A holder whose process is gone from this host is
 * taken over at once (`claim(holder.runId)`), without waiting for its claim
 * to expire. Rejects when the signal aborts or the timeout passes.
 */
export async function waitForClaim<H extends ClaimHolder>(
  claim: (takeOverFrom?: string) => Promise<ClaimAttempt<H>>,
  options: WaitForClaimOptions<H>,
): Promise<void> {
  let waited = false;
  let pollMs = FIRST_POLL_MS;
  for (;;) {
    options.signal.throwIfAborted();
    const attempt = await claim();
    if (attempt.granted) return;
    const dead = attempt.holders.find(holderIsGone);
    if (dead !== undefined) {
      if ((await claim(dead.runId)).granted) return;
      continue;
    }
    if (!waited) options.onWait?.(attempt.holders);
    waited = true;
    if (options.timeout !== undefined && Date.now() + pollMs > options.timeout.at) throw options.timeout.error(attempt.holders);
    await abortableSleep(pollMs, options.signal);
    pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
  }
}

/**
 * Whether a claim's holder is a process gone from this host: `waitForClaim`
 * takes its claims over at once, so they hold nothing back from anyone. A
 * holder on another host cannot be checked, and holds until its claim expires.
 */
export function holderIsGone(holder: ClaimHolder): boolean {
  return holder.hostname === hostname() && holder.pid !== null && !processIsAlive(holder.pid);
}

/**
 * The claims of one kind (asset leases, pool slots) that one run holds: a
 * heartbeat renews them all every third of `CLAIM_TTL_MS` from construction
 * until `close()`, which releases whatever the run still holds. A failed
 * renewal is dropped: it only shortens the claims, and the next one renews them.
 */
export abstract class RunClaims {
  protected readonly storage: InstanceStorage;
  protected readonly runId: string;
  protected readonly now: () => Date;
  protected readonly host = hostname();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(storage: InstanceStorage, runId: string, now: () => Date) {
    this.storage = storage;
    this.runId = runId;
    this.now = now;
    this.#heartbeat = setInterval(() => {
      void this.renewAll().catch(() => {});
    }, HEARTBEAT_MS);
    // Claims must never be the reason the process stays alive.
    this.#heartbeat.unref();
  }

  /** Extends every claim of this kind the run holds to `now() + CLAIM_TTL_MS`. */
  protected abstract renewAll(): Promise<void>;

  /** Gives up every claim of this kind the run holds. */
  protected abstract releaseAll(): Promise<void>;

  /** Stops the heartbeat and releases whatever this run still holds. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    await this.releaseAll();
  }
}
