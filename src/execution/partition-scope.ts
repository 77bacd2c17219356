import { createHash } from 'node:crypto';
import type { DefinedAsset, Definitions } from '../core/definitions.js';
import { UsageError } from '../core/errors.js';
import type { StoredAsset } from '../core/io-manager.js';
import { partitionWindow } from '../core/partition-expiry.js';
import { splitPartitionRange } from '../core/partition-keys.js';
import { defaultPartitionMapping } from '../core/partition-mappings.js';
import type { PartitionMapping, PartitionsContext, PartitionsDefinition, SinglePartitionsDefinition, TimeWindow } from '../core/partitions.js';
import type { InstanceStorage } from '../storage/instance-storage.js';

/*
 * A run materializes one partition key, or none (Dagster's run model): the
 * selected assets partitioned by a definition that has the key are planned
 * for it, or, without a key, the unpartitioned ones; the rest of the
 * selection is left out, with the reason. Several partitions are several
 * runs (`--partition-range`, `assets backfill`), except for assets that say
 * which column holds each row's partition (`partitionColumn`): a run of a
 * range (`FROM...TO`) computes each of those once for all its partitions
 * (Dagster's single-run backfills). So a step is still one asset, and
 * everything keyed by asset key (leases aside) stays as it is.
 */

/** A selected asset a run leaves out, and why. */
export interface LeftOutAsset {
  readonly key: string;
  readonly why: string;
}

/**
 * The selected assets a run of `partition` (a key, a range `FROM...TO`, or
 * none) plans, those it leaves out, and the partition keys it materializes
 * (see `partitionKeysOf`). A run of a partition also plans the selected
 * unpartitioned assets that feed its partitioned ones (`feedingAssets`), so
 * a partition never reads one that is missing or stale. `strict`: a
 * selection the run would leave wholly out is a `UsageError` that says how
 * to run it.
 */
export function runScope(
  assets: readonly DefinedAsset[],
  partition: string | undefined,
  context: PartitionsContext,
  options: { readonly strict: boolean },
): { selected: string[]; leftOut: LeftOutAsset[]; keys: readonly string[] } {
  const selected: string[] = [];
  const leftOut: LeftOutAsset[] = [];
  const problems: string[] = [];
  let keys: readonly string[] | undefined;
  for (const asset of assets) {
    if (partition === undefined) {
      if (asset.partitions === undefined) selected.push(asset.key);
      else leftOut.push({ key: asset.key, why: `partitioned (${asset.partitions.describe()}): materialize it with --partition KEY, --partition-range or \`assets backfill\`` });
      continue;
    }
    if (asset.partitions === undefined) {
      leftOut.push({ key: asset.key, why: 'not partitioned: materialize it in a run without --partition' });
      continue;
    }
    const resolved = partitionKeysOf(asset.partitions, partition, context);
    if ('problem' in resolved) {
      leftOut.push({ key: asset.key, why: `has no partition "${partition}": ${resolved.problem}` });
      problems.push(`${asset.key}: ${resolved.problem}`);
      continue;
    }
    const problem =
      resolved.keys.length > 1 && asset.partitionColumn === undefined
        ? `it declares no partitionColumn, so a run materializes one of its partitions, not the range ${partition}: use --partition-range ${partition} for a run per partition`
        : keys !== undefined && resolved.keys.join('\n') !== keys.join('\n')
          ? `it is partitioned differently (${asset.partitions.describe()}) from the run's other assets`
          : undefined;
    if (problem === undefined) {
      selected.push(asset.key);
      keys ??= resolved.keys;
    } else {
      leftOut.push({ key: asset.key, why: problem });
      problems.push(`${asset.key}: ${problem}`);
    }
  }
  if (partition !== undefined && selected.length > 0) {
    const feeding = new Set(feedingAssets((key) => assets.find((asset) => asset.key === key), selected));
    if (feeding.size > 0) {
      selected.push(...feeding);
      leftOut.splice(0, leftOut.length, ...leftOut.filter((asset) => !feeding.has(asset.key)));
    }
  }
  if (options.strict && selected.length === 0 && leftOut.length > 0) {
    throw new UsageError(
      partition === undefined
        ? `Every selected asset is partitioned, and no partition was given: ${leftOut.map((asset) => `${asset.key} (${definitionOf(assets, asset.key).describe()})`).join(', ')}.`
        : problems.length > 0
          ? `No selected asset has a partition "${partition}": ${problems.join('; ')}.`
          : `No selected asset is partitioned, so --partition ${partition} has nothing to materialize.`,
      {
        hint:
          partition === undefined
            ? `Name one with --partition KEY (e.g. --partition ${exampleKey(definitionOf(assets, leftOut[0]!.key), context)}), a range with --partition-range FROM...TO, or use \`assets backfill\`.`
            : problems.length > 0
              ? `See the keys with \`assets partitions ${leftOut[0]!.key}\`.`
              : 'Leave out --partition to materialize unpartitioned assets.',
      },
    );
  }
  return { selected, leftOut, keys: keys ?? [] };
}

/**
 * The keys a run of `partition` materializes of `definition`, in order: the
 * key itself when it is one, else the keys of a range `FROM...TO` whose
 * bounds are keys; or why there are none. A key comes first, so a static key
 * that holds `...` still names itself.
 */
