import type { DefinedAsset } from '../../core/definitions.js';
import type { AssetActivity } from '../../instance/asset-activity.js';
import type { AssetState } from '../../instance/asset-states.js';
import { describeFresh, describeReason, describeUncheckedSource } from '../../instance/describe-reason.js';
import type { AssetStatusWord, ReasonJson } from '../api-types.js';

/*
 * How an asset's state reads in the API: the status word (the planner's,
 * overridden by what the runs say: a step in flight, a last attempt that
 * failed), the reasons with their `assets why` sentences, and the why lines.
 */

/** `running` while a step is in flight; `failed` when the last attempt failed and nothing materialized it since; else the planner's. */
export function statusWord(key: string, state: AssetState, activity: AssetActivity): AssetStatusWord {
  if (activity.running.has(key)) return 'running';
  const failure = activity.failed.get(key);
  const materializedAt = state.record?.materializedAt;
  if (failure !== undefined && (materializedAt === undefined || failure.time > materializedAt)) return 'failed';
  return state.status;
}

/** The stale reasons, each with the sentence `assets why` prints for it. */
export function reasonsJson(key: string, state: AssetState): ReasonJson[] {
  return state.reasons.map((reason) => ({ kind: reason.kind, sentence: describeReason(key, reason, state.source) }));
}

/**
 * What `assets why` prints for the asset (the reasons' sentences, or the
 * fresh sentence with an ISO time, then the note of a source that cannot be
 * checked), and the error of a last attempt that failed.
 */
export function whyLines(asset: DefinedAsset, state: AssetState, activity: AssetActivity): string[] {
  const key = asset.key;
  const lines =
    state.reasons.length === 0
      ? [describeFresh(key, state.record?.materializedAt.toISOString() ?? '-', state.source)]
      : state.reasons.map((reason) => describeReason(key, reason, state.source));
  if (state.source !== undefined && !state.source.checked) lines.push(`Note: ${describeUncheckedSource(key, asset.group, state.source)}`);
  if (statusWord(key, state, activity) === 'failed') {
    const failure = activity.failed.get(key)!;
    lines.push(`Its last attempt, in run ${failure.runId.slice(0, 8)} at ${failure.time.toISOString()}, failed: ${failure.message}`);
  }
  return lines;
}

/** The rows of the last materialization, when its IO manager counted them. */
export function storedRows(state: AssetState): number | null {
  const rows = state.record?.metadata.rows;
  return typeof rows === 'number' ? rows : null;
}
