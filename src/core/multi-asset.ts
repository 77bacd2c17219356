import type { AnyAsset, AssetDefinition, AssetInputs, ComputeContext, ComputeOutput, ObserveFunction } from './asset.js';
import type { AssetCheck, AnyAssetCheck } from './asset-check.js';
import { markDeclared } from './declared-assets.js';
import { DefinitionSite } from './definition-site.js';
import type { Duration } from './duration.js';
import { StrataError } from './errors.js';
import type { ResourceInstances, ResourceMap } from './resource.js';
import type { RetryPolicy } from './retry-policy.js';
import type { RowOf, RowSchema } from './row-schema.js';
import { sourceVersionOf } from './source-version.js';
import type { Row, Table } from './table.js';

/** What `multiAsset()` takes for each of its outputs: what an asset of its own declares, less what the outputs share. */
export interface MultiAssetOutputSpec<S extends RowSchema = RowSchema> {
  readonly schema: S;
  /** Key of the IO manager that stores this output; default `"default"`. */
  readonly ioManager?: string;
  /** Default `"default"`. */
  readonly group?: string;
  readonly tags?: readonly string[];
  readonly description?: string;
  readonly freshness?: { readonly maxAge: Duration };
  // NoInfer: the schema alone decides the row type the checks are checked against.
  readonly checks?: readonly AssetCheck<RowOf<NoInfer<S>>>[];
}

/** The row schema of each output of a multi-asset, by key: each output becomes an asset with that key. */
export type OutputSchemas = Readonly<Record<string, RowSchema>>;

/** What a multi-asset's compute receives: an asset's context, and which outputs this run stores. */
export interface MultiAssetContext<Inputs = Readonly<Record<string, Table>>, Resources = Readonly<Record<string, unknown>>>
  extends ComputeContext<Inputs, Resources> {
  /**
   * The outputs this run stores (the selected and stale ones), sorted. The
   * others need not be computed: what the compute returns for them is
   * dropped, and their stored tables stay as they were.
   */
  readonly outputs: readonly string[];
}

/** What a multi-asset's compute returns: a table (or rows, or an arquero table) for each output, by key. */
export type MultiAssetResult<O extends OutputSchemas> = {
  readonly [K in keyof O]: ComputeOutput<RowOf<O[K]>>;
};

/** What `multiAsset()` takes. */
export interface MultiAssetSpec<O extends OutputSchemas, D extends readonly AnyAsset[], M extends ResourceMap> {
  /** Names the compute in logs and errors; `^[a-z][a-z0-9_]*$`, unique among multi-assets. */
  readonly name: string;
  /** The assets it produces, by key (each key unique among all assets). */
  readonly outputs: { readonly [K in keyof O]: MultiAssetOutputSpec<O[K]> };
  /** The upstream assets every output is computed from, as `inputs[<key>]`. */
  readonly deps?: D;
  readonly resources?: M;
  /** As an asset's `codeVersion`; shared by every output, since they share the compute. */
  readonly codeVersion?: string;
  readonly retry?: RetryPolicy;
  /** The concurrency pool its step runs in (one slot for the whole compute). */
  readonly pool?: string;
  /** As an asset's `observe`: whether the external data it reads changed. Asked once per selected output. */
  readonly observe?: ObserveFunction<ResourceInstances<M>>;
  /** Upstream checks (`<asset>.<check>`) whose failure must not keep it from running. */
  readonly ignoreFailedChecks?: readonly string[];
  readonly compute: (
    context: MultiAssetContext<AssetInputs<D>, ResourceInstances<M>>,
    // NoInfer: the output schemas alone decide what the compute must return.
  ) => MultiAssetResult<NoInfer<O>> | Promise<MultiAssetResult<NoInfer<O>>>;
}

/**
 * The compute an output of a multi-asset shares with its sibling outputs
 * (`AssetDefinition.multiAsset`). One object per multi-asset: the run groups
 * planned outputs by it, so their compute runs once for all of them.
 */
