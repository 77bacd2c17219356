import type { ShownStatus } from '../instance/asset-states.js';
import type { Style } from './style.js';

type Colour = Parameters<Style['apply']>[0];

const SYMBOLS: Readonly<Record<ShownStatus, { readonly unicode: string; readonly ascii: string; readonly colour: Colour }>> = {
  fresh: { unicode: '●', ascii: '*', colour: 'green' },
  stale: { unicode: '◐', ascii: '~', colour: 'yellow' },
  missing: { unicode: '○', ascii: 'o', colour: 'red' },
  'failed-check': { unicode: '✗', ascii: 'x', colour: 'red' },
};

/**
 * How an asset's status is shown everywhere in the CLI: a symbol (`●` fresh,
 * `◐` stale, `○` missing, `✗` failed-check; `*`, `~`, `o`, `x` in ASCII) and
 * a colour (green, yellow, red, red). The status word is always printed beside them, so nothing
 * depends on colour alone.
 */
export function statusSymbol(status: ShownStatus, unicode: boolean): { readonly symbol: string; readonly colour: Colour } {
  const entry = SYMBOLS[status];
  return { symbol: unicode ? entry.unicode : entry.ascii, colour: entry.colour };
}

/** The colour of a status word in tables (`assets status`, `assets list`). */
export function statusColour(status: ShownStatus): Colour {
  return SYMBOLS[status].colour;
}