function partitionKeysOf(definition: PartitionsDefinition, partition: string, context: PartitionsContext): { keys: readonly string[] } | { problem: string } {
  const problem = definition.problem(partition, context);
  if (problem === undefined) return { keys: [partition] };
  const range = splitPartitionRange(partition);
  if (range === undefined) return { problem };
  const boundProblem = definition.problem(range.from, context) ?? definition.problem(range.to, context);
  if (boundProblem !== undefined) return { problem: boundProblem };
  try {
    return { keys: definition.keysBetween(range.from, range.to, context) };
  } catch (error) {
    // A problem is a clause of a sentence: without the error's own full stop.
    if (error instanceof UsageError) return { problem: error.message.replace(/\.$/, '') };
    throw error;
  }
}

/**
 * The unpartitioned assets that feed the partitioned `targets`, directly or
 * through other assets, among those `chosen` returns (the selection): walked
 * through every chosen upstream, so a feeder of a partitioned upstream
 * counts too. In the order found.
 */
export function feedingAssets(chosen: (key: string) => DefinedAsset | undefined, targets: readonly string[]): string[] {
  const seen = new Set(targets);
  const feeding: string[] = [];
  const stack = [...targets];
  while (stack.length > 0) {
    for (const dep of chosen(stack.pop()!)!.deps) {
      const upstream = chosen(dep);
      if (upstream === undefined || seen.has(dep)) continue;
      seen.add(dep);
      stack.push(dep);
      if (upstream.partitions === undefined) feeding.push(dep);
    }
  }
  return feeding;
}

function definitionOf(assets: readonly DefinedAsset[], key: string): PartitionsDefinition {
  return assets.find((asset) => asset.key === key)!.partitions!;
}

function exampleKey(definition: PartitionsDefinition, context: PartitionsContext): string {
  return definition.keys(context).at(-1) ?? 'KEY';
}

/** The mapping `asset` reads its partitioned upstream `upstream` through: the declared one, else the default (definitions made sure there is one). */
function partitionMappingOf(asset: DefinedAsset, upstream: DefinedAsset): PartitionMapping {
  return asset.partitionMappings[upstream.key] ?? defaultPartitionMapping(asset.partitions, upstream.partitions!)!;
}

/**
 * The partitions of `upstream` that `asset` reads when it materializes
 * `partition` (undefined for an unpartitioned asset), in order; undefined
 * when the upstream is not partitioned (its one table is read).
 */
export function upstreamPartitions(asset: DefinedAsset, partition: string | undefined, upstream: DefinedAsset, context: PartitionsContext): readonly string[] | undefined {
  if (upstream.partitions === undefined) return undefined;
  // An unpartitioned asset (one that feeds a partition's run) reads as it does in any run.
  return partitionMappingOf(asset, upstream).upstreamKeys(asset.partitions === undefined ? undefined : partition, asset.partitions, upstream.partitions, context);
}

/** The asset as an IO manager call about one of its partitions (or, with none, about its one table) sees it. */
export function inPartition(asset: DefinedAsset, partition: string | undefined): StoredAsset {
  if (partition === undefined) return asset;
  return { key: asset.key, columns: asset.columns, partition: { key: partition, parts: asset.partitions!.parts(partition) } };
}

/**
 * The time window of what a run materializes of `keys`: a partition's own,
 * or a range's from its earliest start to its latest end; for
 * multi-partitions, of their time dimension. Undefined without time.
 */
export function timeWindowOf(definition: PartitionsDefinition, keys: readonly string[]): TimeWindow | undefined {
  let window: TimeWindow | undefined;
  for (const key of keys) {
    const own = partitionWindow(definition, key);
    if (own === undefined) return undefined;
    window = window === undefined ? own : { start: own.start < window.start ? own.start : window.start, end: own.end > window.end ? own.end : window.end };
  }
  return window;
}

/**
 * One data version for what a read of upstream `partitions` sees, by the
 * reader's own partition (undefined for an unpartitioned reader): the
 * partition's own version when the reader reads just its own key, which
 * names it already; else a hash of every partition with its key and
 * version, in order, so that any partition changing, appearing or going
 * changes it, and so does reading another partition of the same bytes (the
 * newest day moving on to a day as empty as the last). Undefined when a
 * partition has nothing stored.
 */
export function combinedDataVersion(partitions: readonly string[], versionOf: (partition: string) => string | undefined, reader: string | undefined): string | undefined {
  if (partitions.length === 1 && reader !== undefined && partitions[0] === reader) return versionOf(reader);
  const hash = createHash('sha256').update('partitions\n');
  for (const partition of partitions) {
    const version = versionOf(partition);
    if (version === undefined) return undefined;
    hash.update(`${partition}\t${version}\n`);
  }
  return hash.digest('hex');
}

/**
 * What the keys of the definitions' partitions depend on now: the clock,
 * and the dynamic partitions' keys, read from the instance only when some
 * asset has dynamic partitions.
 */
export async function partitionsContext(definitions: Definitions, storage: InstanceStorage, now: Date): Promise<PartitionsContext> {
  const dynamic = definitions.assets.some((asset) => asset.partitions !== undefined && dimensionsOf(asset.partitions).some((dimension) => dimension.kind === 'dynamic'));
  const keys = dynamic ? await storage.dynamicPartitionKeys() : new Map<string, string[]>();
  return { now, dynamicKeys: (name) => keys.get(name) ?? [] };
}

/** A definition's single dimensions: a multi-partition's two, or the definition itself; none for an unpartitioned asset. */
export function dimensionsOf(definition: PartitionsDefinition | undefined): SinglePartitionsDefinition[] {
  if (definition === undefined) return [];
  return definition.kind === 'multi' ? definition.dimensions.map((dimension) => dimension.definition) : [definition];
}
