import type { AnyAssetCheck } from '../core/asset-check.js';
import { checkKey } from '../core/check-definitions.js';
import type { Definitions } from '../core/definitions.js';
import { checkFailsRun, checkReads, checkResultIsCurrent } from '../execution/check-states.js';
import type { CheckResultRecord, InstanceStorage } from '../storage/instance-storage.js';

/** One declared check and its latest result, as `assets checks` and the asset views show it. */
export interface CheckSummary {
  /** `orders.unique_id` */
  readonly key: string;
  readonly assetKey: string;
  readonly check: AnyAssetCheck;
  /** Its latest result; undefined when it never ran. */
  readonly latest: CheckResultRecord | undefined;
  /**
   * Whether the latest result still speaks for what is stored now (same
   * check code, same data versions): false means the next run checks again.
   */
  readonly current: boolean;
  /** Whether the latest result judged the asset's output as it is stored now (not an older or since edited one). */
  readonly judgesStoredOutput: boolean;
}

/**
 * The checks among `summaries` whose latest result says the asset's stored
 * output has a problem of that kind: `failed` counts errors that failed or
 * could not run. A result of an older definition of the check (a threshold
 * since changed) says nothing of the check as declared now, which the next
 * run evaluates again. A run decides what blocks by the same rule
 * (`blockingFailures`).
 */
export function checksWithProblem(summaries: readonly CheckSummary[], problem: 'failed' | 'warned'): CheckSummary[] {
  return summaries.filter(
    ({ check, latest, judgesStoredOutput }) => latest !== undefined && judgesStoredOutput && latest.checkVersion === check.codeVersion && (problem === 'failed' ? checkFailsRun(latest) : latest.status === 'warned'),
  );
}

/**
 * Every check of the given assets (every asset's when none are given), in
 * key order, with its latest result, judged against what the IO managers
 * store now, as a run judges it: `storedDataVersions` gives the versions a
 * plan already read; the others are asked of the IO managers (which answer
 * from the recorded size and time when the file did not change). With
 * `latestMatching`, only the checks whose latest result it accepts: only
 * what those judged is read (the outputs of their assets, and what a custom
 * one among them read).
 */
export async function readCheckSummaries(
  definitions: Definitions,
  storage: InstanceStorage,
  keys?: readonly string[],
  options: { readonly storedDataVersions?: ReadonlyMap<string, string | undefined>; readonly latestMatching?: (result: CheckResultRecord) => boolean } = {},
): Promise<CheckSummary[]> {
  const { storedDataVersions = new Map(), latestMatching } = options;
  const checked = (keys === undefined ? definitions.assets : keys.map((key) => definitions.asset(key)!)).filter((asset) => asset.checks.length > 0);
  if (checked.length === 0) return [];
  const latest = await storage.latestCheckResults(checked.map((asset) => asset.key));
  const included = (asset: (typeof checked)[number], check: AnyAssetCheck) => {
    const result = latest.get(checkKey(asset.key, check));
    return latestMatching === undefined || (result !== undefined && latestMatching(result));
  };
  const assets = latestMatching === undefined ? checked : checked.filter((asset) => asset.checks.some((check) => included(asset, check)));
  // What a custom check read is known from its result only; an asset read then and gone since has no version now.
  const read = [...new Set(assets.flatMap((asset) => [asset.key, ...asset.checks.filter((check) => included(asset, check)).flatMap((check) => checkReads(asset.key, check, latest.get(checkKey(asset.key, check))))]))].filter((key) => definitions.asset(key) !== undefined);
  const recorded = await storage.latestMaterializations(read);
  const stored = new Map(
    await Promise.all(
      read.map(async (key): Promise<[string, string | undefined]> => {
        if (storedDataVersions.has(key)) return [key, storedDataVersions.get(key)];
        const asset = definitions.asset(key)!;
        const record = recorded.get(key);
        // An output that cannot be read counts as none stored: its results no longer speak for it.
        const version = record === undefined ? undefined : await definitions.ioManagers[asset.ioManager]!.dataVersion(asset, record).catch(() => undefined);
        return [key, version];
      }),
    ),
  );
  const currentDataVersion = (key: string) => stored.get(key);
  return assets
    .flatMap((asset) =>
      asset.checks.filter((check) => included(asset, check)).map((check) => {
        const key = checkKey(asset.key, check);
        const result = latest.get(key);
        return {
          key,
          assetKey: asset.key,
          check,
          latest: result,
          current: checkResultIsCurrent(check, result, currentDataVersion),
          judgesStoredOutput: result !== undefined && result.dataVersions[asset.key] === currentDataVersion(asset.key),
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
