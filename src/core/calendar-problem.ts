/*
 * Why written date and time fields name nothing on the calendar or the clock
 * (2026-02-30, 24:00), told apart as a wrong day or a wrong time of day, so
 * every reader of dates (partition keys, schedule anchors) says the same
 * thing of the same mistake: which part to fix, and why.
 */

/** Which part of a written time is wrong, its day or its time of day, and why. */
export interface CalendarProblem {
  readonly part: 'day' | 'time';
  readonly why: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/**
 * Which field names nothing on the calendar or the clock, or undefined when
 * all of them name something. Fields are as written: month 1-12, day from 1.
 *
 * @example
 * calendarProblem(2026, 2, 30, 0, 0); // { part: 'day', why: 'February 2026 has 28 days' }
 */
export function calendarProblem(year: number, month: number, day: number, hour: number, minute: number, second = 0): CalendarProblem | undefined {
  if (month < 1 || month > 12) return { part: 'day', why: 'a year has 12 months' };
  const days = daysIn(year, month);
  if (day < 1) return { part: 'day', why: 'days of a month start at 01' };
  if (day > days) return { part: 'day', why: `${MONTHS[month - 1]} ${year} has ${days} days` };
  if (hour > 23) return { part: 'time', why: 'hours run 00 to 23' };
  if (minute > 59) return { part: 'time', why: 'minutes run 00 to 59' };
  if (second > 59) return { part: 'time', why: 'seconds run 00 to 59' };
  return undefined;
}

/**
 * The clause that names the wrong part as the text spells it, and why
 * (`its day 2026-02-30 does not exist, February 2026 has 28 days`,
 * `its time 24:00 does not exist, hours run 00 to 23`): "not a time" alone
 * leaves the user to guess which half to fix.
 */
export function describeWrongPart({ part, why }: CalendarProblem, spelled: { readonly day: string; readonly time: string }): string {
  return `its ${part} ${spelled[part]} does not exist, ${why}`;
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return [4, 6, 9, 11].includes(month) ? 30 : 31;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return leap ? 29 : 28;
}
