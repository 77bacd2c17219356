/**
 * A duration rounded to what its unit shows, the unit chosen after rounding:
 * 59.96 s is 1 min 0 s, never 60.0 s, and 119.6 s is 2 min 0 s, never
 * 1 min 60 s. The CLI (`formatDuration` in `duration.ts`) and the page
 * (`ui/client/format.ts`) spell it their own way; this module imports
 * nothing, so the browser bundle can take it too.
 */
export type RoundedDuration =
  | { readonly unit: 'ms'; readonly ms: number }
  | { readonly unit: 's'; readonly tenths: number }
  /** Whole `unit`s and the rest in the next smaller unit: 3 min 5 s is `{ unit: 'min', whole: 3, rest: 5 }`. */
  | { readonly unit: 'min' | 'h' | 'd'; readonly whole: number; readonly rest: number };

/** The unit the `rest` of a two-unit duration counts in. */
export const REST_UNIT = { min: 's', h: 'min', d: 'h' } as const;

export function roundDuration(ms: number): RoundedDuration {
  const wholeMs = Math.round(ms);
  if (wholeMs < 1000) return { unit: 'ms', ms: wholeMs };
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return { unit: 's', tenths };
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return twoUnits('min', seconds, 60);
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1440) return twoUnits('h', minutes, 60);
  return twoUnits('d', Math.round(ms / 3_600_000), 24);
}

/** `count` of the smaller unit as whole `unit`s and the rest. */
function twoUnits(unit: 'min' | 'h' | 'd', count: number, perUnit: number): RoundedDuration {
  return { unit, whole: Math.floor(count / perUnit), rest: count % perUnit };
}
