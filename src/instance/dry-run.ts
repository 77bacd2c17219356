import { checkKey } from '../core/check-definitions.js';
import type { Definitions } from '../core/definitions.js';
import type { MaterializationPlan } from '../execution/plan-materialization.js';
import type { PlannedAsset } from '../graph/planner.js';
import type { CheckNotPassed } from './describe-checks-not-passed.js';

/**
 * What a run of a selection would do, without running anything: the
 * partitions it runs first (one run each), and the plan of the rest. The
 * CLI's `--dry-run` and the UI's `POST /api/plan` both show it, so they
 * agree with each other and with the run.
 */
export interface DryRun {
  /**
   * The keys the selection selects, in topological order, partitioned ones
   * too; for one run (a `partition` asked for, or no `partitionsFirst`),
   * those in its scope.
   */
  readonly selected: readonly string[];
  /** With `partitionsFirst`, the partitions in which a selected partitioned asset is stale or missing, in key order: they run first. */
  readonly partitions: readonly string[];
  /** The run of the rest (the unpartitioned assets, or the asked partition's); undefined when `partitionsFirst` finds only partitioned assets selected. */
  readonly rest: DryRunOfRest | undefined;
}

export interface DryRunOfRest {
  readonly plan: MaterializationPlan;
  /** The checks the run would evaluate again on what is stored, without materializing their assets. */
  readonly checksAgain: readonly CheckAgain[];
  /** The planned assets the run would skip for failing blocking checks upstream, by key. */
  readonly blocked: ReadonlyMap<string, BlockedAsset>;
}

export interface CheckAgain {
  /** Its key (`orders.unique_id`). */
  readonly check: string;
  readonly assetKey: string;
  readonly name: string;
}

/** Why a run would skip a planned asset: failing blocking `checks` of `upstream`, or none when `upstream` is itself skipped. */
export interface BlockedAsset {
  readonly checks: readonly string[];
  readonly upstream: string;
}

/** The checks a run would evaluate on their own, on assets it leaves as they are (those of a planned asset run with it). */
export function checksRunAlone(plan: MaterializationPlan): CheckAgain[] {
  const plannedKeys = new Set(plan.plan.planned.map((asset) => asset.key));
  return [...plan.pendingChecks].flatMap(([assetKey, checks]) => (plannedKeys.has(assetKey) ? [] : checks.map((check) => ({ check: checkKey(assetKey, check), assetKey, name: check.name }))));
}

/**
 * The planned assets that a run would skip, by the failing blocking checks
 * of their upstreams: those whose upstreams are not planned and whose
 * checks would not run again, so the run judges them by the results they
 * have (`checksNotPassed`, which reads only failing results), less those an
 * asset lists in `ignoreFailedChecks`; and, in run order, what reads a
 * skipped asset. `checksNotPassed` is not called without such a check.
 */
export async function blockedInPlan(
  definitions: Definitions,
  planned: readonly PlannedAsset[],
  checksAgain: readonly CheckAgain[],
  checksNotPassed: (keys: readonly string[]) => Promise<readonly CheckNotPassed[]>,
): Promise<ReadonlyMap<string, BlockedAsset>> {
  const plannedKeys = new Set(planned.map((asset) => asset.key));
  const again = new Set(checksAgain.map(({ check }) => check));
  const judgedAssets = new Set<string>();
  for (const asset of planned) {
    for (const dep of definitions.asset(asset.key)!.deps) {
      if (!plannedKeys.has(dep) && definitions.asset(dep)!.checks.some((check) => check.blocking && !again.has(checkKey(dep, check)))) judgedAssets.add(dep);
    }
  }
  if (judgedAssets.size === 0) return new Map();
  const blocking = (await checksNotPassed([...judgedAssets])).filter((failing) => !again.has(failing.key) && definitions.asset(failing.assetKey)!.checks.some((check) => check.blocking && checkKey(failing.assetKey, check) === failing.key));
  const blocked = new Map<string, BlockedAsset>();
  if (blocking.length === 0) return blocked;
  for (const asset of planned) {
    const { deps, ignoreFailedChecks } = definitions.asset(asset.key)!;
    const skippedUpstream = deps.find((dep) => blocked.has(dep));
    if (skippedUpstream !== undefined) {
      blocked.set(asset.key, { checks: [], upstream: skippedUpstream });
      continue;
    }
    const failing = blocking.filter((check) => deps.includes(check.assetKey) && !plannedKeys.has(check.assetKey) && !ignoreFailedChecks.includes(check.key));
    if (failing.length > 0) blocked.set(asset.key, { checks: failing.map((check) => check.key), upstream: failing[0]!.assetKey });
  }
  return blocked;
}
