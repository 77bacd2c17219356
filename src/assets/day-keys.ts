// The core module itself, not 'strata-assets' as the example's assets import it: `assets sample`
// imports this file, and the package's entry would load every IO manager (about 0.9 s a run).
import { parseDateKey } from '../core/date-key.js';

/** The first day of the example's daily snapshots. */
export const DEFAULT_FIRST_DAY = '2026-01-01';

const DAY_MS = 86_400_000;

/**
 * Why `text` is not a day `YYYY-MM-DD` (a real calendar date), or undefined
 * when it is one: the name of a daily snapshot folder, checked before it is used in a path.
 */
export function dayProblem(text: string): string | undefined {
  const reading = parseDateKey(text, 'day');
  if (reading.kind === 'malformed') return `expected a day as YYYY-MM-DD, got "${text}"`;
  return reading.kind === 'nonexistent' ? reading.problem : undefined;
}

/** `count` days from `start` (a valid day), as `YYYY-MM-DD` (UTC days: a day is a snapshot's name, not a moment). */
export function consecutiveDays(start: string, count: number): string[] {
  const first = Date.parse(`${start}T00:00:00Z`);
  const keys = Array.from({ length: count }, (_, index) => new Date(first + index * DAY_MS).toISOString().slice(0, 10));
  const last = keys.at(-1)!;
  if (parseDateKey(last, 'day').kind !== 'date') throw new RangeError(`${count} days from ${start} run past the year 9999.`);
  return keys;
}
