import type { PoolSlot } from '../storage/instance-storage.js';
import { CLAIM_TTL_MS, RunClaims, waitForClaim } from './expiring-claims.js';

/**
 * The concurrency pool slots one run holds in the instance: a step of an
 * asset with a `pool` runs only while it holds a slot there, so no more steps
 * of a pool run at once than its limit, across every run and every worker
 * (the coordinating process claims the slot before handing the step to any
 * executor). Slots are expiring claims (see `expiring-claims.ts`), so a run
 * that dies never keeps its slots: they are taken over from a dead process at
 * once, and expire without the run's heartbeat otherwise.
 */
export class PoolSlots extends RunClaims {
  /**
   * Claims a slot in `pool` for the step of `assetKey`, waiting for as long
   * as the pool is full (calling `onWait` once with its limit and holders),
   * until the signal aborts. A pool without a limit grants at once.
   */
  async claim(pool: string, assetKey: string, options: { signal: AbortSignal; onWait?: (limit: number, holders: readonly PoolSlot[]) => void }): Promise<void> {
    let limit = 0;
    await waitForClaim(
      async (takeOverFrom) => {
        const attempt = await this.storage.claimPoolSlot({ pool, runId: this.runId, assetKey, pid: process.pid, hostname: this.host, now: this.now(), ttlMs: CLAIM_TTL_MS, takeOverFrom });
        if (attempt.claimed) return { granted: true };
        limit = attempt.limit;
        return { granted: false, holders: attempt.holders };
      },
      {
        // No timeout: waiting for a slot is what a pool is for, and only a cancel ends it.
        signal: options.signal,
        onWait: (holders) => options.onWait?.(limit, holders),
      },
    );
  }

  release(pool: string, assetKey: string): Promise<void> {
    return this.storage.releasePoolSlot(pool, this.runId, assetKey);
  }

  protected renewAll(): Promise<void> {
    return this.storage.renewPoolSlots(this.runId, this.now(), CLAIM_TTL_MS);
  }

  protected releaseAll(): Promise<void> {
    return this.storage.releasePoolSlots(this.runId);
  }
}
