import type { Instance, MaterializeRequest } from '../instance/instance.js';
import type { MaterializeResult } from '../execution/run-result.js';
import type { RunRecord } from '../storage/instance-storage.js';
import { checkResultToJson, renderCheckResults } from './check-results-format.js';
import type { CliIO } from './cli-io.js';
import { EXIT, type ParsedArgs } from './command.js';
import { createLogger } from './create-logger.js';
import { formatCount, formatDuration, plural, shortVersion } from './format.js';
import { booleanFlag } from './parse-args.js';
import { renderTable } from './render-table.js';
import { createRunProgress } from './run-progress.js';
import { runDurationMs } from '../instance/run-summaries.js';
import type { Style } from './style.js';
import { createStyle } from './style.js';
import { formatTags } from './tag-flags.js';

/*
 * What `assets materialize` (one run, or one per partition of a range) and
 * `assets backfill` (one per partition of a backfill) share about running
 * and printing a run: its logger and live progress on stderr, its summary
 * table, its JSON and the exit code of several runs. One copy, so a
 * partition's run reads the same from either command.
 */

/**
 * The logger and live per-asset progress of the runs a command starts: JSON
 * log lines on stderr, or the progress lines on a terminal (not with --json).
 */
export async function runReporting(args: ParsedArgs, io: CliIO, json: boolean): Promise<Pick<MaterializeRequest, 'logger' | 'onEvent'>> {
  const stderrStyle = createStyle(io.stderr, io, args.flags.color === false);
  const progress = io.stderr.isTTY === true && !json;
  const logger = await createLogger(io, { verbose: booleanFlag(args, 'verbose'), colorize: stderrStyle.enabled, progress });
  // The summary on stdout names each failure's error; on the same terminal the progress need not repeat it.
  return { logger, onEvent: progress ? createRunProgress(io.stderr, stderrStyle, { summaryShowsErrors: io.stdout.isTTY === true }) : undefined };
}

/** The run a result recorded, for its duration and tags; undefined when nothing ran. */
export async function recordedRun(instance: Instance, result: MaterializeResult): Promise<RunRecord | undefined> {
  return result.runId === null ? undefined : (await instance.storage()).getRun(result.runId);
}

/** The worst outcome decides: a failed run exits 1, a canceled one 130. */
export function runsExitCode(results: readonly MaterializeResult[]): number {
  if (results.some((result) => result.status === 'canceled')) return EXIT.canceled;
  return results.some((result) => result.status === 'failed') ? EXIT.runFailed : EXIT.ok;
}

/**
 * A run of one partition, as a plain materialize, a range or a backfill
 * prints it on stdout: one line (a backfill of a year is 365 of them), then
 * each failed asset's error and where the run's logs are.
 */
export function renderPartitionRun(partition: string, result: MaterializeResult, run: RunRecord | undefined, style: Style): string {
  return renderRunLine(`Partition ${partition}`, result, run, style);
}

/** A partition whose run could not start (of a backfill, a range): why, in red; `canceled` without a reason. */
export function renderUnstartedPartition(partition: string, error: { readonly message: string } | undefined, style: Style): string {
  return `Partition ${partition}: ${style.apply('red', 'could not run:')} ${error?.message ?? 'canceled'}\n`;
}

/** What `--json` gives for a partition whose run could not start, beside the runs of the others. */
export function unstartedPartitionToJson(partition: string, error: { readonly message: string; readonly code: string; readonly hint?: string | undefined } | undefined) {
  return { partition, runId: null, status: 'failed', error: error === undefined ? null : { message: error.message, code: error.code, hint: error.hint ?? null } };
}

/** A run as `renderPartitionRun` prints it, after `label` (`Partition 2026-01-01`). */
export function renderRunLine(label: string, result: MaterializeResult, run: RunRecord | undefined, style: Style): string {
  if (result.status === 'nothing-to-do') return `${label}: up to date.\n`;
  const durationMs = (run === undefined ? null : runDurationMs(run)) ?? result.durationMs;
  const keys = (action: string) => result.assets.filter((asset) => asset.action === action).map((asset) => asset.key);
  const counts = (['materialized', 'up-to-date', 'failed', 'skipped'] as const).map((action) => {
    const done = keys(action);
    const word = `${done.length} ${action === 'up-to-date' ? 'up to date' : action}`;
    return done.length === 0 || action === 'up-to-date' ? word : `${word} (${done.join(', ')})`;
  });
  const status = result.status === 'success' ? result.status : style.apply(result.status === 'failed' ? 'red' : 'yellow', result.status);
  const lines = [`${label}: ${status}, ${counts.join(', ')} in ${formatDuration(durationMs)} (run ${result.runId}).`];
  for (const asset of result.assets.filter((entry) => entry.action === 'failed')) lines.push(`  ${style.apply('red', `${asset.key}:`)} ${asset.error?.message.split('\n', 1)[0]}`);
  lines.push(...blockedByChecks(result, style).map((line) => `  ${line}`));
  if (result.status === 'failed') lines.push(`  Full errors and logs: assets logs ${result.runId}`);
  return `${lines.join('\n')}\n`;
}

