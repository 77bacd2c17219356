import type { AssetStatus } from '../graph/planner.js';
import type { Style } from './style.js';

type Colour = Parameters<Style['apply']>[0];

const SYMBOLS: Readonly<Record<AssetStatus, { readonly unicode: string; readonly ascii: string; readonly colour: Colour }>> = {
  fresh: { unicode: '●', ascii: '*', colour: 'green' },
  stale: { unicode: '◐', ascii: '~', colour: 'yellow' },
  missing: { unicode: '○', ascii: 'o', colour: 'red' },
};

/**
 * How an asset's status is shown everywhere in the CLI: a symbol (`●` fresh,
 * `◐` stale, `○` missing; `*`, `~`, `o` in ASCII) and a colour (green,
 * yellow, red). The status word is always printed beside them, so nothing
 * depends on colour alone.
 */
export function statusSymbol(status: AssetStatus, unicode: boolean): { readonly symbol: string; readonly colour: Colour } {
  const entry = SYMBOLS[status];
  return { symbol: unicode ? entry.unicode : entry.ascii, colour: entry.colour };
}

/** The colour of a status word in tables (`assets status`, `assets list`). */
export function statusColour(status: AssetStatus): Colour {
  return SYMBOLS[status].colour;
}
