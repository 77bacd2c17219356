import type { StaleForUnselected } from '../instance/stale-for-unselected.js';
import { plural } from './format.js';

/** What a run with nothing to do says instead of "Everything is up to date" when `Instance.staleForUnselected` found some. */
export function describeStaleForUnselected(stale: readonly StaleForUnselected[]): string {
  const shown = stale.slice(0, 10).map(({ key, upstreams }) => `  ${key}: its upstream ${upstreams.join(', ')} ${upstreams.length === 1 ? 'is' : 'are'} not up to date, and not selected\n`);
  const more = stale.length > shown.length ? `  and ${plural(stale.length - shown.length, 'more asset')}\n` : '';
  return (
    `Nothing to run, but ${plural(stale.length, 'selected asset')} ${stale.length === 1 ? 'stays' : 'stay'} stale: a run uses what unselected upstreams stored.\n${shown.join('')}${more}` +
    `Select the upstreams too to bring ${stale.length === 1 ? 'it' : 'them'} up to date, e.g. --select +${stale[0]!.key}.\n`
  );
}
