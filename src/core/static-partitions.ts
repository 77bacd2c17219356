/*
 * A fixed list of partition keys (`staticPartitions(['eu', 'us'])`), in the
 * order they are declared.
 */
import { DefinitionError } from './errors.js';
import { keyTextProblem, keysBetweenIn, listSome, unknownKeyProblem } from './partition-keys.js';
import type { PartitionKeyPart, PartitionsContext, StaticPartitionsDefinition } from './partitions.js';

/**
 * Partitions with these keys, in this order. A key may not be empty, repeat,
 * or hold `|` or a control character; characters a path cannot hold are the
 * IO managers' to encode.
 *
 * @example
 * const regions = staticPartitions(['eu', 'us']);
 */
export function staticPartitions(keys: readonly string[]): StaticPartitionsDefinition {
  const problems: string[] = [];
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new DefinitionError(['staticPartitions: give at least one key, such as staticPartitions(["eu", "us"])']);
  }
  const seen = new Set<string>();
  for (const key of keys) {
    const problem = keyTextProblem(key);
    if (problem !== undefined) problems.push(`staticPartitions: ${problem}`);
    else if (seen.has(key)) problems.push(`staticPartitions: key "${key}" is listed twice`);
    seen.add(key);
  }
  if (problems.length > 0) throw new DefinitionError(problems);
  return new StaticPartitions([...keys]);
}

class StaticPartitions implements StaticPartitionsDefinition {
  readonly kind = 'static';
  readonly id: string;

  constructor(private readonly list: readonly string[]) {
    // JSON quoting keeps ids apart for keys that hold commas.
    this.id = `static(${list.map((key) => JSON.stringify(key)).join(',')})`;
  }

  keys(_context: PartitionsContext): readonly string[] {
    return this.list;
  }

  problem(key: string, _context: PartitionsContext): string | undefined {
    return this.list.includes(key) ? undefined : unknownKeyProblem(key, this.list, 'static');
  }

  keysBetween(from: string, to: string, context: PartitionsContext): readonly string[] {
    return keysBetweenIn(this.list, from, to, (key) => this.problem(key, context), this.describe());
  }

  parts(key: string): readonly PartitionKeyPart[] {
    return [{ dimension: undefined, key }];
  }

  describe(): string {
    return `static: ${listSome(this.list)}`;
  }
}
