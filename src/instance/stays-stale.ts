import type { MaterializeResult } from '../execution/run-result.js';
import type { Instance, PlanSelection } from './instance.js';
import type { PartitionLeftStale } from './partitions-left-stale.js';
import type { StaleForUnselected } from './stale-for-unselected.js';

/**
 * What a run, or a backfill, leaves stale that its summary does not say:
 * selected assets, for upstreams the selection leaves out (a run reads what
 * those stored), and partitions, for stale partitions they read outside the
 * runs of their partitions. `materialize --json` gives it as `staysStale`;
 * the UI's plan gives `assets` as `staleForUnselected`.
 */
export interface StaysStale {
  readonly assets: readonly StaleForUnselected[];
  readonly partitions: readonly PartitionLeftStale[];
}

/**
 * What stays stale (see `StaysStale`) after runs of the selection:
 * `selected`, the keys of a run of the selection that may leave out
 * upstreams (undefined when the caller has nothing to say of them); `ranAlone`,
 * the partitions run alone (`--partition`'s key or range, or a
 * `--partition-range`'s), judged only when every run of `results` succeeded
 * or had nothing to do (a run that failed left its partitions stale for
 * that, which its summary says). A job runs as declared: nothing to say.
 * `assets materialize` (its run and its dry run) and the UI's plan ask this
 * one function, so they cannot drift apart on what it means.
 */
export async function whatStaysStale(
  instance: Pick<Instance, 'staleForUnselected' | 'partitionsLeftStale'>,
  selection: PlanSelection & { readonly signal?: AbortSignal | undefined },
  selected: readonly string[] | undefined,
  ranAlone: readonly string[],
  results: readonly MaterializeResult[] = [],
): Promise<StaysStale> {
  if (selection.job !== undefined) return { assets: [], partitions: [] };
  const judgePartitions = ranAlone.length > 0 && results.every((result) => result.status === 'success' || result.status === 'nothing-to-do');
  const [assets, partitions] = await Promise.all([
    // Instance.staleForUnselected reads nothing when every upstream is selected; one partition's run leaves out the rest by design.
    selected === undefined || selection.partition !== undefined ? [] : instance.staleForUnselected(selected, { signal: selection.signal }),
    judgePartitions ? instance.partitionsLeftStale({ select: selection.select, exclude: selection.exclude, signal: selection.signal }, ranAlone) : [],
  ]);
  return { assets, partitions };
}
