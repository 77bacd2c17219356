import type { Definitions } from '../core/definitions.js';
import { UsageError } from '../core/errors.js';
import { splitPartitionRange } from '../core/partition-keys.js';
import type { PartitionsDefinition } from '../core/partitions.js';
import { partitionsContext } from '../execution/partition-scope.js';
import { AssetGraph } from '../graph/asset-graph.js';
import { selectAssets } from '../graph/resolve-selection.js';
import type { InstanceStorage } from '../storage/instance-storage.js';

/**
 * The partition keys from `from` to `to` (both included) of the partitions
 * definition the selected partitioned assets share (a `null` bound: from
 * the first or to the last key): the partitions of a range or a backfill,
 * each materialized by a run of its own. Throws a
 * `UsageError` when no selected asset is partitioned, when they are
 * partitioned differently, or when a bound is not a key.
 */
export async function partitionKeysBetween(
  definitions: Definitions,
  storage: InstanceStorage,
  selection: { readonly select?: string | undefined; readonly exclude?: string | undefined },
  range: { readonly from: string | null; readonly to: string | null },
  now: Date,
): Promise<{ keys: readonly string[]; definition: PartitionsDefinition }> {
  const graph = new AssetGraph(definitions);
  const partitioned = selectAssets(graph, selection).map((key) => graph.asset(key)).filter((asset) => asset.partitions !== undefined);
  if (partitioned.length === 0) {
    throw new UsageError('No selected asset is partitioned, so a partition range has nothing to materialize.', {
      hint: 'Select partitioned assets (`assets list` shows their partitions), or leave out the range.',
    });
  }
  const byId = new Map(partitioned.map((asset) => [asset.partitions!.id, asset]));
  if (byId.size > 1) {
    throw new UsageError(`The selected assets are partitioned differently: ${[...byId.values()].map((asset) => `${asset.key} (${asset.partitions!.describe()})`).join(', ')}.`, {
      hint: 'A range names keys of one partitions definition: select the assets of one at a time.',
    });
  }
  const definition = partitioned[0]!.partitions!;
  const context = await partitionsContext(definitions, storage, now);
  // An open bound (a backfill without --from or --to) is the first or last key there is now.
  const all = range.from === null || range.to === null ? definition.keys(context) : undefined;
  if (all?.length === 0) return { keys: [], definition };
  return { keys: definition.keysBetween(range.from ?? all![0]!, range.to ?? all!.at(-1)!, context), definition };
}

/** `2026-01-01...2026-01-31` as its two bounds; a `UsageError` for anything else. */
export function parsePartitionRange(text: string, flag: string): { from: string; to: string } {
  const range = splitPartitionRange(text);
  if (range === undefined) throw new UsageError(`${flag} must be FROM...TO (both included), got "${text}".`, { hint: `e.g. ${flag} 2026-01-01...2026-01-31` });
  return range;
}
