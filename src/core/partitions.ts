/*
 * The contract every partitions definition and partition mapping meets. A
 * partitioned asset is materialized, versioned and backfilled one slice (one
 * partition key) at a time; keys and time windows follow Dagster's formats.
 * The factories live beside this file (`time-partitions.ts`,
 * `static-partitions.ts`, ...); the planner and the executor only see these
 * interfaces.
 */

/** What the current set of keys depends on: the clock (time partitions) and the instance (dynamic ones). */
export interface PartitionsContext {
  readonly now: Date;
  /** The keys added to a dynamic partitions definition, in the order they were added (`assets partitions add`). */
  readonly dynamicKeys: (name: string) => readonly string[];
}

/** A time partition's span: `start` inclusive, `end` exclusive. */
export interface TimeWindow {
  readonly start: Date;
  readonly end: Date;
}

/** One dimension of a partition key: a multi-partition key has one per dimension, named; any other key has one, unnamed. */
export interface PartitionKeyPart {
  readonly dimension: string | undefined;
  readonly key: string;
}

interface PartitionsDefinitionBase {
  /**
   * What the definition is, as text (`daily(start=2026-01-01,timezone=UTC,endOffset=0)`):
   * two assets share partitions (and map by identity) when their ids are equal.
   */
  readonly id: string;
  /** Every key, in order (time order for time partitions, declaration order for static ones). */
  keys(context: PartitionsContext): readonly string[];
  /** Why `key` is not one of the keys now, with the expected format or a did-you-mean; undefined when it is one. */
  problem(key: string, context: PartitionsContext): string | undefined;
  /** The keys from `from` to `to`, both included, in key order; throws a `UsageError` naming the bad bound. */
  keysBetween(from: string, to: string, context: PartitionsContext): readonly string[];
  /** The key split into its dimensions (one unnamed part unless multi), for IO managers' paths. */
  parts(key: string): readonly PartitionKeyPart[];
  /** For people: `daily from 2026-01-01 (Europe/Paris)`, `static: eu, us`. */
  describe(): string;
}

/** Hourly, daily, weekly or monthly partitions from a start, in a time zone. */
export interface TimePartitionsDefinition extends PartitionsDefinitionBase {
  readonly kind: 'time';
  readonly unit: 'hour' | 'day' | 'week' | 'month';
  readonly timezone: string;
  /** The window of a key (a valid one: check `problem` first). */
  timeWindow(key: string): TimeWindow;
  /**
   * The keys whose windows overlap `window`, in time order, whether or not they exist yet (before the end).
   * Only keys of the definition: none before its start or at or after its `end`; a skipped hour's key never.
   */
  keysOverlapping(window: TimeWindow): readonly string[];
}

/** A fixed list of keys (`staticPartitions(['eu', 'us'])`). */
export interface StaticPartitionsDefinition extends PartitionsDefinitionBase {
  readonly kind: 'static';
}

/** Keys added and removed at run time (`assets partitions add tenants acme`). */
export interface DynamicPartitionsDefinition extends PartitionsDefinitionBase {
  readonly kind: 'dynamic';
  readonly name: string;
}

/** Two dimensions, keys joined with `|` in the order of the dimensions' names (`2026-01-05|eu`). */
export interface MultiPartitionsDefinition extends PartitionsDefinitionBase {
  readonly kind: 'multi';
  readonly dimensions: readonly { readonly name: string; readonly definition: SinglePartitionsDefinition }[];
}

export type SinglePartitionsDefinition = TimePartitionsDefinition | StaticPartitionsDefinition | DynamicPartitionsDefinition;
export type PartitionsDefinition = SinglePartitionsDefinition | MultiPartitionsDefinition;

/**
 * Which partitions of an upstream asset a downstream partition reads.
 * `downstreamKey` and `downstream` are undefined for an unpartitioned
 * downstream asset.
 */
export interface PartitionMapping {
  /** `identity`, `time-window`, `all`, `last`, `static`. */
  readonly kind: string;
  upstreamKeys(
    downstreamKey: string | undefined,
    downstream: PartitionsDefinition | undefined,
    upstream: PartitionsDefinition,
    context: PartitionsContext,
  ): readonly string[];
  /** Why this mapping cannot map between these two definitions (a time window between static partitions); undefined when it can. */
  problem(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition): string | undefined;
  /** For people: `the 7 daily partitions before`, `every partition`. */
  describe(): string;
}
