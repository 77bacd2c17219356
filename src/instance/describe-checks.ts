import type { AssetState } from './asset-states.js';

/**
 * What an asset's own checks and its upstreams' say about it, one sentence
 * each, for `assets why` and the UI's asset page alike. `failingRows` says
 * where the reader finds the failing rows (`assets checks orders`, the page).
 */
export function describeChecks(key: string, state: Pick<AssetState, 'failedChecks' | 'warnedChecks' | 'blockedBy'>, failingRows: string): string[] {
  return [
    ...state.failedChecks.map((check) => `Check ${check} failed on ${key}'s stored output (${failingRows}); while it fails, a blocking check keeps what depends on ${key} from running.`),
    ...state.warnedChecks.map((check) => `Check ${check} warned on ${key}'s stored output (${failingRows}).`),
    ...describeBlockedBy(key, state.blockedBy),
  ];
}

/** What `blockedBy` (see `AssetState`) says of `key`, one sentence per check: of every partition alike, for a partitioned asset. */
export function describeBlockedBy(key: string, blockedBy: readonly string[]): string[] {
  return blockedBy.map((check) => `Blocked: upstream check ${check} failed, so runs skip ${key} until it passes (or ${key} lists it in ignoreFailedChecks).`);
}
