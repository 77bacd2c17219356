import { formatCount } from '../core/format-count.js';

// Also used outside the CLI (the sentences of `assets why` and counts, which the UI shows too); every command still imports them from here.
export { formatDuration } from '../core/duration.js';
export { shortVersion } from '../instance/describe-reason.js';
export { formatCount };

/** "just now", "42 s ago", "3 min ago", "5 h ago", "2 days ago". */
export function relativeTime(then: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  const days = Math.round(seconds / 86_400);
  return `${plural(days, 'day')} ago`;
}

/** Times for people on a terminal ("3 min ago"), ISO 8601 for everything else (pipes, files). */
export function formatTime(time: Date | undefined, stream: { readonly isTTY?: boolean | undefined }, now: Date): string {
  if (time === undefined) return '-';
  return stream.isTTY === true ? relativeTime(time, now) : time.toISOString();
}

/** A time for a JSON document: ISO 8601 in UTC, or `null` when there is none. */
export function isoTime(time: Date | undefined | null): string | null {
  return time === undefined || time === null ? null : time.toISOString();
}

/** The first 8 characters of a run id: unique enough to read, and accepted by `assets logs` as a prefix. */
export function shortRunId(runId: string): string {
  return runId.slice(0, 8);
}

/** `1 asset`, `3 assets`: a count with its noun, singular for exactly one. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${formatCount(count)} ${count === 1 ? noun : pluralNoun}`;
}
