import { calendarProblem, describeWrongPart } from './calendar-problem.js';

/*
 * Wall-clock time in an IANA time zone as plain numbers: a "wall" time is the
 * local date and time written as if it were UTC (`wallMsOf` of the local
 * fields), so local calendar arithmetic is integer arithmetic. Intl does the
 * time zone work; nothing here reads the machine's own zone.
 */

/**
 * The zone whose wall time is the instant itself. It is answered without
 * Intl: building a process's first formatter loads ICU's zone data, about
 * 30 ms of every command that reads a UTC partitions definition or schedule.
 */
const UTC = 'UTC';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `timeZone` is an IANA time zone name Intl knows. */
export function isTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  if (timeZone === UTC) return true;
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    // An unknown zone: Intl throws a RangeError.
    return false;
  }
}

/**
 * The wall time (ms, read as if in UTC) of calendar fields, `month` from 1.
 * Not `Date.UTC`, which reads the years 0 to 99 as 1900 to 1999.
 */
export function wallMsOf(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second);
  return date.getTime();
}

/** The wall time of `instant` (ms since the epoch) in `timeZone`. */
export function toWallMs(instant: number, timeZone: string): number {
  if (timeZone === UTC) return instant;
  const fields: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(instant)) if (part.type !== 'literal') fields[part.type] = Number(part.value);
  const wall = wallMsOf(fields.year!, fields.month!, fields.day!, fields.hour!, fields.minute!, fields.second!);
  // Intl drops milliseconds: keep the instant's own.
  return wall + (((instant % 1000) + 1000) % 1000);
}

/**
 * The instant whose wall time in `timeZone` is `wall`. A wall time that
 * occurs twice (the hour a fall-back repeats) gives the earlier instant; one
 * that never occurs (the hour a spring-forward skips) gives the first valid
 * time after it, the moment the clocks jump (02:30 becomes 03:00), as a cron
 * schedule's tick does.
 */
export function fromWallMs(wall: number, timeZone: string): number {
  if (timeZone === UTC) return wall;
  const DAY = 86_400_000;
  // The offsets a day either side: a transition between them is the only way the two differ.
  const offsetBefore = toWallMs(wall - DAY, timeZone) - (wall - DAY);
  const offsetAfter = toWallMs(wall + DAY, timeZone) - (wall + DAY);
  const valid = [wall - offsetBefore, wall - offsetAfter].filter((instant) => toWallMs(instant, timeZone) === wall);
  if (valid.length > 0) return Math.min(...valid);
  // In the gap: the transition lies between these two instants; find it to the second.
  let [low, high] = [wall - offsetAfter, wall - offsetBefore];
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (toWallMs(middle, timeZone) > wall) high = middle;
    else low = middle;
  }
  return high;
}

// Groups: year, month, day, the time as written, hour, minute, second.
const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]((\d{2}):(\d{2})(?::(\d{2}))?))?$/;
const OFFSET_ISO = /^(\d{4})-(\d{2})-(\d{2})T((\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?)(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * What an anchor names: its instant; `malformed` when it is no ISO time;
 * `nonexistent` when it is one in shape but its day or time of day does not
 * exist, with the clause that says which and why (`its day 2026-02-30 does
 * not exist, February 2026 has 28 days`).
 */
export type AnchorReading =
  | { readonly kind: 'instant'; readonly instant: number }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'nonexistent'; readonly problem: string };

/**
 * Reads an anchor: an ISO time with an offset (`2026-01-01T00:00:00Z`) as it
 * says, one without (`2026-01-01T09:00`, `2026-01-01`) in `timeZone`.
 */
export function parseAnchor(text: string, timeZone: string): AnchorReading {
  const withOffset = OFFSET_ISO.exec(text);
  const match = withOffset ?? LOCAL_ISO.exec(text);
  if (match === null) return { kind: 'malformed' };
  const [year, month, day, hour, minute, second] = [1, 2, 3, 5, 6, 7].map((group) => Number(match[group] ?? 0)) as [number, number, number, number, number, number];
  // Checked before Date.parse and wallMsOf, which roll 2026-02-30 over to March and 24:00 to the next day.
  const problem = calendarProblem(year, month, day, hour, minute, second);
  if (problem !== undefined) return { kind: 'nonexistent', problem: describeWrongPart(problem, { day: text.slice(0, 10), time: match[4] ?? '' }) };
  if (withOffset === null) return { kind: 'instant', instant: fromWallMs(wallMsOf(year, month, day, hour, minute, second), timeZone) };
  // An offset out of range (+25:00) is the one thing left for Date.parse to refuse.
  const instant = Date.parse(text);
  return Number.isNaN(instant) ? { kind: 'malformed' } : { kind: 'instant', instant };
}
