import { StrataError, UnstoredPartitionsError } from '../core/errors.js';
import type { MaterializationPlan } from '../execution/plan-materialization.js';
import type { MaterializeResult } from '../execution/run-result.js';
import type { Instance, MaterializeRequest } from './instance.js';

/** What `materializeSelection` takes: a materialize request, and the partitions to run instead of working them out. */
export type PartitionedMaterializeRequest = MaterializeRequest & {
  /** Run these partitions, one run each, and nothing else (`--partition-range`). */
  readonly partitions?: readonly string[] | undefined;
  /** Hears each partition's run as it ends, before the next starts. */
  readonly onPartitionRun?: ((partition: string, result: MaterializeResult) => void | Promise<void>) | undefined;
  /** Hears each partition whose run could not start, for a partition a failed run before it left unstored (see `SelectionRuns.unstarted`). */
  readonly onPartitionUnstarted?: ((partition: string, error: StrataError) => void | Promise<void>) | undefined;
  /** Hears, before each pass after the first, the partitions that pass runs again (see `materializeSelection`). */
  readonly onRunAgain?: ((partitions: readonly string[]) => void | Promise<void>) | undefined;
};

/** The runs of `materializeSelection`. */
export interface SelectionRuns {
  /** The keys the selection selects, as the command resolved them; undefined for given partitions or one `partition`'s run. */
  readonly selected: readonly string[] | undefined;
  /** Each partition's run, in the order they ran. */
  readonly partitions: readonly { readonly partition: string; readonly result: MaterializeResult }[];
  /**
   * The partitions whose run could not start because a partition's run
   * that failed before them left unstored a partition they read (the day
   * before's): each refused as a run of it alone would be, the others
   * still run, as a backfill's do.
   */
  readonly unstarted: readonly { readonly partition: string; readonly error: StrataError }[];
  /** The run of the unpartitioned assets (or of the one `partition` asked for); undefined when there was none to make. */
  readonly rest: MaterializeResult | undefined;
  /** Why the rest did not run, when a failed partition run left a partition it reads unstored. */
  readonly restSkipped: StrataError | undefined;
}

/**
 * Brings a selection up to date through runs of one partition each: with
 * `partition`, that one run; with `partitions`, a run of each; otherwise a
 * run of each partition in which a selected partitioned asset is stale or
 * missing (every one with `force`), in key order, then one run of the
 * unpartitioned rest, which may read them. Stops starting runs once the
 * request's signal is aborted.
 *
 * A partition's run can make a partition that ran before it stale: when an
 * unpartitioned asset that reads every partition of its upstream feeds a
 * partitioned one (each partition's run rebuilds it first), or a partition
 * reads a later one (`timeWindow` with an `endOffset`). So once the
 * partitions have run, those stale again only for their upstreams run
 * again, in another pass, until none is. A partition stale for anything
 * else (a source that changed meanwhile) is left for the next materialize;
 * a pass that materialized nothing, or in which a run failed, is the last.
 *
 * In the same shapes a run can read a partition that is not stored yet but
 * that a later run of the pass makes (the first materialize of a project):
 * what reads it is deferred (`PlanOptions.laterPartitions`), and its
 * partition runs again in the next pass, once the later runs have made it.
 * The last pass defers nothing: what still lacks a partition then is
 * refused, as a run of it alone would be.
 *
 * Given `partitions` (a range) run the same way, and only those run again.
 */
