import type { ColumnTable } from 'arquero';
import type { AnyAssetCheck, AssetCheck } from './asset-check.js';
import { markDeclared } from './declared-assets.js';
import { DefinitionSite } from './definition-site.js';
import { sourceVersionOf } from './source-version.js';
import type { Duration } from './duration.js';
import type { MultiAssetCompute } from './multi-asset.js';
import type { PartitionMapping, PartitionsDefinition, TimeWindow } from './partitions.js';
import type { ResourceInstances, ResourceMap } from './resource.js';
import type { RetryPolicy } from './retry-policy.js';
import type { RowOf, RowSchema } from './row-schema.js';
import type { Row, Table } from './table.js';

/** Structured log calls available to a compute function; the run records them as events. */
export interface AssetLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** The tables of an asset's upstream assets, by key, typed from each upstream's schema. */
export type AssetInputs<D extends readonly AnyAsset[]> = {
  readonly [A in D[number] as A['key']]: Table<RowOf<A['schema']>>;
};

/** What a compute function receives. */
export interface ComputeContext<Inputs = Readonly<Record<string, Table>>, Resources = Readonly<Record<string, unknown>>> {
  readonly key: string;
  readonly runId: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  readonly inputs: Inputs;
  readonly resources: Resources;
  readonly log: AssetLogger;
  /** Aborted when the run is canceled: pass it on to anything that waits (HTTP requests, timers). */
  readonly signal: AbortSignal;
  /**
   * For a partitioned asset, the partition being materialized (`2026-01-05`);
   * undefined for an unpartitioned one. A run of a range of partitions (see
   * `partitionColumn`) has no one key: reading it then throws, and
   * `partitionKeys` lists them.
   */
  readonly partitionKey: string | undefined;
  /** The partitions being materialized, in key order: the one `partitionKey`, a range's keys, or none for an unpartitioned asset. */
  readonly partitionKeys: readonly string[];
  /** For a time-partitioned asset, the window of what it materializes (its partition's, or a range's from first to last; `end` exclusive); undefined otherwise. */
  readonly timeWindow: TimeWindow | undefined;
  /**
   * For each partitioned upstream, the partitions its input holds, in order
   * (its rows are theirs, concatenated in that order): what the asset's
   * partition mapping chose.
   */
  readonly inputPartitionKeys: Readonly<Record<string, readonly string[]>>;
}

/** What an `observe` function receives. */
export interface ObserveContext<Resources = Readonly<Record<string, unknown>>> {
  readonly resources: Resources;
  readonly signal: AbortSignal;
  /** For a partitioned asset, the partition whose external data to observe: each is observed on its own. */
  readonly partitionKey: string | undefined;
}

/**
 * What an `observe` function found out about the external data an asset reads.
 */
export interface Observation {
  /**
   * The version of the data (a content hash, an ETag), or undefined when it
   * cannot be told without fetching it. Recorded with each materialization as
   * the input `EXTERNAL_INPUT`, so a changed source makes the asset
   * `upstream-changed` like a changed upstream asset would.
   */
  readonly version: string | undefined;
  /** Where the data is read from, safe to print (credentials masked): `assets why` names it. */
  readonly location?: string | undefined;
  /** How the version was told, or why it could not be and how to refresh the asset. */
  readonly note?: string | undefined;
}

/**
 * Tells, before running, whether the external data an asset reads changed:
 * an `Observation`, or just its version (undefined: cannot be told cheaply).
 */
export type ObserveFunction<Resources = Readonly<Record<string, unknown>>> = (
  context: ObserveContext<Resources>,
) => Promise<Observation | string | undefined>;

/** The input name under which an observed external data version is recorded; no asset key can clash with it. */
export const EXTERNAL_INPUT = '@external';

/**
 * The input data version a materialization records for an upstream whose
 * stored output was replaced while the step read it (by another process):
 * the step read the old table or the new one, so it records neither, and
 * the next plan finds it `upstream-changed`, whatever is stored then.
 */
export const REPLACED_WHILE_READ = 'replaced while read';

/**
 * The version of its source a materialization records when the plan could
 * not observe it (its `observe` threw): the step read the source as it was
 * then, which no version names, so the next plan finds it `upstream-changed`
 * and says the version read is not known, rather than that the source changed.
 */
export const NOT_OBSERVED = 'not observed';

/** A compute function may return a `Table`, plain row objects, or an arquero table (see `asArquero`), checked against the schema alike. */
export type ComputeOutput<R extends object> = Table<R> | readonly R[] | ColumnTable;

