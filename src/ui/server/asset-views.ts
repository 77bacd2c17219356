import type { DefinedAsset } from '../../core/definitions.js';
import type { AssetActivity } from '../../instance/asset-activity.js';
import { type AssetState, shownStatus } from '../../instance/asset-states.js';
import { type CheckSummary, checkSummaryToJson } from '../../instance/check-summaries.js';
import { describeFresh, describeReason, describeUncheckedSource } from '../../instance/describe-reason.js';
import { describeChecks } from '../../instance/describe-checks.js';
import type { AssetStatusWord, CheckJson, ReasonJson } from '../api-types.js';

/*
 * How an asset's state reads in the API: the status word (the CLI's,
 * overridden by what the runs say: a step in flight, a last attempt that
 * failed), the reasons with their `assets why` sentences, and the why lines.
 */

/**
 * `running` while a step is in flight; `failed` when the last attempt failed
 * and nothing materialized it since; else what `assets status` shows
 * (`shownStatus`: `failed-check` for a fresh asset whose latest output failed
 * an error check). The order is newest news first: a step in flight will
 * store a new output and check it again, and a failed attempt came after the
 * output its checks judged, so both say more about the asset now than a
 * check of the output before them.
 */
export function statusWord(key: string, state: AssetState, activity: AssetActivity): AssetStatusWord {
  if (activity.running.has(key)) return 'running';
  const failure = activity.failed.get(key);
  const materializedAt = state.record?.materializedAt;
  if (failure !== undefined && (materializedAt === undefined || failure.time > materializedAt)) return 'failed';
  return shownStatus(state);
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
  lines.push(...describeChecks(key, state, 'this page lists the failing rows'));
  if (statusWord(key, state, activity) === 'failed') {
    const failure = activity.failed.get(key)!;
    lines.push(`Its last attempt, in run ${failure.runId.slice(0, 8)} at ${failure.time.toISOString()}, failed: ${failure.message}`);
  }
  return lines;
}

/** A declared check and its latest result, as `assets checks --json` prints it. */
export function checkJson(summary: CheckSummary): CheckJson {
  // The CLI's JSON, typed as the API's: a field that drifts from CheckJson fails tsc.
  return checkSummaryToJson(summary);
}

/** The rows of the last materialization, when its IO manager counted them. */
export function storedRows(state: AssetState): number | null {
  const rows = state.record?.metadata.rows;
  return typeof rows === 'number' ? rows : null;
}
