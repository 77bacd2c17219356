import type { AnyAssetCheck } from '../core/asset-check.js';
import { checkKey } from '../core/check-definitions.js';
import type { DefinedAsset } from '../core/definitions.js';
import type { CheckResultRecord } from '../storage/instance-storage.js';

/**
 * The data version a check result records for an asset it tried to read that
 * had never been materialized: the result speaks for that state only, so it
 * goes stale once the asset is stored.
 */
export const NEVER_MATERIALIZED = '';

/**
 * Whether a check's latest result still speaks for what is stored now: the
 * same check code, judging the same data versions (its asset's and those of
 * the assets it read). A result that does not is stale, and the check runs
 * again, without its asset.
 */
export function checkResultIsCurrent(check: AnyAssetCheck, result: CheckResultRecord | undefined, currentDataVersion: (key: string) => string | undefined): boolean {
  if (result === undefined || result.checkVersion !== check.codeVersion) return false;
  return Object.entries(result.dataVersions).every(([key, version]) => (currentDataVersion(key) ?? NEVER_MATERIALIZED) === version);
}

/**
 * The assets a check reads besides its own: those it declares (a
 * relationships check's `to`) and those its latest result records it read
 * (what a custom check loaded), for whoever must know their versions.
 */
export function checkReads(assetKey: string, check: AnyAssetCheck, result: CheckResultRecord | undefined): string[] {
  const reads = new Set([...check.reads, ...Object.keys(result?.dataVersions ?? {})]);
  reads.delete(assetKey);
  return [...reads];
}

/** Whether a result fails the run that evaluated it: an `error` check that failed or could not run, blocking or not. */
export function checkFailsRun(result: Pick<CheckResultRecord, 'severity' | 'status'>): boolean {
  return result.severity === 'error' && (result.status === 'failed' || result.status === 'errored');
}

/**
 * Whether `result` keeps the assets downstream of `check`'s asset from
 * running: the check is blocking as declared now, the result judged it as
 * declared now (a result of an older definition, since relaxed or tightened,
 * speaks for neither), and it failed or could not run as an `error`.
 */
export function resultBlocks(check: AnyAssetCheck, result: Pick<CheckResultRecord, 'checkVersion' | 'severity' | 'status'>): boolean {
  return check.blocking && result.checkVersion === check.codeVersion && checkFailsRun(result);
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
    return result !== undefined && result.dataVersions[asset.key] === currentDataVersion && resultBlocks(check, result) ? [key] : [];
  }).sort();
}

/**
 * The failing blocking checks of `asset`'s upstreams that keep a run from
 * running it, less those it lists in `ignoreFailedChecks`; `failingOf` gives
 * an upstream's, as the caller judges them (see `blockingFailures`). In the
 * order of its deps, each upstream's as given. The one rule a run skips by
 * (`RunChecks.blockingFor`), and a dry run, `status`, `why` and a backfill
 * foretell it by, so they name the same checks in the same order. Every
 * upstream is judged, partitioned ones too: those have no checks yet
 * (`partitionProblems` refuses them), so no partition's results block.
 */
export function upstreamChecksBlocking(asset: Pick<DefinedAsset, 'deps' | 'ignoreFailedChecks'>, failingOf: (dep: string) => readonly string[]): string[] {
  return asset.deps.flatMap(failingOf).filter((key) => !asset.ignoreFailedChecks.includes(key));
}
