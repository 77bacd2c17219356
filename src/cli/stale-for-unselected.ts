import { describeHeldBack, describeSelectUpstreams, describeStaysStale } from '../instance/describe-stale-for-unselected.js';
import type { StaleForUnselected } from '../instance/stale-for-unselected.js';
import { plural } from './format.js';

/** What a run with nothing to do says instead of "Everything is up to date" when `Instance.staleForUnselected` found some. */
export function describeStaleForUnselected(stale: readonly StaleForUnselected[]): string {
  const shown = stale.slice(0, 10).map(({ key, upstreams }) => `  ${key}: ${describeHeldBack(upstreams)}\n`);
  const more = stale.length > shown.length ? `  and ${plural(stale.length - shown.length, 'more asset')}\n` : '';
  return `Nothing to run, but ${describeStaysStale(stale.length)}\n${shown.join('')}${more}${describeSelectUpstreams(stale.length, `--select +${stale[0]!.key}`)}\n`;
}
