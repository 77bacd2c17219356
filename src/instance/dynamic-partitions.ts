import type { Definitions } from '../core/definitions.js';
import { UsageError } from '../core/errors.js';
import { keyTextProblem } from '../core/partition-keys.js';
import { dimensionsOf } from '../execution/partition-scope.js';
import { suggestClosest } from '../core/suggest.js';
import type { InstanceStorage } from '../storage/instance-storage.js';

/** The names of the dynamic partitions definitions the assets use, each with the assets that use it. */
function dynamicPartitionNames(definitions: Definitions): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const asset of definitions.assets) {
    for (const definition of dimensionsOf(asset.partitions)) {
      if (definition.kind === 'dynamic') names.set(definition.name, [...(names.get(definition.name) ?? []), asset.key]);
    }
  }
  return names;
}

/**
 * Adds keys to (or removes them from) a dynamic partitions definition the
 * assets use; returns the keys it changed, in the order given. Removing a
 * key forgets nothing stored: its materializations and outputs stay, and
 * adding it back finds them.
 */
export async function changeDynamicPartitions(
  definitions: Definitions,
  storage: InstanceStorage,
  change: 'add' | 'remove',
  name: string,
  keys: readonly string[],
): Promise<string[]> {
  const names = dynamicPartitionNames(definitions);
  if (!names.has(name)) {
    const suggestions = suggestClosest(name, names.keys());
    throw new UsageError(`No asset has dynamic partitions named "${name}".`, {
      hint: names.size === 0
        ? 'Declare them on an asset first: partitions: dynamicPartitions("tenants").'
        : suggestions.length > 0 ? `Did you mean ${suggestions.join(' or ')}?` : `Dynamic partitions: ${[...names.keys()].join(', ')}.`,
    });
  }
  if (keys.length === 0) throw new UsageError(`Name the keys to ${change}.`, { hint: `e.g. assets partitions ${change} ${name} acme globex` });
  for (const key of keys) {
    const problem = keyTextProblem(key);
    if (problem !== undefined) throw new UsageError(`Cannot ${change} it: ${problem}.`, { hint: 'Keys are non-empty text without `|` (it joins the keys of multi-partitions) or control characters.' });
  }
  return change === 'add' ? storage.addDynamicPartitions(name, keys) : storage.removeDynamicPartitions(name, keys);
}
