import { StrataError } from './errors.js';

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

/**
 * `850ms`, `4.2s`, `3m 05s`, `2h 05m`, `1d 04h`: short and stable for tables,
 * progress lines and reasons (a `maxAge` of a day reads `1d 00h`). The value
 * is rounded to what a unit shows before the unit is chosen, so 59.96 s is
 * `1m 00s`, never `60.0s`, and 119.6 s is `2m 00s`, never `1m 60s`.
 */
export function formatDuration(ms: number): string {
  const wholeMs = Math.round(ms);
  if (wholeMs < 1000) return `${wholeMs}ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return twoUnits(seconds, 60, 'm', 's');
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1440) return twoUnits(minutes, 60, 'h', 'm');
  return twoUnits(Math.round(ms / 3_600_000), 24, 'd', 'h');
}

/** `count` of a small unit as whole large units and the rest, the rest padded to two digits: `3m 05s`. */
function twoUnits(count: number, perLarge: number, large: string, small: string): string {
  return `${Math.floor(count / perLarge)}${large} ${String(count % perLarge).padStart(2, '0')}${small}`;
}
