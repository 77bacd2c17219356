import { runToJson, type SummarizedRun, summarizeRun } from '../../instance/run-summaries.js';
import type { RunEvent, RunRecord, StoredRunEvent } from '../../storage/instance-storage.js';
import type { CheckEvaluatedEvent, RunEventJson, RunJson, StepAttempt, StepEndedEvent, UiEvent } from '../api-types.js';

/*
 * Runs in the API's vocabulary: a run as `assets runs --json`, its events as
 * `assets logs --json`, its step attempts for the timeline, and the live
 * events a run event becomes.
 */

/** A run with its counts (from its events, unless already counted), as `assets runs --json` prints it. */
export function runJson(run: RunRecord, events: readonly RunEvent[], summary: Pick<SummarizedRun, 'counts' | 'workers'> = summarizeRun(run, events)): RunJson {
  return runToJson(run, summary.counts, summary.workers);
}

/** An event as `assets logs --json` prints it. */
export function runEventJson(event: StoredRunEvent): RunEventJson {
  return { ...event, time: event.time.toISOString() };
}

/**
 * One bar per step attempt, in the order they started: a `step-start` opens
 * it, and the next outcome event of that asset closes it. A skip records no
 * start, so it is a bar of no length at the skip's time.
 */
export function stepAttempts(events: readonly RunEvent[]): StepAttempt[] {
  const attempts: StepAttempt[] = [];
  const open = new Map<string, number>();
  for (const event of events) {
    if (event.assetKey === null) continue;
    const time = event.time.toISOString();
    if (event.type === 'step-start') {
      open.set(event.assetKey, attempts.length);
      attempts.push({ assetKey: event.assetKey, attempt: event.attempt ?? 1, startedAt: time, endedAt: null, outcome: 'running', error: null });
      continue;
    }
    const outcome = stepOutcome(event);
    if (outcome === undefined) continue;
    const index = open.get(event.assetKey);
    open.delete(event.assetKey);
    const ended = { endedAt: time, outcome, error: outcome === 'failure' || outcome === 'retried' ? stepError(event) : null };
    if (index === undefined) attempts.push({ assetKey: event.assetKey, attempt: event.attempt ?? 1, startedAt: time, ...ended });
    else attempts[index] = { ...attempts[index]!, ...ended };
  }
  return attempts;
}

/**
 * The live events one run event of an asset becomes: its steps, and the log
 * line a run writes for each check result (see `recordCheckResults`). Other
 * logs and run-level events become none; the caller reports the run itself.
 */
export function assetEvents(event: RunEvent): UiEvent[] {
  if (event.assetKey === null) return [];
  const base = { runId: event.runId, assetKey: event.assetKey, attempt: event.attempt ?? 1, time: event.time.toISOString() };
  if (event.type === 'log') {
    const evaluated = checkEvaluated(event);
    return evaluated === undefined ? [] : [{ type: 'check-evaluated', runId: event.runId, assetKey: event.assetKey, time: base.time, ...evaluated }];
  }
  if (event.type === 'step-start') return [{ type: 'step-started', ...base }];
  const outcome = stepOutcome(event);
  if (outcome === undefined) return [];
  const ended: StepEndedEvent = { type: 'step-ended', ...base, outcome, error: outcome === 'failure' || outcome === 'retried' ? stepError(event) : null };
  if (outcome !== 'success') return [ended];
  // What the run logged for the step, not a record's metadata (so not `recordedRows`): a step that stores a range
  // of partitions at once logs their rows summed, where each record keeps its own partition's.
  const rows = event.data?.rows;
  return [ended, { type: 'materialization', runId: event.runId, assetKey: event.assetKey, time: base.time, rows: typeof rows === 'number' ? rows : null }];
}

const CHECK_STATUSES: ReadonlySet<unknown> = new Set<CheckEvaluatedEvent['status']>(['passed', 'warned', 'failed', 'errored']);

/** The check result a log event reports, from the data a run logs with it; undefined for any other log line. */
function checkEvaluated(event: RunEvent): Pick<CheckEvaluatedEvent, 'check' | 'status' | 'failing'> | undefined {
  const { check, status, failing } = event.data ?? {};
  if (typeof check !== 'string' || !CHECK_STATUSES.has(status)) return undefined;
  return { check: `${event.assetKey}.${check}`, status: status as CheckEvaluatedEvent['status'], failing: typeof failing === 'number' ? failing : null };
}

function stepOutcome(event: RunEvent): StepEndedEvent['outcome'] | undefined {
  switch (event.type) {
    case 'step-success':
      return 'success';
    case 'step-failure':
      return 'failure';
    case 'step-retry':
      return 'retried';
    case 'step-skip':
      return 'skipped';
    default:
      return undefined;
  }
}

/** The error a failure or retry event carries (see `describeError`), else its message. */
function stepError(event: RunEvent): { message: string; hint: string | null } {
  const error = event.data?.error;
  if (typeof error === 'object' && error !== null) {
    const { message, hint } = error as { message?: unknown; hint?: unknown };
    if (typeof message === 'string') return { message, hint: typeof hint === 'string' ? hint : null };
  }
  return { message: event.message, hint: null };
}