export interface MultiAssetCompute {
  readonly name: string;
  /** The key of every output, sorted. */
  readonly outputs: readonly string[];
  readonly compute: (context: MultiAssetContext) => Readonly<Record<string, ComputeOutput<Row>>> | Promise<Readonly<Record<string, ComputeOutput<Row>>>>;
}

/** A declared multi-asset: its outputs as ordinary assets. */
export interface MultiAssetDefinition<O extends OutputSchemas> {
  readonly name: string;
  /** Every output asset, in the order `outputs` declared them: spread them into `defineDefinitions({ assets: [...] })`. */
  readonly assets: readonly AnyAsset[];
  /** Each output asset by key, typed, for other assets' `deps`. */
  readonly outputs: { readonly [K in keyof O & string]: AssetDefinition<K, O[K]> };
}

/**
 * Declares one compute that produces several assets at once (Dagster's
 * `@multi_asset`): one API call yielding two tables, say. Each output is an
 * asset of its own, with its own key, schema, IO manager, checks and
 * freshness; lineage, status and history show them apart, and each is
 * planned on its own staleness. A run computes the planned outputs of one
 * multi-asset in one step: the compute runs once, and only those outputs are
 * stored (selecting `customers` alone stores `customers` and drops the `orders` the
 * compute returned). The outputs share their deps, resources, retry policy,
 * pool and code version (that of the compute), so no output can depend on a
 * sibling.
 *
 * @example
 * const source = multiAsset({
 *   name: 'shop_api',
 *   outputs: { customers: { schema: customerSchema }, orders: { schema: orderSchema, ioManager: 'warehouse' } },
 *   resources: { api },
 *   compute: async ({ resources }) => {
 *     const dump = await resources.api.get('/dump');
 *     return { customers: dump.customers, orders: dump.orders };
 *   },
 * });
 * const stats = asset({ key: 'stats', deps: [source.outputs.customers], ... });
 * defineDefinitions({ assets: [...source.assets, stats] });
 */
export function multiAsset<
  O extends OutputSchemas,
  const D extends readonly AnyAsset[] = [],
  const M extends ResourceMap = {},
>(spec: MultiAssetSpec<O, D, M>): MultiAssetDefinition<O> {
  const keys = Object.keys(spec.outputs);
  const shared: MultiAssetCompute = Object.freeze({
    name: spec.name,
    outputs: Object.freeze([...keys].sort()),
    // Type-checked against its own inputs and outputs; the executor builds exactly those.
    compute: spec.compute as unknown as MultiAssetCompute['compute'],
  });
  // One site and one hash for all outputs: they share the compute, so they share its code version.
  const definedIn = spec.codeVersion === undefined ? DefinitionSite.of(multiAsset) : undefined;
  const codeVersion = spec.codeVersion ?? sourceVersionOf(spec.compute);
  const assets = keys.map((key): AnyAsset => {
    const output = spec.outputs[key]!;
    return markDeclared(Object.freeze({
      key,
      schema: output.schema,
      deps: Object.freeze((spec.deps ?? []).map((dep) => dep.key)),
      resources: Object.freeze({ ...spec.resources }),
      group: output.group ?? 'default',
      tags: Object.freeze([...(output.tags ?? [])]),
      description: output.description,
      ioManager: output.ioManager ?? 'default',
      codeVersion,
      codeVersionIsExplicit: spec.codeVersion !== undefined,
      definedIn,
      retry: spec.retry,
      maxAge: output.freshness?.maxAge,
      pool: spec.pool,
      observe: spec.observe as ObserveFunction | undefined,
      checks: Object.freeze([...(output.checks ?? [])] as unknown as AnyAssetCheck[]),
      ignoreFailedChecks: Object.freeze([...(spec.ignoreFailedChecks ?? [])]),
      multiAsset: shared,
      // Multi-assets are not partitioned yet: their outputs would have to share one definition.
      partitions: undefined,
      partitionMappings: Object.freeze({}),
      partitionColumn: undefined,
      // What a caller of this asset's compute alone gets (a unit test, say): the
      // shared compute asked for this output. Runs call the shared compute once
      // for all planned outputs instead (see `computeOutputs`).
      compute: async (context: ComputeContext) => (await computeOutputs(shared, context, [key])).get(key)!,
    }));
  });
  return Object.freeze({
    name: spec.name,
    assets: Object.freeze(assets),
    outputs: Object.freeze(Object.fromEntries(assets.map((output) => [output.key, output]))) as MultiAssetDefinition<O>['outputs'],
  });
}