/** The line before partitions run again, in a later pass of a materialize or round of a backfill: why they do. */
export function describeRunAgain(partitions: readonly string[]): string {
  return `Running again, now that the runs after them made or changed what they read: ${plural(partitions.length, 'partition')} (${partitions.join(', ')}).\n`;
}

/** A run's result as `--json` prints it. */
export function runResultToJson(result: MaterializeResult, run: RunRecord | undefined) {
  return {
    runId: result.runId,
    status: result.status,
    tags: run?.tags ?? {},
    parentRunId: run?.parentRunId ?? null,
    assets: result.assets.map((asset) => ({
      key: asset.key,
      action: asset.action,
      reasons: asset.reasons,
      rows: asset.rows ?? null,
      durationMs: asset.durationMs,
      dataVersion: asset.dataVersion ?? null,
      error: asset.error ?? null,
      blockedByChecks: asset.blockedByChecks ?? [],
    })),
    checks: result.checks.map(checkResultToJson),
  };
}

/**
 * The summary of a run. Its duration is the recorded one (its end minus its
 * start), which `assets runs` and `assets logs` print too; the result's own
 * measure (which includes planning) only when no run was recorded.
 */
export function renderRunSummary(result: MaterializeResult, run: RunRecord | undefined, style: Style, width: number | undefined): string {
  if (result.status === 'nothing-to-do') return 'Everything is up to date.\n';
  const durationMs = (run === undefined ? null : runDurationMs(run)) ?? result.durationMs;
  const colour = { materialized: 'green', 'up-to-date': 'gray', failed: 'red', skipped: 'yellow' } as const;
  const table = renderTable(
    [{ header: 'asset' }, { header: 'result' }, { header: 'rows', align: 'right' }, { header: 'duration', align: 'right' }, { header: 'data version' }, { header: 'reasons' }],
    result.assets.map((asset) => [
      asset.key,
      asset.action,
      asset.rows === undefined ? '-' : formatCount(asset.rows),
      formatDuration(asset.durationMs),
      shortVersion(asset.dataVersion),
      asset.reasons.join(', '),
    ]),
    { maxWidth: width, style: (column, padded, cell) => (column === 1 ? style.apply(colour[cell as keyof typeof colour] ?? 'dim', padded) : padded) },
  );
  const count = (action: string) => result.assets.filter((asset) => asset.action === action).length;
  const lines = [
    ...(result.assets.length === 0 ? [] : [table]),
    ...(result.checks.length === 0 ? [] : [renderCheckResults(result.checks, style, width)]),
    `Run ${result.runId} ${result.status} in ${formatDuration(durationMs)}: ${count('materialized')} materialized, ${count('up-to-date')} up to date, ${count('failed')} failed, ${count('skipped')} skipped.`,
    ...blockedByChecks(result, style),
  ];
  if (run !== undefined && (run.parentRunId !== null || Object.keys(run.tags).length > 0)) {
    const parts = [...(run.parentRunId === null ? [] : [`Parent run: ${run.parentRunId}.`]), ...(Object.keys(run.tags).length === 0 ? [] : [`Tags: ${formatTags(run.tags)}.`])];
    lines.push(parts.join(' '));
  }
  const failed = result.assets.filter((asset) => asset.action === 'failed');
  for (const asset of failed) lines.push(`${style.apply('red', `${asset.key}:`)} ${asset.error?.message.split('\n', 1)[0]}`);
  if (failed.length > 0) lines.push(`Full errors and logs: assets logs ${result.runId}`, `Re-execute what did not materialize: assets materialize --from-failure ${result.runId}`);
  return `${lines.join('\n')}\n`;
}

/** A line for each asset the run skipped because checks of its upstreams failed, naming them. */
function blockedByChecks(result: MaterializeResult, style: Style): string[] {
  return result.assets.flatMap((asset) => (asset.blockedByChecks === undefined ? [] : [`${style.apply('yellow', `${asset.key}:`)} skipped, ${asset.error?.message}`]));
}
