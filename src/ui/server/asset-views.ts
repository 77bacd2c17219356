import type { DefinedAsset } from '../../core/definitions.js';
import type { AssetActivity } from '../../instance/asset-activity.js';
import { type AssetState, shownStatus } from '../../instance/asset-states.js';
import { type CheckSummary, checkSummaryToJson } from '../../instance/check-summaries.js';
import { describeFresh, describeReason, describeUncheckedSource } from '../../instance/describe-reason.js';
import { describeChecks } from '../../instance/describe-checks.js';
import { describeCounts, type PartitionCounts, type PartitionState } from '../../instance/partition-states.js';
import { recordedRows } from '../../instance/stored-output.js';
import type { AssetStatusWord, CheckJson, PartitionCountsJson, PartitionJson, ReasonJson } from '../api-types.js';

/** How many partitions that are not fresh the why lines of an asset's page name, before "and N more". */
const NAMED_PARTITIONS = 5;

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
 * checked), and the error of a last attempt that failed. A partitioned
 * asset has no reasons of its own (its partitions have them), so it is not
 * called fresh for want of them: its lines give the counts and where the
 * partitions that are not fresh are, naming the first of `partitions` when
 * the caller read them (the asset's page does; the graph does not).
 */
export function whyLines(asset: DefinedAsset, state: AssetState, activity: AssetActivity, partitions?: readonly PartitionState[]): string[] {
  const key = asset.key;
  const lines =
    state.partitions !== undefined
      ? partitionedWhy(key, state.partitions, partitions)
      : state.reasons.length === 0
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

function partitionedWhy(key: string, counts: PartitionCounts, partitions: readonly PartitionState[] | undefined): string[] {
  const lines = [`${key} is partitioned: ${describeCounts(counts)}.`];
  if (counts.fresh === counts.total) return lines;
  if (partitions !== undefined) {
    for (const status of ['stale', 'missing'] as const) {
      const named = partitions.filter((partition) => partition.status === status).map((partition) => partition.partition);
      if (named.length === 0) continue;
      const more = named.length > NAMED_PARTITIONS ? ` and ${named.length - NAMED_PARTITIONS} more` : '';
      lines.push(`${status === 'stale' ? 'Stale' : 'Missing'}: ${named.slice(0, NAMED_PARTITIONS).join(', ')}${more}.`);
    }
  }
  lines.push(`${key}'s partitions table gives each partition's reasons; \`assets why ${key} --partition KEY\` explains one, \`assets materialize --select ${key}\` brings them up to date.`);
  return lines;
}

/** The counts as the API sends them, with the sentence `assets status` prints. */
export function partitionCountsJson(counts: PartitionCounts | undefined): PartitionCountsJson | null {
  return counts === undefined ? null : { ...counts, summary: describeCounts(counts) };
}

/** A partition's state as `assets partitions --json` lists it, with each reason's sentence as `why --partition` says it. */
export function partitionJson(key: string, state: PartitionState): PartitionJson {
  return {
    partition: state.partition,
    status: state.status,
    reasons: state.reasons.map((reason) => ({ kind: reason.kind, sentence: describeReason(`${key} [${state.partition}]`, reason, undefined) })),
    lastMaterializedAt: state.record?.materializedAt.toISOString() ?? null,
    dataVersion: state.record?.dataVersion ?? null,
    rows: recordedRows(state.record),
    runId: state.record?.runId ?? null,
  };
}

/** A declared check and its latest result, as `assets checks --json` prints it. */
export function checkJson(summary: CheckSummary): CheckJson {
  // The CLI's JSON, typed as the API's: a field that drifts from CheckJson fails tsc.
  return checkSummaryToJson(summary);
}
