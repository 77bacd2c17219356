import { hostname } from 'node:os';
import { StrataError } from '../core/errors.js';
import type { AssetLease, InstanceStorage } from '../storage/instance-storage.js';
import { abortableSleep } from './abortable-sleep.js';
import { processIsAlive } from './fail-abandoned-runs.js';

/** How long a lease lives without a heartbeat: long enough for a busy event loop, short enough to recover from a dead machine. */
export const LEASE_TTL_MS = 30_000;
const HEARTBEAT_MS = LEASE_TTL_MS / 3;
const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1_000;

/**
 * The asset leases one run holds in the instance, so two runs never
 * materialize the same asset at once. A lease names its run and process and
 * expires unless renewed; a run waiting for an asset takes the lease over
 * when it expired or its holder's process is gone.
 */
export class AssetLeases {
  readonly #storage: InstanceStorage;
  readonly #runId: string;
  readonly #now: () => Date;
  readonly #host = hostname();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(storage: InstanceStorage, runId: string, now: () => Date) {
    this.#storage = storage;
    this.#runId = runId;
    this.#now = now;
    this.#heartbeat = setInterval(() => {
      void this.#storage.renewAssetLeases(this.#runId, this.#now(), LEASE_TTL_MS).catch(() => {
        // A missed heartbeat only shortens the lease; the next one renews it.
      });
    }, HEARTBEAT_MS);
    // Leases must never be the reason the process stays alive.
    this.#heartbeat.unref();
  }

  /**
   * Takes the lease on `assetKey`, waiting while another live run holds it
   * (calling `onWait` once), until `timeoutMs` has passed.
   */
  async acquire(assetKey: string, options: { timeoutMs: number; signal: AbortSignal; onWait?: (holder: AssetLease) => void }): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    let waited = false;
    let pollMs = FIRST_POLL_MS;
    for (;;) {
      const attempt = await this.#storage.acquireAssetLease({ assetKey, runId: this.#runId, pid: process.pid, hostname: this.#host, now: this.#now(), ttlMs: LEASE_TTL_MS });
      if (attempt.acquired) return;
      const holder = attempt.holder;
      if (holder.hostname === this.#host && holder.pid !== null && !processIsAlive(holder.pid)) {
        const takeover = await this.#storage.acquireAssetLease({ assetKey, runId: this.#runId, pid: process.pid, hostname: this.#host, now: this.#now(), ttlMs: LEASE_TTL_MS, takeOverFrom: holder.runId });
        if (takeover.acquired) return;
        continue;
      }
      if (!waited) options.onWait?.(holder);
      waited = true;
      if (Date.now() + pollMs > deadline) {
        throw new StrataError('STRATA_LEASE_TIMEOUT', `Timed out waiting for "${assetKey}": run ${holder.runId} (process ${holder.pid ?? '?'} on ${holder.hostname ?? '?'}) has been materializing it since ${holder.acquiredAt.toISOString()}.`, {
          hint: 'Wait for that run to finish (assets runs), or raise --lock-timeout.',
        });
      }
      await abortableSleep(pollMs, options.signal);
      pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
    }
  }

  release(assetKey: string): Promise<void> {
    return this.#storage.releaseAssetLease(assetKey, this.#runId);
  }

  /** Stops the heartbeat and releases whatever this run still holds. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    await this.#storage.releaseAssetLeases(this.#runId);
  }
}