/** What `asset()` takes. */
export interface AssetSpec<
  K extends string,
  S extends RowSchema,
  D extends readonly AnyAsset[],
  M extends ResourceMap,
> {
  /** Unique, `^[a-z][a-z0-9_]*$`. */
  readonly key: K;
  /** The row schema: output is validated against it, and stored tables are read back by it. */
  readonly schema: S;
  /** The upstream assets whose tables this asset reads, as `inputs[<key>]`. */
  readonly deps?: D;
  /** The resources this asset uses, as `resources[<name>]`. */
  readonly resources?: M;
  /** Default `"default"`. */
  readonly group?: string;
  readonly tags?: readonly string[];
  readonly description?: string;
  /** Key of the IO manager that stores this asset; default `"default"`. */
  readonly ioManager?: string;
  /**
   * Bump it to mark the asset stale when its logic changes. Default: computed
   * from the content of the module that declares the asset, every project
   * module it imports (transitively), and the installed versions of the
   * packages those import.
   */
  readonly codeVersion?: string;
  readonly retry?: RetryPolicy;
  /** The asset is stale once its last materialization is older than `maxAge`. */
  readonly freshness?: { readonly maxAge: Duration };
  /**
   * The concurrency pool its steps run in: at most the pool's limit of steps
   * in the pool run at once across every run of the instance (`assets pools
   * set api 1`). A pool without a limit set is unlimited.
   */
  readonly pool?: string;
  /** For assets that read outside data (source assets): how to tell, before running, whether it changed. */
  readonly observe?: ObserveFunction<ResourceInstances<M>>;
  /** Data-quality checks run on the stored table after each materialization (`notNull`, `unique`, ..., `check`). */
  readonly checks?: readonly AssetCheck<RowOf<S>>[];
  /**
   * Checks of upstream assets (`<asset>.<check>`, e.g. `orders.unique_id`)
   * whose failure must not keep this asset from running, though they block.
   */
  readonly ignoreFailedChecks?: readonly string[];
  /**
   * Materialize the asset one partition at a time (`dailyPartitions({ start:
   * '2026-01-01' })`): each partition is stored, versioned and judged stale
   * on its own, and a run materializes one (`--partition`, `assets backfill`).
   */
  readonly partitions?: PartitionsDefinition;
  /**
   * Which partitions of a partitioned upstream each partition (or, for an
   * unpartitioned asset, the one table) reads, by upstream key. Default: the
   * same partition when both share a definition, the overlapping windows
   * between time partitions, and every partition for an unpartitioned asset.
   */
  readonly partitionMappings?: { readonly [A in D[number] as A['key']]?: PartitionMapping };
  /**
   * The column that holds each row's partition key (Dagster's
   * `partition_expr`). With it, one run can materialize a range of
   * partitions at once (`--partition FROM...TO`, `assets backfill --policy
   * single-run`): the compute runs once, sees `partitionKeys` and the range's
   * `timeWindow`, returns the rows of every partition, and each partition
   * stores the rows whose column holds its key. Without it, a run
   * materializes one partition.
   */
  readonly partitionColumn?: keyof RowOf<S> & string;
  readonly compute: (
    context: ComputeContext<AssetInputs<D>, ResourceInstances<M>>,
  ) => ComputeOutput<RowOf<S>> | Promise<ComputeOutput<RowOf<S>>>;
}

/**
 * A declared asset. Its fields are plain data; `defineDefinitions` checks
 * them, together with every other asset, before anything runs.
 */
