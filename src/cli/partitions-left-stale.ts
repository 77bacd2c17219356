import { describeUpstreams } from '../instance/describe-stale-for-unselected.js';
import type { PartitionLeftStale } from '../instance/partitions-left-stale.js';
import { plural } from './format.js';

/**
 * What runs of some partitions say of the selected partitions they leave
 * stale (`Instance.partitionsLeftStale`): in place of "up to date" when
 * nothing ran (`nothingRan`), after their summary otherwise. A plain
 * materialize of the asset and its upstreams runs every stale partition
 * they read, in key order, so it is the command to suggest.
 */
export function describePartitionsLeftStale(stale: readonly PartitionLeftStale[], options: { readonly nothingRan: boolean }): string {
  const shown = stale.slice(0, 10).map(({ key, partition, upstreams, upstreamPartitions }) => `  ${key} [${partition}]: reads ${describeUpstreams(upstreams, upstreamPartitions)}\n`);
  const more = stale.length > shown.length ? `  and ${plural(stale.length - shown.length, 'more partition')}\n` : '';
  const keys = [...new Set(stale.map(({ key }) => key))];
  const stays = stale.length === 1 ? 'partition stays' : 'partitions stay';
  return (
    `${options.nothingRan ? 'Nothing to run, but ' : ''}${stale.length} ${stays} stale: ${stale.length === 1 ? 'it reads' : 'they read'} stale partitions that ${options.nothingRan ? 'runs of these partitions do' : 'these runs did'} not make (of other partitions, or of unselected upstreams):\n` +
    `${shown.join('')}${more}` +
    `\`assets materialize --select '${keys.map((key) => `+${key}`).join(', ')}'\` runs every stale partition ${stale.length === 1 ? 'it reads' : 'they read'}, in order; \`assets why ${stale[0]!.key} --partition ${stale[0]!.partition}\` says why.\n`
  );
}