/**
 * Runs a multi-asset's compute once for `keys` (the outputs to store) and
 * returns what it produced for each of them. Throws when it returns something
 * other than an object, a key that is not one of its outputs, or leaves out
 * one of `keys`; an output it leaves out that is not in `keys` is fine (it
 * may skip what the run does not store).
 */
export async function computeOutputs(multi: MultiAssetCompute, context: ComputeContext, keys: readonly string[]): Promise<Map<string, ComputeOutput<Row>>> {
  const outputs = [...keys].sort();
  const returned: unknown = await multi.compute({ ...context, key: multi.name, outputs });
  const where = `Multi-asset "${multi.name}"`;
  const expected = `Its compute returns an object with a table (or rows) for each output: { ${multi.outputs.map((key) => `${key}: ...`).join(', ')} }.`;
  if (typeof returned !== 'object' || returned === null || Array.isArray(returned)) {
    throw new StrataError('STRATA_MULTI_ASSET_OUTPUT', `${where} returned ${Array.isArray(returned) ? 'an array' : String(returned)} instead of its outputs by key.`, { hint: expected });
  }
  const byKey = returned as Readonly<Record<string, ComputeOutput<Row> | undefined>>;
  const unknown = Object.keys(byKey).filter((key) => !multi.outputs.includes(key));
  if (unknown.length > 0) {
    throw new StrataError('STRATA_MULTI_ASSET_OUTPUT', `${where} returned ${unknown.map((key) => `"${key}"`).join(', ')}, which ${unknown.length === 1 ? 'is not one of its outputs' : 'are not among its outputs'} (${multi.outputs.join(', ')}).`, {
      hint: 'Declare every table the compute returns under `outputs`, or stop returning it.',
    });
  }
  const missing = outputs.filter((key) => byKey[key] === undefined || byKey[key] === null);
  if (missing.length > 0) {
    throw new StrataError('STRATA_MULTI_ASSET_OUTPUT', `${where} returned no ${missing.map((key) => `"${key}"`).join(', ')}, which this run stores.`, { hint: expected });
  }
  return new Map(outputs.map((key) => [key, byKey[key]!]));
}

/**
 * The problems of the definitions' multi-assets: an invalid name, two
 * multi-assets with one name, an output left out of the definitions (the
 * compute would return a table no asset stores).
 */
export function multiAssetProblems(assets: readonly AnyAsset[], assetByKey: (key: string) => AnyAsset | undefined, namePattern: RegExp): string[] {
  const problems: string[] = [];
  const byName = new Map<string, MultiAssetCompute>();
  const seen = new Set<MultiAssetCompute>();
  for (const asset of assets) {
    const multi = asset.multiAsset;
    if (multi === undefined || seen.has(multi)) continue;
    seen.add(multi);
    const where = `multi-asset "${multi.name}"`;
    if (byName.has(multi.name)) {
      problems.push(`${where}: declared more than once (another multi-asset has that name)`);
      continue;
    }
    byName.set(multi.name, multi);
    if (!namePattern.test(multi.name)) problems.push(`${where}: invalid name; names match ${namePattern.source} (lowercase letters, digits, _)`);
    for (const key of multi.outputs) {
      if (assetByKey(key) === undefined) {
        problems.push(`${where}: output "${key}" is not among the definitions' assets; pass every output, e.g. assets: [...source.assets] for source = multiAsset({ ... })`);
      }
    }
  }
  return problems;
}
