import { type CalendarProblem, calendarProblem, describeWrongPart } from './calendar-problem.js';
import { wallMsOf } from './zoned-wall-time.js';

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
  return { kind: 'date', wall: wallMsOf(year, month, day, hour, minute) };
}

/**
 * The sentence for a key that names nothing. A day key is one part, so the
 * reason follows it; an hour key names the part that is wrong, as the key
 * spells it (`its day 2026-02-30`, `its time 24:00`).
 */
function describeProblem(text: string, shape: DateKeyShape, problem: CalendarProblem): string {
  if (shape === 'day') return `"${text}" is not a day: ${problem.why}`;
  return `"${text}" is not an hour: ${describeWrongPart(problem, { day: text.slice(0, 10), time: text.slice(11) })}`;
}
