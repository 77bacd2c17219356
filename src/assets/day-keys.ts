/** The first day of the example's daily snapshots. */
export const DEFAULT_FIRST_DAY = '2026-01-01';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Why `text` is not a day `YYYY-MM-DD` (a real calendar date), or undefined
 * when it is one: the name of a daily snapshot folder, checked before it is used in a path.
 */
export function dayProblem(text: string): string | undefined {
  const match = DAY.exec(text);
  if (match === null) return `expected a day as YYYY-MM-DD, got "${text}"`;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2026-02-30 over into March, and maps years 0-99 to 1900-1999: compare the parts back.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return `"${text}" is not a date in the calendar`;
  }
  return undefined;
}

/** `count` days from `start` (a valid day), as `YYYY-MM-DD` (UTC days: a day is a snapshot's name, not a moment). */
export function consecutiveDays(start: string, count: number): string[] {
  const first = Date.parse(`${start}T00:00:00Z`);
  const keys = Array.from({ length: count }, (_, index) => new Date(first + index * DAY_MS).toISOString().slice(0, 10));
  const last = keys.at(-1)!;
  if (!DAY.test(last)) throw new RangeError(`${count} days from ${start} run past the year 9999.`);
  return keys;
}