export async function materializeSelection(instance: Instance, request: PartitionedMaterializeRequest): Promise<SelectionRuns> {
  const { partitions: given, onPartitionRun, onPartitionUnstarted, onRunAgain, ...runRequest } = request;
  const pending =
    given === undefined && request.partition === undefined
      ? await instance.partitionsToMaterialize(runRequest)
      : { selected: undefined, partitions: given ?? [], readsAcross: false, unpartitioned: given === undefined, resolvedSelection: undefined };
  const partitions: { partition: string; result: MaterializeResult }[] = [];
  const unstarted: { partition: string; error: StrataError }[] = [];
  // Whether a range's partitions read one another takes a plan of every partition: the look after its first pass is that plan.
  const mayReadAcross = pending.readsAcross || (given !== undefined && given.length > 1);
  const inRange = given === undefined ? undefined : new Set(given);
  // Each pass settles at least one more asset along the chain that made partitions stale again: no more passes than assets.
  const maxPasses = mayReadAcross ? (await instance.definitions()).assets.length : 1;
  // Later passes bring partitions up to date: what --force or --refresh asked for was done in the first. A job
  // is run as it is declared, its own force included, in every pass: it names no other way to run it.
  const upToDate: MaterializeRequest = runRequest.job === undefined ? { ...runRequest, force: undefined, refresh: undefined } : runRequest;
  let pass = pending.partitions;
  for (let passes = 1; pass.length > 0; passes++) {
    const ran = partitions.length;
    const deferring = new Set<string>();
    for (const [index, partition] of pass.entries()) {
      if (request.signal?.aborted === true) break;
      const laterPartitions = mayReadAcross && passes < maxPasses ? new Set(pass.slice(index + 1)) : undefined;
      const onPlan = (plan: MaterializationPlan) => {
        if (plan.deferred.length > 0) deferring.add(partition);
        runRequest.onPlan?.(plan);
      };
      let result: MaterializeResult;
      try {
        result = await instance.materialize({ ...(passes === 1 ? runRequest : upToDate), partition, laterPartitions, onPlan });
      } catch (error) {
        if (!leftUnstoredByFailure(error, partitions, unstarted)) throw error;
        unstarted.push({ partition, error });
        await onPartitionUnstarted?.(partition, error);
        continue;
      }
      partitions.push({ partition, result });
      await onPartitionRun?.(partition, result);
    }
    const outcomes = partitions.slice(ran).map(({ result }) => result.status);
    // Nothing materialized changes nothing another pass would find; a run that failed would fail again (and one that could not start follows one that failed).
    const changedSome = outcomes.includes('success') && outcomes.every((status) => status === 'success' || status === 'nothing-to-do');
    if (passes >= maxPasses || !changedSome || request.signal?.aborted === true) break;
    const { byUpstreams } = await instance.partitionsToMaterialize(upToDate);
    const stale = inRange === undefined ? byUpstreams : byUpstreams.filter((partition) => inRange.has(partition));
    // In key order: the partitions of the first pass are, and so are those stale now.
    const again = new Set([...deferring, ...stale]);
    pass = [...new Set([...pending.partitions, ...stale])].filter((partition) => again.has(partition));
    if (pass.length > 0) await onRunAgain?.(pass);
  }
  const { selected } = pending;
  if (!pending.unpartitioned || request.signal?.aborted === true) return { selected, partitions, unstarted, rest: undefined, restSkipped: undefined };
  try {
    // With no partition run in between, the states a state selection was resolved against still hold.
    const rest = await instance.materialize(partitions.length === 0 ? { ...runRequest, resolvedSelection: pending.resolvedSelection } : runRequest);
    return { selected, partitions, unstarted, rest, restSkipped: undefined };
  } catch (error) {
    // A failed partition run can leave a partition the rest reads unstored: that failure is the outcome, with the runs that happened.
    if (!leftUnstoredByFailure(error, partitions, unstarted)) throw error;
    return { selected, partitions, unstarted, rest: undefined, restSkipped: error };
  }
}

/**
 * Whether `error` refuses a partition's run only for upstream partitions
 * that runs of this command failed to make, or could not start: that is
 * the cause, not the selection. Any other refusal stands.
 */
function leftUnstoredByFailure(error: unknown, runs: readonly { readonly partition: string; readonly result: MaterializeResult }[], unstarted: readonly { readonly partition: string }[]): error is UnstoredPartitionsError {
  if (!(error instanceof UnstoredPartitionsError)) return false;
  const unmade = new Set([...runs.filter(({ result }) => result.status === 'failed').map(({ partition }) => partition), ...unstarted.map(({ partition }) => partition)]);
  return error.partitions.every((partition) => unmade.has(partition));
}
