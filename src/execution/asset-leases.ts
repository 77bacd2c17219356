import { StrataError } from '../core/errors.js';
import type { AssetLease } from '../storage/instance-storage.js';
import { CLAIM_TTL_MS, RunClaims, waitForClaim } from './expiring-claims.js';

/**
 * What a run claims to materialize an asset: the asset, or the one partition
 * of it the run materializes, so runs of other partitions go on at once. The
 * work pool's workers check the same key: they run a step only while its
 * coordinator holds that lease.
 */
export function assetLeaseKey(assetKey: string, partition: string | undefined): string {
  return partition === undefined ? assetKey : `${assetKey}[${partition}]`;
}

/**
 * The asset leases one run holds in the instance, so two runs never
 * materialize the same asset at once. Leases are expiring claims (see
 * `expiring-claims.ts`): a run waiting for an asset takes the lease over
 * when it expired or its holder's process is gone.
 */
export class AssetLeases extends RunClaims {
  /**
   * Takes the lease on `assetKey`, waiting while another live run holds it
   * (calling `onWait` once), until `timeoutMs` has passed.
   */
  async acquire(assetKey: string, options: { timeoutMs: number; signal: AbortSignal; onWait?: (holder: AssetLease) => void }): Promise<void> {
    await waitForClaim(
      async (takeOverFrom) => {
        const attempt = await this.storage.acquireAssetLease({ assetKey, runId: this.runId, pid: process.pid, hostname: this.host, now: this.now(), ttlMs: CLAIM_TTL_MS, takeOverFrom });
        return attempt.acquired ? { granted: true } : { granted: false, holders: [attempt.holder] };
      },
      {
        signal: options.signal,
        onWait: (holders) => options.onWait?.(holders[0]!),
        timeout: {
          at: Date.now() + options.timeoutMs,
          error: ([holder]) =>
            new StrataError('STRATA_LEASE_TIMEOUT', `Timed out waiting for "${assetKey}": run ${holder!.runId} (process ${holder!.pid ?? '?'} on ${holder!.hostname ?? '?'}) has been materializing it since ${holder!.acquiredAt.toISOString()}.`, {
              hint: 'Wait for that run to finish (assets runs), or raise --lock-timeout.',
            }),
        },
      },
    );
  }

  release(assetKey: string): Promise<void> {
    return this.storage.releaseAssetLease(assetKey, this.runId);
  }

  protected renewAll(): Promise<void> {
    return this.storage.renewAssetLeases(this.runId, this.now(), CLAIM_TTL_MS);
  }

  protected releaseAll(): Promise<void> {
    return this.storage.releaseAssetLeases(this.runId);
  }
}
