import type { AnyAssetCheck } from '../core/asset-check.js';
import { checkKey } from '../core/check-definitions.js';
import type { DefinedAsset } from '../core/definitions.js';
import type { CheckResultRecord } from '../storage/instance-storage.js';

/**
 * Whether a check's latest result still speaks for what is stored now: the
 * same check code, judging the same data versions (its asset's and those of
 * the assets it read). A result that does not is stale, and the check runs
 * again, without its asset.
 */
export function checkResultIsCurrent(check: AnyAssetCheck, result: CheckResultRecord | undefined, currentDataVersion: (key: string) => string | undefined): boolean {
  if (result === undefined || result.checkVersion !== check.codeVersion) return false;
  return Object.entries(result.dataVersions).every(([key, version]) => currentDataVersion(key) === version);
}

/** Whether a result fails the run that evaluated it: an `error` check that failed or could not run, blocking or not. */
export function checkFailsRun(result: Pick<CheckResultRecord, 'severity' | 'status'>): boolean {
  return result.severity === 'error' && (result.status === 'failed' || result.status === 'errored');
}

/** Whether a result keeps the assets downstream of its asset from running: a blocking `error` check that failed or could not run. */
function resultBlocks(result: Pick<CheckResultRecord, 'blocking' | 'severity' | 'status'>): boolean {
  return result.blocking && checkFailsRun(result);
}

/**
 * The checks of `asset` whose latest result is stale or missing, given its
 * latest results by check key.
 */
export function pendingChecks(asset: DefinedAsset, latest: ReadonlyMap<string, CheckResultRecord>, currentDataVersion: (key: string) => string | undefined): AnyAssetCheck[] {
  return asset.checks.filter((check) => !checkResultIsCurrent(check, latest.get(checkKey(asset.key, check)), currentDataVersion));
}

/**
 * The keys of `asset`'s checks whose latest result blocks (see
 * `resultBlocks`), as long as that result judged the output stored now: a
 * new materialization is judged by its own results. In key order, as
 * `assets status` and `why` list them.
 */
export function blockingFailures(asset: DefinedAsset, latest: ReadonlyMap<string, CheckResultRecord>, currentDataVersion: string | undefined): string[] {
  return asset.checks.flatMap((check) => {
    const key = checkKey(asset.key, check);
    const result = latest.get(key);
    return result !== undefined && result.dataVersions[asset.key] === currentDataVersion && resultBlocks(result) ? [key] : [];
  }).sort();
}
