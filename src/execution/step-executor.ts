import type { AssetLogger } from '../core/asset.js';
import type { Definitions } from '../core/definitions.js';
import type { StoreResult } from '../core/io-manager.js';
import type { Row, Table } from '../core/table.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import type { MaterializationPlan } from './plan-materialization.js';
import type { ResourcePool } from './resource-pool.js';

/**
 * One attempt of one step, as plain data: everything another thread, process
 * or host needs to run it (with the same definitions), and nothing live, so a
 * queue can carry it.
 */
export interface StepRequest {
  readonly runId: string;
  /** The asset to materialize; for a multi-asset, the first of `outputs`. */
  readonly assetKey: string;
  /**
   * For the outputs of a multi-asset: the keys of those this attempt stores
   * (the planned ones), sorted; its compute runs once for all of them. Absent
   * for any other asset: the attempt stores `assetKey` alone.
   */
  readonly outputs?: readonly string[];
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** Upstream key -> the data version this attempt reads, as the run will record it. */
  readonly inputDataVersions: Readonly<Record<string, string>>;
  /**
   * For a partitioned asset: the partitions this attempt stores, in key
   * order; one, or a range's for an asset with a `partitionColumn`, whose
   * compute makes them all at once.
   */
  readonly partitions?: readonly string[];
  /**
   * Partitioned upstream key -> the partitions its input holds, in order:
   * resolved once by the plan, so every executor reads the same ones.
   */
  readonly inputPartitions?: Readonly<Record<string, readonly string[]>>;
}

/** What stays with the run that asks for the attempt: cancellation, its log, the tables it holds in memory. */
export interface StepContext {
  /** Aborted when the run is canceled: the executor passes it on to the compute, wherever that runs. */
  readonly signal: AbortSignal;
  readonly log: AssetLogger;
  /** Upstream tables this run already holds in memory; an executor may use them or load through the IO managers. */
  readonly inMemory: ReadonlyMap<string, Table<Row>>;
}

/** One asset (or one partition of it) an attempt stored. */
export interface StoredOutput {
  readonly key: string;
  /** The partition stored, for a partitioned asset. */
  readonly partition?: string;
  readonly stored: StoreResult;
  /**
   * Resource key -> the environment variables the asset's resources read
   * beyond their declared settings (`ResourcePool.envReads`), recorded as
   * settings of the output; absent when they read none.
   */
  readonly envReads?: Readonly<Record<string, readonly string[]>>;
  /** The stored table when it is still in this thread (so downstream steps can take it from memory); undefined when the attempt ran elsewhere. */
  readonly table: Table<Row> | undefined;
}

/** A stored output as plain data, without its table: what crosses threads, processes and queues. */
export type StoredOutputData = Omit<StoredOutput, 'table'>;

/** `output` without its table, to send to the run that asked for it. */
export function outputData({ key, partition, stored, envReads }: StoredOutput): StoredOutputData {
  return { key, ...(partition === undefined ? {} : { partition }), stored, ...(envReads === undefined ? {} : { envReads }) };
}

/** What one attempt produced. */
export interface AttemptResult {
  /** One per asset the request names (`assetKey`, or each of `outputs`), and for a partitioned asset one per partition it names. */
  readonly outputs: readonly StoredOutput[];
  /** Which worker ran it (`host:pid`), for executors whose steps run in other processes; recorded with the step's success. */
  readonly worker?: string | undefined;
}

/** Runs one attempt of a step and reports what was stored. */
export interface StepExecutor {
  attempt(request: StepRequest, context: StepContext): Promise<AttemptResult>;
  close(): Promise<void>;
}

/** What an executor of one run is created with. */
export interface ExecutorRun {
  readonly definitions: Definitions;
  readonly plan: MaterializationPlan;
  /** Resources created while planning, for an executor that runs steps in this process. */
  readonly resources: ResourcePool;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** URL of the module the definitions came from, for executors whose steps run elsewhere and import it. */
  readonly definitionsModule: string | undefined;
  /** URL of the project config whose settings apply to that module, when it is another file (see `withProjectConfig`): imported beside it. */
  readonly configModule?: string | undefined;
  /** Steps the run may have in flight at once. */
  readonly concurrency: number;
  readonly runId: string;
  /** Where the run is recorded, for executors that coordinate through the instance (the queue). */
  readonly storage: InstanceStorage;
}

/**
 * A kind of executor (`in-process`, `workers`, `queue`): creates the
 * executor of each run, refusing with a `UsageError` a plan it cannot run
 * (an IO manager its workers cannot see, say).
 */
export interface StepExecutorFactory {
  /** The name `--executor` takes. */
  readonly name: string;
  /**
   * Steps a run keeps in flight when its caller names no concurrency. Unset:
   * the number of CPUs, which bounds executors that compute on this machine.
   * One whose steps run elsewhere can say `Infinity`: its workers bound how
   * many run at once, and every ready step should be waiting for them.
   */
  readonly defaultConcurrency?: number;
  create(run: ExecutorRun): StepExecutor | Promise<StepExecutor>;
}
