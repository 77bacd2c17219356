/*
 * Two dimensions of partitions (`multiPartitions({ date: daily, region })`),
 * Dagster's limit: a key is one key of each, joined with `|` in the order of
 * the dimensions' names (`2026-01-05|eu`).
 */
import { DefinitionError, UsageError } from './errors.js';
import { DIMENSION_SEPARATOR } from './partition-keys.js';
import type { MultiPartitionsDefinition, PartitionKeyPart, PartitionsContext, PartitionsDefinition, SinglePartitionsDefinition } from './partitions.js';

const NAME = /^[a-z][a-z0-9_]*$/;

type Dimension = MultiPartitionsDefinition['dimensions'][number];

/**
 * Partitions with a key for every pair of keys of the two dimensions, the
 * first dimension (by name) outermost: `2026-01-05|eu`, `2026-01-05|us`,
 * `2026-01-06|eu`, ...
 *
 * @example
 * const byDayAndRegion = multiPartitions({ date: dailyPartitions({ start: '2026-01-01' }), region: staticPartitions(['eu', 'us']) });
 */
export function multiPartitions(dimensions: Readonly<Record<string, PartitionsDefinition>>): MultiPartitionsDefinition {
  const names = Object.keys(dimensions ?? {}).sort(byCodePoint);
  const problems: string[] = [];
  if (names.length !== 2) problems.push(`multiPartitions: give exactly two dimensions, got ${names.length}${names.length > 0 ? ` (${names.join(', ')})` : ''}`);
  for (const name of names) {
    const definition = dimensions[name];
    if (!NAME.test(name)) problems.push(`multiPartitions: dimension name "${name}" must be lowercase letters, digits and _, starting with a letter`);
    if (definition === undefined || typeof definition !== 'object' || !('kind' in definition)) problems.push(`multiPartitions: dimension "${name}" is not a partitions definition`);
    else if (definition.kind === 'multi') problems.push(`multiPartitions: dimension "${name}" is itself multi-partitioned; each dimension is one definition`);
  }
  if (problems.length > 0) throw new DefinitionError(problems);
  return new MultiPartitions(names.map((name) => ({ name, definition: dimensions[name] as SinglePartitionsDefinition })));
}

class MultiPartitions implements MultiPartitionsDefinition {
  readonly kind = 'multi';
  readonly id: string;

  constructor(readonly dimensions: readonly Dimension[]) {
    this.id = `multi(${dimensions.map(({ name, definition }) => `${name}=${definition.id}`).join(',')})`;
  }

  keys(context: PartitionsContext): readonly string[] {
    const [outer, inner] = this.dimensions.map(({ definition }) => definition.keys(context)) as [readonly string[], readonly string[]];
    return product(outer, inner);
  }

  problem(key: string, context: PartitionsContext): string | undefined {
    const split = key.split(DIMENSION_SEPARATOR);
    if (split.length !== this.dimensions.length) {
      return `"${key}" is not a key of ${this.describe()}: expected ${this.dimensions.length} parts joined by "|" (${this.dimensions.map(({ name }) => name).join('|')}), such as ${this.example(context)}`;
    }
    for (const [index, { name, definition }] of this.dimensions.entries()) {
      const problem = definition.problem(split[index]!, context);
      if (problem !== undefined) return `"${key}": its ${name} part is wrong: ${problem}`;
    }
    return undefined;
  }

  keysBetween(from: string, to: string, context: PartitionsContext): readonly string[] {
    const bounds = [from, to].map((key, index) => {
      const split = key.split(DIMENSION_SEPARATOR);
      if (split.length !== this.dimensions.length) {
        throw new UsageError(`The range's ${index === 0 ? 'start' : 'end'} "${key}" is not a partition: ${this.problem(key, context)}.`, {
          hint: `Give keys such as ${this.example(context)}.`,
        });
      }
      return split;
    });
    const ranges = this.dimensions.map(({ name, definition }, index) => {
      try {
        return definition.keysBetween(bounds[0]![index]!, bounds[1]![index]!, context);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        throw new UsageError(`In dimension "${name}": ${error.message}`, error.hint === undefined ? {} : { hint: error.hint });
      }
    }) as [readonly string[], readonly string[]];
    return product(...ranges);
  }

  parts(key: string): readonly PartitionKeyPart[] {
    const split = key.split(DIMENSION_SEPARATOR);
    return this.dimensions.map(({ name }, index) => ({ dimension: name, key: split[index] ?? '' }));
  }

  describe(): string {
    return this.dimensions.map(({ name, definition }) => `${name} (${definition.describe()})`).join(' by ');
  }

  /** A key to show in a message: the first key of each dimension, or its name where it has none. */
  private example(context: PartitionsContext): string {
    return this.dimensions.map(({ name, definition }) => definition.keys(context)[0] ?? `<${name}>`).join(DIMENSION_SEPARATOR);
  }
}

function product(outer: readonly string[], inner: readonly string[]): string[] {
  const keys: string[] = [];
  for (const first of outer) for (const second of inner) keys.push(`${first}${DIMENSION_SEPARATOR}${second}`);
  return keys;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
