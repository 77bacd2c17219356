/*
 * Partitions whose keys are added and removed at run time
 * (`assets partitions add tenants acme globex`): the instance stores them,
 * the definition only names the set.
 */
import { DefinitionError } from './errors.js';
import { keysBetweenIn, unknownKeyProblem } from './partition-keys.js';
import type { DynamicPartitionsDefinition, PartitionKeyPart, PartitionsContext } from './partitions.js';

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Partitions named `name`, whose keys are those added to it, in the order
 * they were added. Check a key before adding it with `keyTextProblem`.
 *
 * @example
 * const tenants = dynamicPartitions('tenants');
 */
export function dynamicPartitions(name: string): DynamicPartitionsDefinition {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new DefinitionError([`dynamicPartitions: name ${JSON.stringify(name)} must be lowercase letters, digits and _, starting with a letter (such as "tenants")`]);
  }
  return new DynamicPartitions(name);
}

class DynamicPartitions implements DynamicPartitionsDefinition {
  readonly kind = 'dynamic';
  readonly id: string;

  constructor(readonly name: string) {
    this.id = `dynamic(${name})`;
  }

  keys(context: PartitionsContext): readonly string[] {
    return context.dynamicKeys(this.name);
  }

  problem(key: string, context: PartitionsContext): string | undefined {
    const keys = this.keys(context);
    if (keys.includes(key)) return undefined;
    const problem = unknownKeyProblem(key, keys, `dynamic "${this.name}"`);
    return `${problem}; add it with \`assets partitions add ${this.name} ${key}\``;
  }

  keysBetween(from: string, to: string, context: PartitionsContext): readonly string[] {
    return keysBetweenIn(this.keys(context), from, to, (key) => this.problem(key, context), this.describe());
  }

  parts(key: string): readonly PartitionKeyPart[] {
    return [{ dimension: undefined, key }];
  }

  describe(): string {
    return `dynamic: ${this.name}`;
  }
}
