/*
 * Reading a time partition key, a day `YYYY-MM-DD` or an hour
 * `YYYY-MM-DD-HH:mm`, as a wall time: the key's fields read as if UTC, since
 * a key names a local time in its partitions' zone, not an instant. Text in
 * the key's shape can still name no day (2026-02-30): that is told apart from
 * text in another shape, so a user who typed the format right is told what
 * is wrong with the date, not told the format again. An hour key has two
 * parts, its day and its time of day: the sentence names the part that is
 * wrong, so `2026-02-30-05:00` reads as a bad day, not a bad time.
 */

/** The shape of a key: a day `YYYY-MM-DD`, or an hour `YYYY-MM-DD-HH:mm`. */
export type DateKeyShape = 'day' | 'hour';

/**
 * What a key names: its wall time; `malformed` when the text is not in the
 * shape; `nonexistent` when it is, but names no such day or time, with the
 * sentence that says why (`"2026-02-30" is not a day: February 2026 has 28 days`;
 * `"2026-02-30-05:00" is not an hour: its day 2026-02-30 does not exist, February 2026 has 28 days`).
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
 * parseDateKey('2026-01-05-24:00', 'hour'); // { kind: 'nonexistent', problem: '"2026-01-05-24:00" is not an hour: its time 24:00 does not exist, hours run 00 to 23' }
 */
export function parseDateKey(text: string, shape: DateKeyShape): DateKeyReading {
  const match = SHAPES[shape].exec(text);
  if (match === null) return { kind: 'malformed' };
  const [year, month, day, hour = 0, minute = 0] = match.slice(1).map(Number) as [number, number, number, number?, number?];
  const problem = calendarProblem(year, month, day, hour, minute);
  if (problem !== undefined) return { kind: 'nonexistent', problem: describeProblem(text, shape, problem) };
  // Not Date.UTC: it reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute);
  return { kind: 'date', wall: date.getTime() };
}

/** Which part of a key is wrong, its day or its time of day, and why. */
interface CalendarProblem {
  readonly part: 'day' | 'time';
  readonly why: string;
}

/** Which field names nothing on the calendar or the clock, or undefined when all of them name something. */
function calendarProblem(year: number, month: number, day: number, hour: number, minute: number): CalendarProblem | undefined {
  if (month < 1 || month > 12) return { part: 'day', why: 'a year has 12 months' };
  const days = daysIn(year, month);
  if (day < 1) return { part: 'day', why: 'days of a month start at 01' };
  if (day > days) return { part: 'day', why: `${MONTHS[month - 1]} ${year} has ${days} days` };
  if (hour > 23) return { part: 'time', why: 'hours run 00 to 23' };
  if (minute > 59) return { part: 'time', why: 'minutes run 00 to 59' };
  return undefined;
}

/**
 * The sentence for a key that names nothing. A day key is one part, so the
 * reason follows it; an hour key names the part that is wrong, as the key
 * spells it (`its day 2026-02-30`, `its time 24:00`), since "not a time"
 * alone leaves the user to guess which half to fix.
 */
function describeProblem(text: string, shape: DateKeyShape, { part, why }: CalendarProblem): string {
  if (shape === 'day') return `"${text}" is not a day: ${why}`;
  const spelled = part === 'day' ? text.slice(0, 10) : text.slice(11);
  return `"${text}" is not an hour: its ${part} ${spelled} does not exist, ${why}`;
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return [4, 6, 9, 11].includes(month) ? 30 : 31;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return leap ? 29 : 28;
}
