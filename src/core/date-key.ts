/*
 * Reading a time partition key, a day `YYYY-MM-DD` or an hour
 * `YYYY-MM-DD-HH:mm`, as a wall time: the key's fields read as if UTC, since
 * a key names a local time in its partitions' zone, not an instant. Text in
 * the key's shape can still name no day (2026-02-30): that is told apart from
 * text in another shape, so a user who typed the format right is told what
 * is wrong with the date, not told the format again.
 */

/** The shape of a key: a day `YYYY-MM-DD`, or an hour `YYYY-MM-DD-HH:mm`. */
export type DateKeyShape = 'day' | 'hour';

/**
 * What a key names: its wall time; `malformed` when the text is not in the
 * shape; `nonexistent` when it is, but names no such day or time, with the
 * sentence that says why (`"2026-02-30" is not a day: February 2026 has 28 days`).
 */
export type DateKeyReading =
  | { readonly kind: 'date'; readonly wall: number }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'nonexistent'; readonly problem: string };

const SHAPES: Record<DateKeyShape, RegExp> = {
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  hour: /^(\d{4})-(\d{2})-(\d{2})-(\d{2}):(\d{2})$/,
};
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/**
 * Reads `text` as a key of `shape`.
 *
 * @example
 * parseDateKey('2026-02-30', 'day'); // { kind: 'nonexistent', problem: '"2026-02-30" is not a day: February 2026 has 28 days' }
 */
export function parseDateKey(text: string, shape: DateKeyShape): DateKeyReading {
  const match = SHAPES[shape].exec(text);
  if (match === null) return { kind: 'malformed' };
  const [year, month, day, hour = 0, minute = 0] = match.slice(1).map(Number) as [number, number, number, number?, number?];
  const why = calendarProblem(year, month, day, hour, minute);
  if (why !== undefined) return { kind: 'nonexistent', problem: `"${text}" is not ${shape === 'day' ? 'a day' : 'a time'}: ${why}` };
  // Not Date.UTC: it reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute);
  return { kind: 'date', wall: date.getTime() };
}

/** Which field names nothing on the calendar or the clock, or undefined when all of them name something. */
function calendarProblem(year: number, month: number, day: number, hour: number, minute: number): string | undefined {
  if (month < 1 || month > 12) return 'a year has 12 months';
  const days = daysIn(year, month);
  if (day < 1) return 'days of a month start at 01';
  if (day > days) return `${MONTHS[month - 1]} ${year} has ${days} days`;
  if (hour > 23) return 'hours run 00 to 23';
  if (minute > 59) return 'minutes run 00 to 59';
  return undefined;
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return [4, 6, 9, 11].includes(month) ? 30 : 31;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return leap ? 29 : 28;
}
