import { StrataError } from './errors.js';
import { REST_UNIT, roundDuration } from './rounded-duration.js';

/** A duration as milliseconds, or a string such as `"90s"`, `"30m"`, `"6h"`, `"1d"`, `"1h30m"`. */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/** Milliseconds of a `Duration`; throws a StrataError naming `where` for anything else. */
export function parseDuration(value: Duration, where: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else {
    const text = value.trim();
    let total = 0;
    let consumed = 0;
    PART.lastIndex = 0;
    for (let match = PART.exec(text); match !== null; match = PART.exec(text)) {
      total += Number(match[1]) * UNIT_MS[match[2]!]!;
      consumed = PART.lastIndex;
    }
    if (text.length > 0 && consumed === text.length) return total;
  }
  throw new StrataError('STRATA_INVALID_DURATION', `${where}: "${String(value)}" is not a duration.`, {
    hint: 'Use milliseconds (a number) or a string like "90s", "30m", "6h", "1d" or "1h30m".',
  });
}

/** The CLI's one-letter units. */
const SHORT = { s: 's', min: 'm', h: 'h', d: 'd' } as const;

/**
 * `850ms`, `4.2s`, `3m 05s`, `2h 05m`, `1d 04h`: short and stable for tables,
 * progress lines and reasons (a `maxAge` of a day reads `1d 00h`), rounded
 * before the unit is chosen (`roundDuration`).
 */
export function formatDuration(ms: number): string {
  const rounded = roundDuration(ms);
  if (rounded.unit === 'ms') return `${rounded.ms}ms`;
  if (rounded.unit === 's') return `${(rounded.tenths / 10).toFixed(1)}s`;
  return `${rounded.whole}${SHORT[rounded.unit]} ${String(rounded.rest).padStart(2, '0')}${SHORT[REST_UNIT[rounded.unit]]}`;
}
