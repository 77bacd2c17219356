import { describeHeldBack, describeSelectUpstreams, describeStaleCount } from '../instance/describe-stale-for-unselected.js';
import type { StaleForUnselected } from '../instance/stale-for-unselected.js';
import { plural } from './format.js';

/**
 * What a run or dry run says of the selected assets it leaves stale for
 * upstreams the selection leaves out (`Instance.staleForUnselected`): in
 * place of "Everything is up to date" when it has nothing to do (`nothingRan`),
 * after its summary otherwise. `selectUpstreams` words the example of a
 * selection with upstreams (default `--select +<key>`).
 */
export function describeStaleForUnselected(stale: readonly StaleForUnselected[], options: { readonly nothingRan: boolean; readonly selectUpstreams?: (key: string) => string }): string {
  const shown = stale.slice(0, 10).map(({ key, upstreams, upstreamPartitions }) => `  ${key}: ${describeHeldBack(upstreams, upstreamPartitions)}\n`);
  const more = stale.length > shown.length ? `  and ${plural(stale.length - shown.length, 'more asset')}\n` : '';
  return `${options.nothingRan ? 'Nothing to run, but ' : ''}${describeStaleCount(stale.length)}\n${shown.join('')}${more}${describeSelectUpstreams(stale.length, (options.selectUpstreams ?? ((key) => `--select +${key}`))(stale[0]!.key))}\n`;
}
