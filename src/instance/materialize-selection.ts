import { StrataError } from '../core/errors.js';
import type { MaterializeResult } from '../execution/run-result.js';
import type { Instance, MaterializeRequest } from './instance.js';

/** What `materializeSelection` takes: a materialize request, and the partitions to run instead of working them out. */
export type PartitionedMaterializeRequest = MaterializeRequest & {
  /** Run these partitions, one run each, and nothing else (`--partition-range`). */
  readonly partitions?: readonly string[] | undefined;
  /** Hears each partition's run as it ends, before the next starts. */
  readonly onPartitionRun?: ((partition: string, result: MaterializeResult) => void | Promise<void>) | undefined;
};

/** The runs of `materializeSelection`. */
export interface SelectionRuns {
  /** Each partition's run, in the order they ran. */
  readonly partitions: readonly { readonly partition: string; readonly result: MaterializeResult }[];
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
 */
export async function materializeSelection(instance: Instance, request: PartitionedMaterializeRequest): Promise<SelectionRuns> {
  const { partitions: given, onPartitionRun, ...runRequest } = request;
  const pending =
    given !== undefined
      ? { partitions: given, unpartitioned: false, resolvedSelection: undefined }
      : request.partition === undefined
        ? await instance.partitionsToMaterialize(runRequest)
        : { partitions: [], unpartitioned: true, resolvedSelection: undefined };
  const partitions: { partition: string; result: MaterializeResult }[] = [];
  for (const partition of pending.partitions) {
    if (request.signal?.aborted === true) break;
    const result = await instance.materialize({ ...runRequest, partition });
    partitions.push({ partition, result });
    await onPartitionRun?.(partition, result);
  }
  if (!pending.unpartitioned || request.signal?.aborted === true) return { partitions, rest: undefined, restSkipped: undefined };
  try {
    // With no partition run in between, the states a state selection was resolved against still hold.
    const rest = await instance.materialize(partitions.length === 0 ? { ...runRequest, resolvedSelection: pending.resolvedSelection } : runRequest);
    return { partitions, rest, restSkipped: undefined };
  } catch (error) {
    // A failed partition run can leave a partition the rest reads unstored: that failure is the outcome, with the runs that happened.
    if (!(error instanceof StrataError && error.code === 'STRATA_UNMATERIALIZED_UPSTREAM' && partitions.some((run) => run.result.status === 'failed'))) throw error;
    return { partitions, rest: undefined, restSkipped: error };
  }
}
