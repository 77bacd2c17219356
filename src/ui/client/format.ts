/** How times, durations and counts read on every page, so they agree with each other. */

import { formatCount as groupThousands } from '../../core/format-count.js';
import { REST_UNIT, roundDuration } from '../../core/rounded-duration.js';

/** A local date and time to the second, e.g. `2026-11-30 09:14:03`; `—` when there is none. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** How long ago, e.g. `3 min ago`, for places where a full time is too much. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return 'never';
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/**
 * A duration spelled out for the page: `850 ms`, `4.2 s`, `3 min 5 s`,
 * `2 h 5 min`, `1 d 4 h`; `—` when there is none. Rounded as the CLI's is,
 * before the unit is chosen (`roundDuration`): 59.96 s is `1 min 0 s`,
 * never `60.0 s`.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const rounded = roundDuration(ms);
  if (rounded.unit === 'ms') return `${rounded.ms} ms`;
  if (rounded.unit === 's') return `${(rounded.tenths / 10).toFixed(1)} s`;
  return `${rounded.whole} ${rounded.unit} ${rounded.rest} ${REST_UNIT[rounded.unit]}`;
}

/** A row count with thousands separators; `—` when unknown. */
export function formatCount(count: number | null | undefined): string {
  return count === null || count === undefined ? '—' : groupThousands(count);
}

/** A stored cell as text: empty for null, JSON for an object, else as written. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
