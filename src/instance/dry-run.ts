import { checkKey } from '../core/check-definitions.js';
import type { Definitions } from '../core/definitions.js';
import { upstreamChecksBlocking } from '../execution/check-states.js';
import type { MaterializationPlan } from '../execution/plan-materialization.js';
import type { PlannedAsset } from '../graph/planner.js';
import type { BlockingResult } from './blocked-by.js';

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
  /**
   * The planned assets the runs of `partitions` would skip, for failing
   * blocking checks of upstreams that those runs do not run (see
   * `blockedInRuns`), or after skipping what they read:
   * each such run still starts, skips them, and fails.
   */
  readonly skippedInPartitions: readonly SkippedInPartitions[];
  /** The partitions of `partitions` whose runs would skip every asset they plan: runs that would materialize nothing. */
  readonly partitionsOnlySkipping: readonly string[];
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

/** An asset that runs of `partitions` (in key order) would each skip, for the same reason. */
export interface SkippedInPartitions extends BlockedAsset {
  readonly key: string;
  readonly partitions: readonly string[];
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
 * of their upstreams (see `blockedInRuns`). `checksAgain` is what the plan
 * checks again (`checksRunAlone`), judged as the run judges it: no result
 * of a selected asset needs judging apart.
 */
export async function blockedInPlan(
  definitions: Definitions,
  planned: readonly PlannedAsset[],
  checksAgain: readonly CheckAgain[],
  readBlocking: (keys: readonly string[]) => Promise<readonly BlockingResult[]>,
): Promise<ReadonlyMap<string, BlockedAsset>> {
  const [blocked] = await blockedInRuns(definitions, [planned.map((asset) => asset.key)], checksAgain, new Set(), readBlocking);
  return blocked!;
}

/**
 * Of each of `runs` (the keys each run would run, in run order), the assets
 * it would skip, by the rule a run skips by (`upstreamChecksBlocking`): the
 * failing blocking checks of their upstreams that the run does not run and
 * would not check again, so the run judges them by the results they have
 * (`readBlocking`, once for every run: see `readBlockingResults`); and, in
 * run order, what reads a skipped asset. A run checks again those of
 * `checksAgain`, and those of an asset of the command's `selected` whose
 * result no longer speaks for what it read (see `checksToRun`).
 * `readBlocking` is not called without such a check.
 */
export async function blockedInRuns(
  definitions: Definitions,
  runs: readonly (readonly string[])[],
  checksAgain: readonly CheckAgain[],
  selected: ReadonlySet<string>,
  readBlocking: (keys: readonly string[]) => Promise<readonly BlockingResult[]>,
): Promise<ReadonlyMap<string, BlockedAsset>[]> {
  const again = new Set(checksAgain.map(({ check }) => check));
  const runKeys = runs.map((keys) => new Set(keys));
  const judgedAssets = new Set<string>();
  runs.forEach((keys, index) => {
    for (const key of keys) {
      for (const dep of definitions.asset(key)!.deps) {
        if (!runKeys[index]!.has(dep) && definitions.asset(dep)!.checks.some((check) => check.blocking && !again.has(checkKey(dep, check)))) judgedAssets.add(dep);
      }
    }
  });
  if (judgedAssets.size === 0) return runs.map(() => new Map());
  const blocking = (await readBlocking([...judgedAssets])).filter((result) => !again.has(result.key) && (result.current || !selected.has(result.assetKey)));
  return runs.map((keys, index) => {
    const blocked = new Map<string, BlockedAsset>();
    if (blocking.length === 0) return blocked;
    // What the run runs is checked anew once stored: its results so far block nothing.
    const failingOf = (dep: string) => (runKeys[index]!.has(dep) ? [] : blocking.filter((result) => result.assetKey === dep).map((result) => result.key));
    for (const key of keys) {
      const asset = definitions.asset(key)!;
      const skippedUpstream = asset.deps.find((dep) => blocked.has(dep));
      if (skippedUpstream !== undefined) {
        blocked.set(key, { checks: [], upstream: skippedUpstream });
        continue;
      }
      const checks = upstreamChecksBlocking(asset, failingOf);
      if (checks.length > 0) blocked.set(key, { checks, upstream: asset.deps.find((dep) => failingOf(dep).includes(checks[0]!))! });
    }
    return blocked;
  });
}

/**
 * What runs of `partitions` would skip (`blocked`, of each run in the same
 * order), by asset and reason: an unpartitioned upstream's failing check
 * skips an asset in every run alike, which reads as one line, not one per
 * partition. In the order each asset is first skipped, so in run order.
 */
export function skippedInPartitions(partitions: readonly string[], blocked: readonly ReadonlyMap<string, BlockedAsset>[]): SkippedInPartitions[] {
  const grouped = new Map<string, { key: string; checks: readonly string[]; upstream: string; partitions: string[] }>();
  partitions.forEach((partition, index) => {
    for (const [key, { checks, upstream }] of blocked[index]!) {
      const reason = JSON.stringify([key, checks, upstream]);
      const group = grouped.get(reason) ?? { key, checks, upstream, partitions: [] };
      grouped.set(reason, group);
      group.partitions.push(partition);
    }
  });
  return [...grouped.values()];
}
