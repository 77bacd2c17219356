import { UsageError } from '../core/errors.js';
import { suggestClosest } from '../core/suggest.js';
import type { RunSummary, TickReport } from '../sensors/daemon.js';
import type { StoredTick, TickStatus } from '../storage/instance-storage.js';
import type { OutputStream } from './cli-io.js';
import { EXIT } from './command.js';
import { formatDuration, formatTime, plural, shortRunId } from './format.js';
import { renderTable } from './render-table.js';
import type { Style } from './style.js';

/*
 * What the automation commands (schedule, sensor, ticks, daemon) share: how a
 * tick is printed, how times and actions are read, what the exit code is.
 */

// The UI's API prints ticks too: the JSON lives with the automation read model.
export { tickToJson } from '../instance/automation-summaries.js';

const TICK_COLOUR: Readonly<Record<TickStatus, Parameters<Style['apply']>[0]>> = { success: 'green', skipped: 'gray', failed: 'red' };

/** Ticks as a table: time, schedule or sensor, status, runs (with how they ended, when known), reason or error. */
export function renderTicks(
  ticks: readonly { readonly tick: StoredTick; readonly runs?: readonly RunSummary[] }[],
  stream: OutputStream,
  style: Style,
  now: Date,
): string {
  return renderTable(
    [{ header: 'tick' }, { header: 'kind', fixed: true }, { header: 'name', fixed: true }, { header: 'status', fixed: true }, { header: 'runs' }, { header: 'reason' }],
    ticks.map(({ tick, runs }) => [
      formatTime(tick.tickTime, stream, now),
      tick.kind,
      tick.name,
      tick.status,
      describeRuns(tick, runs),
      tick.error ?? tick.skipReason ?? '',
    ]),
    { maxWidth: stream.columns, style: (column, padded, cell) => (column === 3 ? style.apply(TICK_COLOUR[cell as TickStatus] ?? 'dim', padded) : padded) },
  );
}

/** `3f2a9c1e`, or `3f2a9c1e success` once the run ended; `-` without runs. */
function describeRuns(tick: StoredTick, runs: readonly RunSummary[] | undefined): string {
  if (tick.runIds.length === 0) return '-';
  return tick.runIds
    .map((runId) => {
      const outcome = runs?.find((run) => run.runId === runId);
      return outcome === undefined ? shortRunId(runId) : `${shortRunId(runId)} ${outcome.status}`;
    })
    .join(', ');
}

const RUN_END: Readonly<Record<RunSummary['status'], { readonly unicode: string; readonly ascii: string; readonly colour: Parameters<Style['apply']>[0]; readonly verb: string }>> = {
  success: { unicode: '✓', ascii: '+', colour: 'green', verb: 'succeeded' },
  failed: { unicode: '✗', ascii: 'x', colour: 'red', verb: 'failed' },
  canceled: { unicode: '-', ascii: '-', colour: 'yellow', verb: 'was canceled' },
  'nothing-to-do': { unicode: '=', ascii: '=', colour: 'gray', verb: 'had nothing to do' },
};

/**
 * The line the daemon prints on stderr as each run it launched ends:
 * `✓ run 1a2b3c4d of job refresh (schedule:hourly-refresh) succeeded in 1.2s`,
 * and for a failure which assets failed (or why the run could not run).
 */
export function describeRunEnd(run: RunSummary, style: Style, unicode: boolean): string {
  const { [unicode ? 'unicode' : 'ascii']: symbol, colour, verb } = RUN_END[run.status];
  const why =
    run.failedAssets.length > 0
      ? `: ${plural(run.failedAssets.length, 'asset')} failed (${run.failedAssets.join(', ')})`
      : run.error !== null
        ? `: ${run.error.split('\n', 1)[0]}`
        : '';
  return `${style.apply(colour, symbol)} run ${shortRunId(run.runId)} of ${run.target} (${run.trigger}) ${verb} in ${formatDuration(run.durationMs)}${why}\n`;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * The value of a time flag (`--now`, `--from`). An offset or `Z` is required:
 * a bare local time would mean different instants on different machines.
 */
export function timeFlag(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const time = ISO_TIME.test(value) ? new Date(value) : undefined;
  if (time === undefined || Number.isNaN(time.getTime())) {
    throw new UsageError(`--${name} must be an ISO 8601 time with a UTC offset, got "${value}".`, {
      hint: `For example --${name} 2026-01-05T02:00:30Z or --${name} 2026-01-05T03:00:30+01:00.`,
    });
  }
  return time;
}

/** 1 when a tick failed or a run it launched did not succeed, else 0 (as `assets materialize` for a failed run). */
export function ticksExitCode(reports: readonly TickReport[]): number {
  const failed = reports.some((report) => report.tick.status === 'failed' || report.runs.some((run) => run.status === 'failed' || run.status === 'canceled'));
  return failed ? EXIT.runFailed : EXIT.ok;
}

/**
 * The action of `assets schedule|sensor <action> <name>`, checked: a usage
 * error (with did-you-mean) for a missing or unknown action or a missing name.
 */
export function actionOf<A extends string>(command: string, actions: readonly A[], action: string | undefined, name: string | undefined): A {
  if (action === undefined || !(actions as readonly string[]).includes(action)) {
    const suggestions = action === undefined ? [] : suggestClosest(action, actions);
    throw new UsageError(
      action === undefined ? `\`assets ${command}\` needs an action: ${actions.join(', ')}.` : `Unknown action "${action}" for \`assets ${command}\`.`,
      { hint: suggestions.length > 0 ? `Did you mean \`assets ${command} ${suggestions[0]}\`?` : `Run \`assets ${command} --help\` for its usage; \`assets ${command}s\` lists them.` },
    );
  }
  if (name === undefined) {
    throw new UsageError(`\`assets ${command} ${action}\` needs the name of a ${command}.`, { hint: `\`assets ${command}s\` lists them.` });
  }
  return action as A;
}
