import type { AnyAsset, AssetDefinition } from './asset.js';
import { parseDuration } from './duration.js';
import { DefinitionError, StrataError } from './errors.js';
import { findCycles } from './find-cycles.js';
import type { IOManager } from './io-manager.js';
import type { ResourceDefinition } from './resource.js';
import type { RetryPolicy } from './retry-policy.js';
import { type ColumnSpec, describeColumns } from './row-schema.js';

export const ASSET_KEY_PATTERN = /^[a-z][a-z0-9_]*$/;

/** What `defineDefinitions` takes. */
export interface DefinitionsSpec {
  readonly assets: readonly AnyAsset[];
  /** IO managers by key; assets name one with `ioManager` (default `"default"`). */
  readonly ioManagers?: Readonly<Record<string, IOManager>>;
  /**
   * Ready-made resource instances by resource key, used instead of calling the
   * resource's `create` (a test double, a client configured by hand).
   */
  readonly resources?: Readonly<Record<string, unknown>>;
  /** Retry policy of assets that declare none. Default: no retries. */
  readonly defaultRetry?: RetryPolicy;
}

/** An asset as the definitions checked it: with its columns and freshness resolved. */
export interface DefinedAsset extends AssetDefinition {
  readonly columns: readonly ColumnSpec[];
  readonly maxAgeMs: number | undefined;
}

/** A checked, immutable set of definitions: what every command and run works from. */
export interface Definitions {
  /** Every asset, sorted by key. */
  readonly assets: readonly DefinedAsset[];
  readonly ioManagers: Readonly<Record<string, IOManager>>;
  /** Every resource some asset uses, by resource key. */
  readonly resourceDefinitions: ReadonlyMap<string, ResourceDefinition>;
  readonly resources: Readonly<Record<string, unknown>>;
  readonly defaultRetry: RetryPolicy | undefined;
  /** The asset with `key`, or undefined. */
  asset(key: string): DefinedAsset | undefined;
}

/**
 * Checks a whole definition set at once and throws one `DefinitionError`
 * listing every problem: invalid or duplicate keys, deps on unknown assets,
 * cycles (with their path), unknown IO managers, schemas that are not flat
 * tables, bad freshness or retry settings, clashing resource keys.
 */
export function defineDefinitions(spec: DefinitionsSpec): Definitions {
  const problems: string[] = [];
  const ioManagers = spec.ioManagers ?? {};
  const byKey = new Map<string, DefinedAsset>();
  const resourceDefinitions = new Map<string, ResourceDefinition>();

  for (const asset of spec.assets) {
    const where = `asset "${asset.key}"`;
    if (!ASSET_KEY_PATTERN.test(asset.key)) {
      problems.push(`${where}: invalid key; keys match ${ASSET_KEY_PATTERN.source} (lowercase letters, digits, _)`);
    }
    if (byKey.has(asset.key)) {
      problems.push(`${where}: declared more than once`);
      continue;
    }
    const { columns, problems: schemaProblems } = describeColumns(asset.schema);
    for (const problem of schemaProblems) problems.push(`${where}: schema ${problem}`);
    if (!(asset.ioManager in ioManagers)) {
      const known = Object.keys(ioManagers).sort();
      problems.push(
        `${where}: unknown IO manager "${asset.ioManager}"; ` +
          (known.length > 0 ? `the definitions provide ${known.map((k) => `"${k}"`).join(', ')}` : 'the definitions provide none (pass ioManagers)'),
      );
    }
    problems.push(...checkRetryPolicy(asset.retry, where));
    const maxAgeMs = resolveMaxAge(asset, problems);
    for (const [name, definition] of Object.entries(asset.resources)) {
      const known = resourceDefinitions.get(definition.key);
      if (known !== undefined && known !== definition) {
        problems.push(`${where}: resource "${name}" has key "${definition.key}", which another resource already uses`);
      }
      resourceDefinitions.set(definition.key, definition);
    }
    byKey.set(asset.key, Object.freeze({ ...asset, columns, maxAgeMs }));
  }
  problems.push(...checkRetryPolicy(spec.defaultRetry, 'defaultRetry'));

  const keys = [...byKey.keys()].sort();
  for (const key of keys) {
    for (const dep of byKey.get(key)!.deps) {
      if (!byKey.has(dep)) problems.push(`asset "${key}": depends on "${dep}", which is not among the definitions' assets`);
    }
  }
  const knownDeps = (key: string) => byKey.get(key)!.deps.filter((dep) => byKey.has(dep));
  for (const cycle of findCycles(keys, knownDeps)) {
    // Read in data-flow order (upstream first), as lineage is drawn.
    problems.push(`dependency cycle: ${[...cycle].reverse().join(' -> ')}`);
  }

  if (problems.length > 0) throw new DefinitionError(problems);

  const assets = keys.map((key) => byKey.get(key)!);
  return Object.freeze({
    assets: Object.freeze(assets),
    ioManagers: Object.freeze({ ...ioManagers }),
    resourceDefinitions,
    resources: Object.freeze({ ...spec.resources }),
    defaultRetry: spec.defaultRetry,
    asset: (key: string) => byKey.get(key),
  });
}

function resolveMaxAge(asset: AnyAsset, problems: string[]): number | undefined {
  if (asset.maxAge === undefined) return undefined;
  try {
    return parseDuration(asset.maxAge, `asset "${asset.key}": freshness.maxAge`);
  } catch (error) {
    if (!(error instanceof StrataError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}

function checkRetryPolicy(policy: RetryPolicy | undefined, where: string): string[] {
  if (policy === undefined) return [];
  const problems: string[] = [];
  if (!Number.isInteger(policy.maxRetries) || policy.maxRetries < 0) {
    problems.push(`${where}: retry.maxRetries must be a whole number >= 0, got ${policy.maxRetries}`);
  }
  if (!Number.isFinite(policy.delayMs) || policy.delayMs < 0) {
    problems.push(`${where}: retry.delayMs must be >= 0 milliseconds, got ${policy.delayMs}`);
  }
  if (policy.jitter !== undefined && !(policy.jitter >= 0 && policy.jitter <= 1)) {
    problems.push(`${where}: retry.jitter must be between 0 and 1, got ${policy.jitter}`);
  }
  return problems;
}
