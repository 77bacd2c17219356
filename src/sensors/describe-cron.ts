/*
 * Plain English for the cron expressions people write most ("At 02:00 every
 * day", "Every hour from 09:00 to 17:00, Monday to Friday"). Anything it does
 * not recognise (L, W, #, steps over ranges, day-of-month and day-of-week
 * together) is returned as the expression itself: never a wrong sentence.
 */

const SHORTHANDS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_ALIASES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_ALIASES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

type Field = { readonly kind: 'any' } | { readonly kind: 'step'; readonly step: number } | { readonly kind: 'values'; readonly values: readonly number[] };

/** A sentence for `expression`, or the expression itself when it is not one of the common forms. */
export function describeCron(expression: string): string {
  const text = SHORTHANDS[expression.trim().toLowerCase()] ?? expression.trim();
  const raw = text.split(/\s+/);
  if (raw.length !== 5) return expression;
  const minute = parseField(raw[0]!, []);
  const hour = parseField(raw[1]!, []);
  const day = parseField(raw[2]!, []);
  const month = parseField(raw[3]!, MONTH_ALIASES, 1);
  const weekday = parseField(raw[4]!, DAY_ALIASES);
  if (!minute || !hour || !day || !month || !weekday) return expression;
  const time = describeTime(minute, hour);
  const days = describeDays(day, month, weekday);
  if (time === undefined || days === undefined) return expression;
  const sentence = days === '' && time.atFixedTimes ? `${time.text} every day` : `${time.text}${days}`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

function parseField(text: string, aliases: readonly string[], aliasBase = 0): Field | undefined {
  if (text === '*' || text === '?') return { kind: 'any' };
  const step = /^\*\/(\d+)$/.exec(text);
  if (step) return { kind: 'step', step: Number(step[1]) };
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const range = /^(\w+)(?:-(\w+))?$/.exec(part);
    if (!range) return undefined;
    const from = valueOf(range[1]!, aliases, aliasBase);
    const to = range[2] === undefined ? from : valueOf(range[2], aliases, aliasBase);
    if (from === undefined || to === undefined || to < from) return undefined;
    for (let value = from; value <= to; value++) values.add(value);
  }
  return { kind: 'values', values: [...values].sort((a, b) => a - b) };
}

function valueOf(token: string, aliases: readonly string[], aliasBase: number): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const alias = aliases.indexOf(token.toUpperCase());
  return alias === -1 ? undefined : alias + aliasBase;
}

function describeTime(minute: Field, hour: Field): { text: string; atFixedTimes: boolean } | undefined {
  if (minute.kind === 'values' && minute.values.length === 1) {
    const at = minute.values[0]!;
    const past = at === 0 ? 'on the hour' : `at minute ${at}`;
    if (hour.kind === 'any') return { text: `every hour, ${past}`, atFixedTimes: false };
    if (hour.kind === 'step') {
      if (hour.step === 1) return { text: `every hour, ${past}`, atFixedTimes: false };
      const hours = Array.from({ length: Math.ceil(24 / hour.step) }, (_, index) => index * hour.step);
      const listed = hours.length <= 6 ? ` (${hours.map((h) => clock(h, at)).join(', ')})` : '';
      return { text: `every ${hour.step} hours, ${past}${listed}`, atFixedTimes: false };
    }
    if (hour.values.length >= 3 && isContiguous(hour.values)) {
      return { text: `every hour from ${clock(hour.values[0]!, at)} to ${clock(hour.values.at(-1)!, at)}`, atFixedTimes: false };
    }
  }
  if (minute.kind === 'values' && hour.kind === 'values' && minute.values.length * hour.values.length <= 6) {
    const times = hour.values.flatMap((h) => minute.values.map((m) => clock(h, m)));
    return { text: `at ${listOf(times)}`, atFixedTimes: true };
  }
  const every = minute.kind === 'any' ? 'every minute' : minute.kind === 'step' ? `every ${minute.step} minutes` : undefined;
  if (every === undefined) return undefined;
  if (hour.kind === 'any') return { text: every, atFixedTimes: false };
  if (hour.kind === 'values' && isContiguous(hour.values)) {
    return { text: `${every} from ${clock(hour.values[0]!, 0)} to ${clock(hour.values.at(-1)!, 59)}`, atFixedTimes: false };
  }
  return undefined;
}

/** The days part, with its leading separator: "" (every day), " on Mondays", ", Monday to Friday". */
function describeDays(day: Field, month: Field, weekday: Field): string | undefined {
  if (day.kind === 'step' || month.kind === 'step' || weekday.kind === 'step') return undefined;
  // Both restricted means "either" in cron, which no short sentence says well.
  if (day.kind === 'values' && weekday.kind === 'values') return undefined;
  let text = '';
  if (weekday.kind === 'values') {
    // 7 is Sunday too.
    const days = [...new Set(weekday.values.map((value) => value % 7))].sort((a, b) => a - b);
    if (weekday.values.some((value) => value > 7)) return undefined;
    if (days.length === 2 && days[0] === 0 && days[1] === 6) text = ' on weekends';
    else if (days.length === 1) text = ` on ${DAY_NAMES[days[0]!]}s`;
    else if (days.length >= 3 && isContiguous(days)) text = `, ${DAY_NAMES[days[0]!]} to ${DAY_NAMES[days.at(-1)!]}`;
    else text = ` on ${listOf(days.map((value) => DAY_NAMES[value]!))}`;
  }
  if (day.kind === 'values') {
    if (day.values.some((value) => value < 1 || value > 31)) return undefined;
    text = ` on day${day.values.length === 1 ? '' : 's'} ${listOf(day.values.map(String))} of the month`;
  }
  if (month.kind === 'values') {
    if (month.values.some((value) => value < 1 || value > 12)) return undefined;
    text += ` in ${listOf(month.values.map((value) => MONTH_NAMES[value - 1]!))}`;
  }
  return text;
}

function clock(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

function isContiguous(values: readonly number[]): boolean {
  return values.every((value, index) => index === 0 || value === values[index - 1]! + 1);
}

function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