export interface AssetDefinition<K extends string = string, S extends RowSchema = RowSchema> {
  readonly key: K;
  readonly schema: S;
  /** Keys of the upstream assets, in declaration order. */
  readonly deps: readonly string[];
  readonly resources: ResourceMap;
  readonly group: string;
  readonly tags: readonly string[];
  readonly description: string | undefined;
  readonly ioManager: string;
  /**
   * The declared `codeVersion`, else a hash of the compute function's source.
   * The version runs record is the effective one (see `codeVersionIsExplicit`
   * and `definedIn`), which covers the modules the asset's module imports.
   */
  readonly codeVersion: string;
  /** Whether `codeVersion` was given, rather than hashed from the compute source. */
  readonly codeVersionIsExplicit: boolean;
  /** Where `asset()` was called, for automatic code versions; undefined when `codeVersion` is explicit. */
  readonly definedIn: DefinitionSite | undefined;
  readonly retry: RetryPolicy | undefined;
  readonly maxAge: Duration | undefined;
  /** The concurrency pool of its steps, if any. */
  readonly pool: string | undefined;
  readonly observe: ObserveFunction | undefined;
  readonly checks: readonly AnyAssetCheck[];
  /** Upstream checks (`<asset>.<check>`) whose failure does not block this asset. */
  readonly ignoreFailedChecks: readonly string[];
  /** For an output of a `multiAsset`: the compute it shares with its sibling outputs, which runs once for all of them. */
  readonly multiAsset: MultiAssetCompute | undefined;
  /** How it is partitioned; undefined for an unpartitioned asset. */
  readonly partitions: PartitionsDefinition | undefined;
  /** The declared mappings of partitioned upstreams, by upstream key; the others map by `defaultPartitionMapping`. */
  readonly partitionMappings: Readonly<Record<string, PartitionMapping>>;
  /** The column holding each row's partition key, which lets a run materialize a range of partitions; undefined: one partition per run. */
  readonly partitionColumn: string | undefined;
  readonly compute: (context: ComputeContext) => ComputeOutput<Row> | Promise<ComputeOutput<Row>>;
}

/** Any asset, whatever its key and schema. */
export type AnyAsset = AssetDefinition<string, RowSchema>;

/**
 * What an asset that leaves out a list or a map shares with every other one:
 * frozen, so no asset can change another's. A project of 100k assets declares
 * half a million fewer objects.
 */
const NONE: readonly never[] = Object.freeze([]);
const NO_ENTRIES: Readonly<Record<string, never>> = Object.freeze({});

/** A frozen copy of `list` (each item mapped by `map`); absent (or null, from JavaScript) or empty, the shared `NONE`. */
function frozenList<T, U = T>(list: readonly T[] | undefined | null, map?: (item: T) => U): readonly U[] {
  if (list === undefined || list === null || list.length === 0) return NONE;
  return Object.freeze(map === undefined ? ([...list] as unknown as U[]) : list.map(map));
}

/** A frozen copy of `record`; absent (or null), the shared `NO_ENTRIES`. */
function frozenEntries<V>(record: Readonly<Record<string, V>> | undefined | null): Readonly<Record<string, V>> {
  return record === undefined || record === null ? NO_ENTRIES : Object.freeze({ ...record });
}

/**
 * Declares an asset: a table computed from upstream tables and resources.
 *
 * @example
 * const totals = asset({
 *   key: 'totals',
 *   deps: [orders],
 *   schema: z.object({ customer: z.string(), total: z.number() }),
 *   compute: ({ inputs }) => sumBy(inputs.orders, 'customer', 'amount'),
 * });
 */
export function asset<
  const K extends string,
  S extends RowSchema,
  const D extends readonly AnyAsset[] = [],
  const M extends ResourceMap = {},
>(spec: AssetSpec<K, S, D, M>): AssetDefinition<K, S> {
  const made: AssetDefinition<K, S> = Object.freeze({
    key: spec.key,
    schema: spec.schema,
    deps: frozenList(spec.deps, (dep) => dep.key),
    resources: frozenEntries(spec.resources),
    group: spec.group ?? 'default',
    tags: frozenList(spec.tags),
    description: spec.description,
    ioManager: spec.ioManager ?? 'default',
    codeVersion: spec.codeVersion ?? sourceVersionOf(spec.compute),
    codeVersionIsExplicit: spec.codeVersion !== undefined,
    // An explicit version needs no site: skipping the stack capture keeps large generated projects fast.
    definedIn: spec.codeVersion === undefined ? DefinitionSite.of(asset) : undefined,
    retry: spec.retry,
    maxAge: spec.freshness?.maxAge,
    pool: spec.pool,
    observe: spec.observe as ObserveFunction | undefined,
    // Each check was type-checked against this asset's rows; from here on only names and code run.
    checks: frozenList(spec.checks as unknown as readonly AnyAssetCheck[] | undefined),
    ignoreFailedChecks: frozenList(spec.ignoreFailedChecks),
    multiAsset: undefined,
    partitions: spec.partitions,
    partitionMappings: frozenEntries(spec.partitionMappings as Readonly<Record<string, PartitionMapping>> | undefined),
    partitionColumn: spec.partitionColumn,
    // The compute was type-checked against this asset's own inputs; the executor
    // builds exactly those inputs, so widening the parameter here is safe.
    compute: spec.compute as unknown as AssetDefinition['compute'],
  });
  return markDeclared(made);
}
