import type { AnyAssetCheck } from '../core/asset-check.js';
import { checkKey } from '../core/check-definitions.js';
import type { Definitions } from '../core/definitions.js';
import { checkFailsRun, checkResultIsCurrent } from '../execution/check-states.js';
import type { CheckResultRecord, InstanceStorage } from '../storage/instance-storage.js';

/** One declared check and its latest result, as `assets checks` and the asset views show it. */
export interface CheckSummary {
  /** `users.unique_id` */
  readonly key: string;
  readonly assetKey: string;
  readonly check: AnyAssetCheck;
  /** Its latest result; undefined when it never ran. */
  readonly latest: CheckResultRecord | undefined;
  /**
   * Whether the latest result still speaks for what is recorded now (same
   * check code, same data versions): false means the next run checks again.
   */
  readonly current: boolean;
  /** Whether the latest result judged the output the asset's latest materialization recorded (not an older one). */
  readonly judgesLatestOutput: boolean;
}

/** The checks among `summaries` whose latest result says the asset's latest output has a problem of that kind: `failed` counts errors that failed or could not run. */
export function checksWithProblem(summaries: readonly CheckSummary[], problem: 'failed' | 'warned'): CheckSummary[] {
  return summaries.filter(({ latest, judgesLatestOutput }) => latest !== undefined && judgesLatestOutput && (problem === 'failed' ? checkFailsRun(latest) : latest.status === 'warned'));
}

/**
 * Every check of the given assets (every asset's when none are given), in
 * key order, with its latest result. Whether a result is current is judged
 * against the recorded data versions, without reading any output.
 */
export async function readCheckSummaries(definitions: Definitions, storage: InstanceStorage, keys?: readonly string[]): Promise<CheckSummary[]> {
  const assets = (keys === undefined ? definitions.assets : keys.map((key) => definitions.asset(key)!)).filter((asset) => asset.checks.length > 0);
  if (assets.length === 0) return [];
  const read = [...new Set(assets.flatMap((asset) => [asset.key, ...asset.checks.flatMap((check) => check.reads)]))];
  const [latest, recorded] = await Promise.all([storage.latestCheckResults(assets.map((asset) => asset.key)), storage.latestMaterializations(read)]);
  const currentDataVersion = (key: string) => recorded.get(key)?.dataVersion;
  return assets
    .flatMap((asset) =>
      asset.checks.map((check) => {
        const key = checkKey(asset.key, check);
        const result = latest.get(key);
        return {
          key,
          assetKey: asset.key,
          check,
          latest: result,
          current: checkResultIsCurrent(check, result, currentDataVersion),
          judgesLatestOutput: result !== undefined && result.dataVersions[asset.key] === currentDataVersion(asset.key),
        };
      }),
    )
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A check and its latest result as `assets checks --json` prints it and the UI's API returns it (`never-run`: no result yet). */
export function checkSummaryToJson(summary: CheckSummary) {
  const { check, latest } = summary;
  return {
    check: summary.key,
    assetKey: summary.assetKey,
    name: check.name,
    description: check.description ?? null,
    severity: check.severity,
    blocking: check.blocking,
    status: latest?.status ?? ('never-run' as const),
    current: summary.current,
    failing: latest?.failing ?? null,
    sample: latest?.sample ?? [],
    metadata: latest?.metadata ?? {},
    runId: latest?.runId ?? null,
    checkedAt: latest?.checkedAt.toISOString() ?? null,
  };
}
