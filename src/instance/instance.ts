import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type InstanceConfig, instanceConfigOf } from '../core/define-config.js';
import type { Definitions } from '../core/definitions.js';
import { StrataError, UsageError } from '../core/errors.js';
import type { IOManager } from '../core/io-manager.js';
import type { CheckResultRecord } from '../storage/instance-storage.js';
import type { MaterializeOptions } from '../execution/materialize.js';
import type { MaterializationPlan, PlanOptions } from '../execution/plan-materialization.js';
import type { MaterializeResult } from '../execution/run-result.js';
import type { StepExecutorFactory } from '../execution/step-executor.js';
import type { CheckStoredOptions, CheckStoredResult } from '../execution/check-stored-assets.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import type { PlannedAsset } from '../graph/planner.js';
import type { SelectAssetsOptions, SelectionResult } from '../graph/resolve-selection.js';
import type { SelectionWarning } from '../graph/selection-warnings.js';
import type { Daemon, DaemonOptions } from '../sensors/daemon.js';
import type { AutomationStatus } from '../core/schedule.js';
import type { BackfillPartitionOutcome, BackfillRunSettings, CreatedBackfill, RunBackfillOptions } from './backfills.js';
import type { BackfillRequest, BackfillTarget, BackfillTargetStatus, StoredBackfill } from '../storage/instance-storage.js';
import type { InstanceStorage, InstigatorKind, InstigatorState, MaterializationRecord, RunRecord, RunRequest, RunStatus, RunTags, StoredRunEvent, StoredTick } from '../storage/instance-storage.js';
import type { FollowOptions } from './follow-run.js';
import type { Reexecution, ReexecutionMode } from './reexecution.js';
import type { AssetActivity } from './asset-activity.js';
import type { AssetLineage, LineageRequest } from './asset-lineage.js';
import type { AssetPreview, PreviewOptions } from './asset-preview.js';
import type { ScheduleSummary, SensorSummary } from './automation-summaries.js';
import type { CheckSummary } from './check-summaries.js';
import type { CheckNotPassed } from './describe-checks-not-passed.js';
import type { DryRun } from './dry-run.js';
import type { RunPage } from './run-summaries.js';
import type { SelectedStates } from './selection-states.js';
import type { AssetState } from './asset-states.js';
import type { StaleForUnselected } from './stale-for-unselected.js';
import type { PartitionState } from './partition-states.js';
import type { PartitionLeftStale } from './partitions-left-stale.js';
import type { PartitionedMaterializeRequest, SelectionRuns } from './materialize-selection.js';
import type { ChangeTimes } from '../versioning/code-versions.js';
import type { JobSummary } from './job-summaries.js';
import type { PoolSummary } from './pool-summaries.js';
import type { UnusedPoolWarning } from './set-pool-limit.js';
import { appliedConfig, locateProject, type Project } from './locate-project.js';
import { openStorage, type StorageLocation, storageLocation } from './open-storage.js';
import type { WipeResult, WipeScope } from './wipe-assets.js';

type Env = Readonly<Record<string, string | undefined>>;

/** A selection with a state atom that selects no asset now: nothing to plan or run. */
const NOTHING_SELECTED = Symbol('nothing selected');

/** What `select` and `selectStates` take: the expressions, and a signal that cancels reading the states. */
export type SelectionRequest = Omit<SelectAssetsOptions, 'states'> & { readonly signal?: AbortSignal | undefined };

/** What `openInstance` takes. Only `cwd` and `env` are required: the rest is found from them. */
export interface InstanceOptions {
  /** The folder the project is looked for from (see `locateProject`). */
  readonly cwd: string;
  /** Variables that choose the project, the database and resource settings; `process.env` in the CLI. */
  readonly env: Env;
  /** The clock runs, plans and the sweep of abandoned runs read. Default: the system clock. */
  readonly now?: (() => Date) | undefined;
  /** A definitions module named explicitly (the CLI's `--definitions`), relative to `cwd`. */
  readonly definitionsModule?: string | undefined;
  /** Definitions already loaded: checked as loaded ones are, and used instead of importing the project's module. */
  readonly definitions?: Definitions | undefined;
  /** Storage already open: used instead of opening the project's (its abandoned runs are failed all the same), and left open by `close()`. */
  readonly storage?: InstanceStorage | undefined;
  /** Where `materialize` runs steps unless a call names another. Default: `defaultExecutor` of the storage location. */
  readonly executor?: StepExecutorFactory | undefined;
}

/** What a run or plan selects: a job by name, or a selection expression with its options. */
export type PlanSelection = Pick<PlanOptions, 'partition' | 'purpose' | 'laterPartitions'> &
  ({ readonly job: string } | ({ readonly job?: undefined } & Pick<PlanOptions, 'select' | 'exclude' | 'force' | 'refresh'>));

/** A plan of a selection, cancellable. */
export type PlanRequest = PlanSelection & {
  readonly signal?: AbortSignal | undefined;
  /**
   * A state selection (`status:stale`) as `partitionsToMaterialize` resolved
   * it moments ago, with the plan that resolved it: used instead of reading
   * the states again, so a command observes its sources once. Only while
   * nothing ran in between.
   */
  readonly resolvedSelection?: ResolvedSelection | undefined;
};

/** A state selection resolved into the keys it selects, and the plan that resolved it (see `PlanRequest.resolvedSelection`). */
export type ResolvedSelection = Pick<PlanOptions, 'select' | 'exclude' | 'force' | 'refresh' | 'reuse'>;

/** What a run of a selection without a partition leaves to runs of partitions (see `partitionsToMaterialize`). */
export interface PendingPartitions {
  /** The keys the selection selects, in topological order. */
  readonly selected: readonly string[];
  readonly partitions: readonly string[];
  readonly byUpstreams: readonly string[];
  /** The assets each of `partitions`' runs would run (the feeders they run too), in run order. */
  readonly planned: ReadonlyMap<string, readonly PlannedAsset[]>;
  /** Whether one partition's run reads what another's materializes (see `PartitionPlans.readsAcross`). */
  readonly readsAcross: boolean;
  readonly unpartitioned: boolean;
  readonly resolvedSelection: ResolvedSelection | undefined;
}

/** A run of a selection: the plan request, and how the run goes. `executor` overrides the instance's; `tags` go over a job's own. */
export type MaterializeRequest = PlanRequest &
  Pick<MaterializeOptions, 'logger' | 'onEvent' | 'onPlan' | 'concurrency' | 'trigger' | 'executor' | 'lockTimeoutMs' | 'tags' | 'parentRunId'>;

/** What a queued run records besides its selection (see `enqueue`). */
export type EnqueueOptions = Pick<MaterializeOptions, 'trigger' | 'tags' | 'parentRunId'>;

/** What the instance is made of, as `assets info` shows it. */
export interface InstanceDescription {
  readonly project: Project;
  /** The `strata.config.*` whose settings apply to the definitions (see `appliedConfig`); undefined when none does, or the definitions were given. */
  readonly config: string | undefined;
  /** Where the instance lives, and whether its SQLite file exists yet (null for Postgres, which is not checked). */
  readonly location: StorageLocation;
  readonly exists: boolean | null;
  /** The IO managers of the definitions by key, sorted; empty when the project has no definitions module. */
  readonly ioManagers: readonly (readonly [string, IOManager])[];
}

/**
 * A project's instance: its definitions and its storage, and what every
 * command (and the UI) does with them. Both are opened on first use and
 * kept, so a long-lived holder (a web server) pays for them once and a
 * command pays only for what it uses: `assets runs` never loads the
 * definitions. Open it with `openInstance`; `close()` it when done.
 *
 * What only definitions or runs need (loading, planning, the graph) is
 * imported by the methods that use it: a command that reads only the
 * storage loads none of it.
 */
export class Instance {
  /** Where the project is, which module defines it, and where its instance folder is. */
  readonly project: Project;
  readonly #env: Env;
  readonly #now: () => Date;
  readonly #given: Pick<InstanceOptions, 'definitions' | 'storage' | 'executor'>;
  #definitions: Promise<Definitions> | undefined;
  #graph: AssetGraph | undefined;
  #location: Promise<StorageLocation> | undefined;
  #storage: Promise<InstanceStorage> | undefined;

  /** Use `openInstance`, which checks given definitions before anything uses them. */
  constructor(project: Project, options: InstanceOptions) {
    this.project = project;
    this.#env = options.env;
    this.#now = options.now ?? (() => new Date());
    this.#given = { definitions: options.definitions, storage: options.storage, executor: options.executor };
    if (options.definitions !== undefined) this.#definitions = Promise.resolve(options.definitions);
  }

  /**
   * The definitions, loaded on the first call and fully checked (job
   * selections, resource config against the environment); their code
   * versions start computing at once, of the files as they are now.
   */
  definitions(): Promise<Definitions> {
    this.#definitions ??= import('./load-definitions.js').then(({ loadDefinitions }) => loadDefinitions(this.project, this.#env));
    return this.#definitions;
  }

  /**
   * The project files the definitions' code was loaded from that changed on
   * disk since (relative to the project root, sorted), by the look at the
   * files `changeTimes` took.
   */
  async #codeEditedSinceLoad(changeTimes: ChangeTimes): Promise<readonly string[]> {
    const definitions = await this.definitions();
    const { editedSinceLoad } = await import('../versioning/code-versions.js');
    return editedSinceLoad(definitions, { projectRoot: this.project.root, cacheFile: this.project.codeCacheFile }, changeTimes);
  }

  /**
   * The URL of the definitions module, which executors whose steps run in
   * other threads or processes import; undefined for definitions given to
   * `openInstance`. Throws when the project has no module (named by
   * `--definitions` and missing, say).
   */
  definitionsModuleUrl(): string | undefined {
    if (this.#given.definitions !== undefined) return undefined;
    if (this.project.definitions instanceof StrataError) throw this.project.definitions;
    return pathToFileURL(this.project.definitions.file).href;
  }

  /**
   * The URL of the project config whose settings apply to the definitions
   * module when it is another file (see `Located.config`), which those
   * executors import beside it; else undefined.
   */
  configModuleUrl(): string | undefined {
    if (this.#given.definitions !== undefined || this.project.definitions instanceof StrataError) return undefined;
    const { config } = this.project.definitions;
    return config === undefined ? undefined : pathToFileURL(config).href;
  }

  /**
   * Where the instance lives (see `storageLocation`). The config's
   * `instance` is read from the project's `strata.config.*`, imported
   * without the rest of loading, and only when `STRATA_DATABASE_URL` is
   * unset; from given definitions, from those.
   */
  storageLocation(): Promise<StorageLocation> {
    this.#location ??= this.#locateStorage();
    return this.#location;
  }

  /** The storage, opened on the first call (or as given), after the runs whose process died were failed. */
  storage(): Promise<InstanceStorage> {
    this.#storage ??= this.#openStorage();
    return this.#storage;
  }

  /**
   * The assets a selection selects, in topological order, with warnings about
   * union parts that select nothing. A state atom (`status:stale`) reads the
   * state it needs first (see `selectWithStates`).
   */
  async select(selection: SelectionRequest): Promise<SelectionResult> {
    return this.#selectWithStates(selection, false);
  }

  /**
   * `select`, and the state of each selected asset (see `assetStates`): one
   * plan decides both, so `assets status --select status:stale` plans once.
   */
  async selectStates(selection: SelectionRequest): Promise<SelectedStates> {
    return this.#selectWithStates(selection, true);
  }

  /**
   * What a run of the selection would do (see `DryRun`): with
   * `partitionsFirst`, as `materializeSelection` runs it without a
   * partition, the stale partitions first, one run each, and the rest
   * planned as it stands (what reads those partitions upstream-planned);
   * without, the one run of the request.
   */
  async dryRun(request: PlanRequest & { readonly partitionsFirst: boolean }): Promise<DryRun> {
    const { partitionsFirst, ...planRequest } = request;
    const [definitions, storage, { blockedInPlan, blockedInRuns, checksRunAlone, skippedInPartitions }, { readBlockingResults }] = await Promise.all([
      this.definitions(),
      this.storage(),
      import('./dry-run.js'),
      import('./blocked-by.js'),
    ]);
    // As a run judges the checks of upstreams it does not run: by their latest results on what is stored.
    const blocking = (keys: readonly string[]) => readBlockingResults(definitions, storage, keys);
    const pending = partitionsFirst && request.partition === undefined ? await this.partitionsToMaterialize(planRequest) : undefined;
    const partitions = pending?.partitions ?? [];
    // Each partition's run judges the checks of what it does not run by their results, as the run of the rest does.
    const runs = partitions.map((partition) => pending!.planned.get(partition)!.map((asset) => asset.key));
    const blockedInPartitions = await blockedInRuns(definitions, runs, [], new Set(pending?.selected), blocking);
    const skipped = skippedInPartitions(partitions, blockedInPartitions);
    const partitionsOnlySkipping = partitions.filter((_, index) => blockedInPartitions[index]!.size === runs[index]!.length);
    if (pending !== undefined && !pending.unpartitioned) return { selected: pending.selected, partitions, skippedInPartitions: skipped, partitionsOnlySkipping, rest: undefined };
    // What the partition runs would store is not there yet: the rest is planned as it stands, without failing for it.
    const plan = await this.plan({ ...planRequest, purpose: partitions.length > 0 ? 'states' : undefined, resolvedSelection: pending?.resolvedSelection });
    const checksAgain = checksRunAlone(plan);
    const blocked = await blockedInPlan(definitions, plan.plan.planned, checksAgain, blocking);
    // The plan of the rest leaves the partitioned assets out: they are selected all the same.
    return { selected: pending?.selected ?? plan.selected, partitions, skippedInPartitions: skipped, partitionsOnlySkipping, rest: { plan, checksAgain, blocked } };
  }

  /**
   * The warnings about a run's selection (a job's, or the expressions and
   * `refresh`), before it is planned; the plan itself reports a selection
   * that selects nothing as a whole.
   */
  async selectionWarnings(selection: PlanSelection): Promise<readonly SelectionWarning[]> {
    const definitions = await this.definitions();
    const [{ selectionWarnings }, { jobPlanOptions }] = await Promise.all([import('../graph/resolve-selection.js'), import('../sensors/run-job.js')]);
    if (selection.job !== undefined) return selectionWarnings(definitions, jobPlanOptions(definitions, selection.job));
    return [...selectionWarnings(definitions, selection), ...(selection.refresh === undefined ? [] : selectionWarnings(definitions, { select: selection.refresh }))];
  }

  /** What a run of the selection would do, and why, without running anything (a dry run). */
  async plan(request: PlanRequest): Promise<MaterializationPlan> {
    const definitions = await this.definitions();
    const { planMaterialization } = await import('../execution/plan-materialization.js');
    const options = await this.#planOptions(definitions, request);
    if (options === NOTHING_SELECTED) {
      const { emptyPlan } = await import('./selection-states.js');
      return emptyPlan(definitions, await this.#assetGraph(), this.#env);
    }
    return planMaterialization(definitions, await this.storage(), options);
  }

  /**
   * The status of each of `keys`, why, and its last materialization, decided
   * as a run would decide it (see `readAssetStates`).
   */
  async assetStates(keys: readonly string[], options: { readonly signal?: AbortSignal | undefined } = {}): Promise<ReadonlyMap<string, AssetState>> {
    const { readAssetStates } = await import('./asset-states.js');
    return readAssetStates(await this.definitions(), await this.storage(), keys, this.#stateOptions(options.signal));
  }

  /**
   * `assetStates` of `keys` and `codeEditedSinceLoad`, from one look at the
   * code's files (each statted once, where asking both stats each again):
   * what the UI's graph shows together, its notice of edited files and its
   * statuses speaking of the same files.
   */
  async assetStatesAndCodeEdits(keys: readonly string[], options: { readonly signal?: AbortSignal | undefined } = {}): Promise<{ readonly states: ReadonlyMap<string, AssetState>; readonly codeEditedSinceLoad: readonly string[] }> {
    const [{ readAssetStates }, { readChangeTimesOnce }] = await Promise.all([import('./asset-states.js'), import('../versioning/code-versions.js')]);
    const changeTimes = readChangeTimesOnce();
    const states = await readAssetStates(await this.definitions(), await this.storage(), keys, { ...this.#stateOptions(options.signal), changeTimes });
    return { states, codeEditedSinceLoad: await this.#codeEditedSinceLoad(changeTimes) };
  }

  /**
   * Of the `selected` keys (a selection as `select` or a plan resolved it),
   * those a run of the selection leaves stale for upstreams it leaves out
   * (see `staleForUnselected`): what a run or plan with nothing to do says
   * instead of "everything is up to date" when there are some.
   */
  async staleForUnselected(selected: readonly string[], options: { readonly signal?: AbortSignal | undefined } = {}): Promise<readonly StaleForUnselected[]> {
    const [{ staleForUnselected }, { stalePartitionsOf }, definitions] = await Promise.all([import('./stale-for-unselected.js'), import('./stale-partitions.js'), this.definitions()]);
    return staleForUnselected(definitions, selected, (keys) => this.assetStates(keys, options), async (keys) => stalePartitionsOf(definitions, await this.storage(), keys, this.#stateOptions(options.signal)));
  }

  /**
   * The partitions of `partitions` of the selection's partitioned assets
   * that runs of just those partitions leave stale, for stale partitions
   * they read outside them (see `partitionsLeftStale`): worth asking once
   * those runs succeeded or had nothing to do.
   */
  async partitionsLeftStale(selection: SelectionRequest, partitions: readonly string[]): Promise<readonly PartitionLeftStale[]> {
    const [{ partitionsLeftStale }, { keys }] = await Promise.all([import('./partitions-left-stale.js'), this.select(selection)]);
    return partitionsLeftStale(await this.definitions(), await this.storage(), keys, partitions, this.#stateOptions(selection.signal));
  }

  /** The state of one asset, with the reasons it is stale; an unknown key throws `UnknownAssetError` with did-you-mean. */
  async why(key: string, options: { readonly signal?: AbortSignal | undefined } = {}): Promise<AssetState> {
    await this.#requireAssets([key]);
    return (await this.assetStates([key], options)).get(key)!;
  }

  /**
   * The state of every partition of a partitioned asset (of `partitions`
   * only, when given), in key order; an unknown key throws as `why` does,
   * and an unpartitioned asset or an unknown partition is a `UsageError`.
   */
  async partitionStates(key: string, options: { readonly partitions?: readonly string[] | undefined; readonly signal?: AbortSignal | undefined } = {}): Promise<readonly PartitionState[]> {
    const definitions = await this.#requireAssets([key]);
    await this.#requirePartitions(definitions, key, options.partitions ?? [], `\`assets why ${key}\` says whether it is stale.`);
    const { readPartitionStates } = await import('./partition-states.js');
    const { states } = await readPartitionStates(definitions, await this.storage(), [key], { ...this.#stateOptions(options.signal), partitions: options.partitions });
    return states.get(key)!;
  }

  /**
   * The failing blocking checks of upstreams that make runs skip `key`, as
   * `why` says them (see `blockedBy`), read without planning the asset: for
   * `assets partitions` and `why --partition`, which look at partitions.
   */
  async blockedBy(key: string): Promise<readonly string[]> {
    const [definitions, { readBlockedBy }] = await Promise.all([this.#requireAssets([key]), import('./blocked-by.js')]);
    return readBlockedBy(definitions, await this.storage(), key);
  }

  /**
   * Throws a `UsageError` when `key` is not partitioned (with `unpartitionedHint`),
   * or when one of `partitions` is not one of its partitions now, saying why.
   */
  async #requirePartitions(definitions: Definitions, key: string, partitions: readonly string[], unpartitionedHint: string): Promise<void> {
    const definition = definitions.asset(key)!.partitions;
    if (definition === undefined) throw new UsageError(`${key} is not partitioned.`, { hint: unpartitionedHint });
    if (partitions.length === 0) return;
    const { partitionsContext } = await import('../execution/partition-scope.js');
    const context = await partitionsContext(definitions, await this.storage(), this.#now());
    for (const partition of partitions) {
      const problem = definition.problem(partition, context);
      if (problem !== undefined) throw new UsageError(`${key} has no partition "${partition}": ${problem}`, { hint: `\`assets partitions ${key}\` lists them.` });
    }
  }

  /** The keys of a partition range (`2026-01-01...2026-01-31`; a backfill's, open at a null end) of the partitions the selected assets share (see `partitionKeysBetween`). */
  async partitionRange(selection: PlanSelection, range: { readonly from: string | null; readonly to: string | null }): Promise<readonly string[]> {
    const definitions = await this.definitions();
    const [{ partitionKeysBetween }, { jobPlanOptions }] = await Promise.all([import('./partition-range.js'), import('../sensors/run-job.js')]);
    const selected = selection.job === undefined ? selection : jobPlanOptions(definitions, selection.job);
    return (await partitionKeysBetween(definitions, await this.storage(), selected, range, this.#now())).keys;
  }

  /**
   * What a run of the selection without a partition leaves to runs of
   * partitions: the partitions in which some selected partitioned asset is
   * stale or missing (every partition with `force`), in key order, and
   * whether the selection has unpartitioned assets for a run of their own.
   * `assets materialize` runs those partitions first, so everything
   * selected ends up to date. `byUpstreams`: those of the partitions in
   * which every planned asset is planned only for its upstreams (changed,
   * or planned in this or another partition's run).
   */
  async partitionsToMaterialize(request: PlanRequest): Promise<PendingPartitions> {
    const definitions = await this.definitions();
    const options = await this.#planOptions(definitions, request);
    // Nothing selected now is the rest's answer to give ("everything is up to date").
    if (options === NOTHING_SELECTED) return { selected: [], partitions: [], byUpstreams: [], planned: new Map(), readsAcross: false, unpartitioned: true, resolvedSelection: undefined };
    const { select, exclude, force, refresh, reuse } = options;
    const resolvedSelection = reuse === undefined ? undefined : { select, exclude, force, refresh, reuse };
    const [{ planPartitions }, { selectAssets }, { plannedForUpstreams }, graph] = await Promise.all([
      import('../execution/plan-materialization.js'),
      import('../graph/resolve-selection.js'),
      import('../graph/planner.js'),
      this.#assetGraph(),
    ]);
    const selected = selectAssets(graph, { select: options.select, exclude: options.exclude });
    const unpartitioned = selected.some((key) => definitions.asset(key)!.partitions === undefined);
    if (selected.length === 0 || !selected.some((key) => definitions.asset(key)!.partitions !== undefined)) return { selected, partitions: [], byUpstreams: [], planned: new Map(), readsAcross: false, unpartitioned, resolvedSelection };
    const { plans, readsAcross } = await planPartitions(definitions, await this.storage(), { select: options.select, exclude: options.exclude, ...this.#stateOptions(request.signal) });
    const partitions = [...plans].filter(([, { plan }]) => options.force === true || plan.planned.length > 0).map(([partition]) => partition);
    const byUpstreams = [...plans].filter(([, { plan }]) => plan.planned.length > 0 && plan.planned.every(plannedForUpstreams)).map(([partition]) => partition);
    const planned = new Map(partitions.map((partition) => [partition, plans.get(partition)!.plan.planned]));
    return { selected, partitions, byUpstreams, planned, readsAcross, unpartitioned, resolvedSelection };
  }

  /**
   * Plans a backfill of partitions of the selection's partitioned assets
   * and stores it with one row per target before anything runs, after a
   * run of the selected unpartitioned assets that feed them, made with
   * `run` (see `createBackfill`; undefined when no target needs running, or
   * that run did not succeed), with that run and the selected assets it
   * leaves out for having no partitions. Run it with `runBackfill`.
   */
  async backfill(request: BackfillRequest, options: { readonly signal?: AbortSignal | undefined; readonly run?: BackfillRunSettings | undefined } = {}): Promise<CreatedBackfill> {
    const { createBackfill } = await import('./backfills.js');
    const [definitions, storage, graph] = await Promise.all([this.definitions(), this.storage(), this.#assetGraph()]);
    return createBackfill(definitions, storage, request, (run) => this.materialize(run), {
      ...this.#stateOptions(options.signal),
      graph,
      now: this.#now,
      run: options.run,
    });
  }

  /** Runs (or resumes) a backfill's targets still to do, in runs of `materialize` as its policy has them (see `runBackfill`). */
  async runBackfill(id: string, options: Omit<RunBackfillOptions, 'now'> = {}): Promise<{ backfill: StoredBackfill; partitions: readonly BackfillPartitionOutcome[] }> {
    const [{ runBackfill }, { partitionKeysBetween }] = await Promise.all([import('./backfills.js'), import('./partition-range.js')]);
    const [definitions, storage] = await Promise.all([this.definitions(), this.storage()]);
    const keys = async ({ request }: StoredBackfill) => (await partitionKeysBetween(definitions, storage, { select: request.selection }, request, this.#now())).keys;
    return runBackfill(storage, id, keys, (request) => this.materialize(request), { ...options, now: this.#now });
  }

  /** The backfill `wanted` names (`latest` or an id), with its counts by status, and its targets (of one status, when given). */
  async backfillStatus(wanted: string, options: { readonly status?: BackfillTargetStatus } = {}): Promise<{ backfill: StoredBackfill; targets: BackfillTarget[] }> {
    const { findBackfill } = await import('./backfills.js');
    const storage = await this.storage();
    const backfill = await findBackfill(storage, wanted);
    return { backfill, targets: await storage.backfillTargets(backfill.id, options) };
  }

  /** The newest `limit` backfills, each with its counts by status. */
  async backfills(options: { readonly limit?: number } = {}): Promise<StoredBackfill[]> {
    return (await this.storage()).listBackfills(options);
  }

  /** Marks a backfill canceled and asks its running runs to cancel (see `cancelBackfill`). */
  async cancelBackfill(wanted: string): Promise<{ backfill: StoredBackfill; runIds: readonly string[] }> {
    const { cancelBackfill } = await import('./backfills.js');
    return cancelBackfill(await this.storage(), wanted, this.#now());
  }

  /** Brings a selection with partitioned assets up to date, one run per partition, then the rest (see `materializeSelection`). */
  async materializeSelection(request: PartitionedMaterializeRequest): Promise<SelectionRuns> {
    const { materializeSelection } = await import('./materialize-selection.js');
    return materializeSelection(this, request);
  }

  /** Adds keys to, or removes them from, dynamic partitions (`assets partitions add tenants acme`); returns those it changed. */
  async changeDynamicPartitions(change: 'add' | 'remove', name: string, keys: readonly string[]): Promise<string[]> {
    const { changeDynamicPartitions } = await import('./dynamic-partitions.js');
    return changeDynamicPartitions(await this.definitions(), await this.storage(), change, name, keys);
  }

  /** What the assets are made from or feed, with each asset's state; unknown keys throw as `why` does. */
  async lineage(request: LineageRequest & { readonly signal?: AbortSignal | undefined }): Promise<AssetLineage> {
    const definitions = await this.#requireAssets(request.keys);
    const { readLineage } = await import('./asset-lineage.js');
    return readLineage(definitions, await this.#assetGraph(), await this.storage(), request, this.#stateOptions(request.signal));
  }

  /**
   * The materializations of an asset (of one partition, when given), newest
   * first; an unknown key throws as `why` does, and a partition with no
   * history that the asset does not have is a `UsageError`.
   */
  async materializationHistory(key: string, options: { readonly limit?: number; readonly partition?: string } = {}): Promise<readonly MaterializationRecord[]> {
    const definitions = await this.#requireAssets([key]);
    const history = await (await this.storage()).materializationHistory(key, options);
    // No history of a partition may mean no such partition: that is said, not "never materialized".
    // A partition that is gone (a dynamic key removed) keeps its history, so only an empty one is checked.
    if (options.partition !== undefined && history.length === 0) {
      await this.#requirePartitions(definitions, key, [options.partition], `Leave out --partition: \`assets history ${key}\`.`);
    }
    return history;
  }

  /**
   * Runs the checks of the selected assets on what they store now, without
   * materializing anything, as a run of its own (see `checkStoredAssets`).
   */
  async check(selection: SelectionRequest & { readonly onEvent?: CheckStoredOptions['onEvent'] }): Promise<CheckStoredResult> {
    // The signal cancels reading the states of the selection, and then the checks themselves.
    const [definitions, { keys }, { checkStoredAssets }] = await Promise.all([this.definitions(), this.select(selection), import('../execution/check-stored-assets.js')]);
    const described = `${selection.select ?? '*'}${selection.exclude === undefined ? '' : ` except ${selection.exclude}`}`;
    return checkStoredAssets(definitions, keys, { storage: await this.storage(), selection: described, now: this.#now, onEvent: selection.onEvent, signal: selection.signal });
  }

  /** Every check of `keys` (of every asset when none are given) with its latest result; an unknown key throws as `why` does. */
  async checkSummaries(keys?: readonly string[]): Promise<CheckSummary[]> {
    const definitions = keys === undefined ? await this.definitions() : await this.#requireAssets(keys);
    const { readCheckSummaries } = await import('./check-summaries.js');
    return readCheckSummaries(definitions, await this.storage(), keys);
  }

  /**
   * The checks of `keys` whose latest result fails on what is stored now (an
   * asset's `failed-check` status) and still speaks for it: what a run with
   * nothing to do reports, since it does not check unchanged data again (a
   * check whose code changed since would run again).
   */
  async checksNotPassed(keys: readonly string[]): Promise<CheckNotPassed[]> {
    const [definitions, { checksWithProblem, readCheckSummaries }, { checkFailsRun }] = await Promise.all([this.#requireAssets(keys), import('./check-summaries.js'), import('../execution/check-states.js')]);
    // Only a check whose latest result failed can be one: only what those judged is read.
    const failing = await readCheckSummaries(definitions, await this.storage(), keys, { latestMatching: checkFailsRun });
    return checksWithProblem(failing, 'failed').filter((summary) => summary.current).map(({ key, assetKey, latest }) => ({ key, assetKey, status: latest!.status === 'errored' ? 'errored' : 'failed' }));
  }

  /** The results of an asset's checks (of one, when `checkName` is given), newest first; an unknown key throws as `why` does. */
  async checkHistory(key: string, options: { readonly checkName?: string; readonly limit?: number } = {}): Promise<CheckResultRecord[]> {
    await this.#requireAssets([key]);
    return (await this.storage()).checkResultHistory(key, options);
  }

  /** What wiping `keys` would forget, to show (and ask) before `wipe`. */
  async wipeScope(keys: readonly string[]): Promise<WipeScope> {
    const { wipeScope } = await import('./wipe-assets.js');
    return wipeScope(await this.storage(), keys);
  }

  /** Forgets the scope's materializations, and with `deleteOutputs` deletes their stored outputs (see `wipeAssets`). */
  async wipe(scope: WipeScope, options: { readonly deleteOutputs: boolean }): Promise<WipeResult> {
    const { wipeAssets } = await import('./wipe-assets.js');
    return wipeAssets(await this.definitions(), await this.storage(), scope, options);
  }

  /**
   * Queues a run of the selection (or job) for a daemon to start, when fewer
   * runs than the maximum are going (see `enqueueRun`). The selection is
   * resolved now, so a typo is an error here rather than the run's failure
   * later; what is stale is decided when the run starts.
   */
  async enqueue(selection: PlanSelection, options: EnqueueOptions = {}): Promise<RunRecord> {
    const definitions = await this.definitions();
    const { select, exclude } = await this.#planOptions(definitions, selection, { states: 'rejected' });
    await this.select({ select, exclude });
    const { enqueueRun } = await import('../execution/run-queue.js');
    const tags = await this.#runTags(definitions, selection, options.tags);
    return enqueueRun(await this.storage(), { ...runRequestOf(selection), trigger: options.trigger ?? 'cli', tags, parentRunId: options.parentRunId, now: this.#now() });
  }

  /**
   * Where this instance runs steps unless a call names another: the executor
   * given to `openInstance`, else `defaultExecutor` of where the instance lives.
   */
  async executor(): Promise<StepExecutorFactory> {
    if (this.#given.executor !== undefined) return this.#given.executor;
    const { defaultExecutor } = await import('./default-executor.js');
    return defaultExecutor(await this.storageLocation());
  }

  /** Plans the selection and runs what is stale, recording the run (see `materialize`). */
  async materialize(request: MaterializeRequest): Promise<MaterializeResult> {
    const definitions = await this.definitions();
    const storage = await this.storage();
    const { materialize } = await import('../execution/materialize.js');
    const executor = request.executor ?? (await this.executor());
    const options = await this.#planOptions(definitions, request);
    if (options === NOTHING_SELECTED) return { runId: null, status: 'nothing-to-do', assets: [], checks: [], durationMs: 0 };
    return materialize(definitions, {
      ...options,
      storage,
      executor,
      definitionsModule: this.definitionsModuleUrl(),
      configModule: this.configModuleUrl(),
      logger: request.logger,
      onEvent: request.onEvent,
      onPlan: request.onPlan,
      concurrency: request.concurrency,
      trigger: request.trigger,
      lockTimeoutMs: request.lockTimeoutMs,
      tags: await this.#runTags(definitions, request, request.tags),
      parentRunId: request.parentRunId,
      request: runRequestOf(request),
    });
  }

  /**
   * What re-executing the run `wanted` names runs (see `reexecution`):
   * `from-failure` its failed, skipped and unstarted assets, `rerun` its
   * whole request again. `latest` names the newest run for `rerun`, and for
   * `from-failure` the newest failure not re-executed yet (see
   * `latestFailedRun`). Pass the result's selection and `parentRunId` (and
   * tags) to `materialize` or `enqueue`.
   */
  async reexecution(wanted: string, mode: ReexecutionMode): Promise<Reexecution> {
    const [{ reexecution }, { latestFailedRun }] = await Promise.all([import('./reexecution.js'), import('./latest-failed-run.js')]);
    const parent = mode === 'from-failure' && wanted === 'latest' ? await latestFailedRun(await this.storage()) : await this.findRun(wanted);
    return reexecution(await this.storage(), parent, mode);
  }

  /** The newest `limit` runs (of one status, and carrying every one of `tags`, when given), with how their assets ended; `hasMore` when older ones were left out. */
  async runs(options: { readonly limit: number; readonly status?: RunStatus | undefined; readonly tags?: RunTags | undefined }): Promise<RunPage> {
    const { listRunSummaries } = await import('./run-summaries.js');
    return listRunSummaries(await this.storage(), options);
  }

  /** The run `wanted` names: `latest`, a whole id, or a unique prefix (see `findRun`). */
  async findRun(wanted: string): Promise<RunRecord> {
    const { findRun } = await import('./find-run.js');
    return findRun(await this.storage(), wanted);
  }

  /** The events of a run in the order they were recorded (those after `afterSeq` only, when given); empty for an unknown run. */
  async runEvents(runId: string, options: { readonly afterSeq?: number } = {}): Promise<StoredRunEvent[]> {
    return (await this.storage()).runEvents(runId, options);
  }

  /**
   * Reports a run's events to `options.onEvent` as they are recorded, by
   * this process or another, until the run ends; resolves with the run as it
   * ended (see `followRun`).
   */
  async followRun(runId: string, options: FollowOptions = {}): Promise<RunRecord> {
    const { followRun } = await import('./follow-run.js');
    return followRun(await this.storage(), runId, options);
  }

  /**
   * Asks the run `wanted` names to stop, wherever it runs (see
   * `requestCancel`): a queued run is `canceled` at once, a started one has
   * the request `requested`; throws `STRATA_RUN_ENDED` when it has ended.
   */
  async cancel(wanted: string): Promise<{ readonly run: RunRecord; readonly outcome: 'canceled' | 'requested' }> {
    const run = await this.findRun(wanted);
    const { requestCancel } = await import('../execution/cancel-run.js');
    return { run, outcome: await requestCancel(await this.storage(), run) };
  }

  /** The steps in flight and the last failures of the newest `runs` runs (see `readAssetActivity`). */
  async assetActivity(options: { readonly runs: number }): Promise<AssetActivity> {
    const { readAssetActivity } = await import('./asset-activity.js');
    return readAssetActivity(await this.storage(), options);
  }

  /** The first `limit` rows (of `columns`) of an asset's stored output, read through its IO manager's scan (see `previewAsset`). */
  async preview(key: string, options: PreviewOptions): Promise<AssetPreview> {
    const definitions = await this.#requireAssets([key]);
    const { previewAsset } = await import('./asset-preview.js');
    return previewAsset(definitions, await this.storage(), key, options);
  }

  /** The schedules, as declared, with their status, last tick and next `nextTicks` cron times after `now`. */
  async schedules(options: { readonly now: Date; readonly nextTicks: number }): Promise<ScheduleSummary[]> {
    const { summarizeSchedules } = await import('./automation-summaries.js');
    return summarizeSchedules(await this.definitions(), await this.storage(), options);
  }

  /** The sensors, as declared, with their status and last evaluation. */
  async sensors(): Promise<SensorSummary[]> {
    const { summarizeSensors } = await import('./automation-summaries.js');
    return summarizeSensors(await this.definitions(), await this.storage());
  }

  /** Recorded ticks, newest first, of one kind and/or name when given. */
  async ticks(options: { readonly kind?: InstigatorKind; readonly name?: string; readonly limit?: number } = {}): Promise<StoredTick[]> {
    return (await this.storage()).listTicks(options);
  }

  /**
   * Starts or stops a schedule or sensor (as `assets schedule|sensor
   * start|stop`); an unknown name throws with did-you-mean.
   */
  async setAutomationStatus(kind: InstigatorKind, name: string, status: AutomationStatus): Promise<{ readonly changed: boolean; readonly state: InstigatorState }> {
    const definitions = await this.definitions();
    const [{ findSchedule, findSensor }, { setInstigatorStatus }] = await Promise.all([import('../sensors/find-definition.js'), import('../sensors/instigator.js')]);
    const definition = kind === 'schedule' ? findSchedule(definitions, name) : findSensor(definitions, name);
    return setInstigatorStatus(await this.storage(), kind, definition, status, this.#now());
  }

  /** The jobs with what each selects now and what runs it. */
  async jobs(): Promise<JobSummary[]> {
    const { summarizeJobs } = await import('./job-summaries.js');
    return summarizeJobs(await this.definitions(), await this.#assetGraph());
  }

  /** The concurrency pools with their limits, assets and the slots in use at `now`, as a claim in each pool sees them. */
  async pools(now: Date): Promise<PoolSummary[]> {
    const { summarizePools } = await import('./pool-summaries.js');
    return summarizePools(await this.definitions(), await this.storage(), now);
  }

  /**
   * Sets (a positive integer) or removes (`null`) a pool's limit; warns when
   * no asset uses the pool, naming the closest that are (see `setPoolLimit`).
   */
  async setPoolLimit(pool: string, limit: number | null): Promise<UnusedPoolWarning | undefined> {
    const { setPoolLimit } = await import('./set-pool-limit.js');
    return setPoolLimit(await this.definitions(), await this.storage(), pool, limit);
  }

  /**
   * A daemon over this instance's definitions, storage and environment (see
   * `Daemon`), whose runs use the instance's executor unless `options` name
   * another: `run()` it until its signal aborts, or `tick()` once.
   */
  async daemon(options: Omit<DaemonOptions, 'definitions' | 'storage' | 'env'>): Promise<Daemon> {
    const definitions = await this.definitions();
    const storage = await this.storage();
    const daemons = await import('../sensors/daemon.js');
    return new daemons.Daemon({ executor: await this.executor(), ...options, definitions, storage, env: this.#env });
  }

  /**
   * The project, where its instance lives and its IO managers, creating and
   * writing nothing: the definitions are loaded without computing code
   * versions (which writes their cache), and the storage is not opened.
   */
  async describe(): Promise<InstanceDescription> {
    const definitions = this.project.definitions instanceof StrataError ? undefined : await this.#unversionedDefinitions();
    const location = await this.storageLocation();
    const located = this.project.definitions;
    return {
      project: this.project,
      config: this.#given.definitions !== undefined || located instanceof StrataError ? undefined : appliedConfig(located),
      location,
      exists: location.kind === 'sqlite' ? existsSync(location.path) : null,
      ioManagers: Object.entries(definitions?.ioManagers ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    };
  }

  /**
   * The names of the assets, jobs, schedules and sensors, each sorted; loaded
   * as `describe` loads them (no code versions, no storage), since shell
   * completion asks on every Tab.
   */
  async names(): Promise<Readonly<Record<'assets' | 'jobs' | 'schedules' | 'sensors', readonly string[]>>> {
    const definitions = await this.#unversionedDefinitions();
    const sorted = (names: Iterable<string>) => [...names].sort();
    return {
      assets: sorted(definitions.assets.map((asset) => asset.key)),
      jobs: sorted(definitions.jobs.map((job) => job.name)),
      schedules: sorted(definitions.schedules.map((schedule) => schedule.name)),
      sensors: sorted(definitions.sensors.map((sensor) => sensor.name)),
    };
  }

  /** Closes the storage if this instance opened it; storage given to `openInstance` stays open for its owner. */
  async close(): Promise<void> {
    if (this.#storage === undefined || this.#given.storage !== undefined) return;
    const opening = this.#storage;
    this.#storage = undefined;
    // A storage that failed to open has nothing to close; that failure was thrown to whoever asked for it.
    const storage = await opening.catch(() => undefined);
    await storage?.close();
  }

  /** The definitions as already loaded, else loaded without computing code versions (which writes their cache). */
  #unversionedDefinitions(): Promise<Definitions> {
    return this.#definitions ?? import('./load-definitions.js').then(({ loadDefinitions }) => loadDefinitions(this.project, this.#env, { versionCode: false }));
  }

  async #assetGraph(): Promise<AssetGraph> {
    const definitions = await this.definitions();
    const { AssetGraph } = await import('../graph/asset-graph.js');
    this.#graph ??= new AssetGraph(definitions);
    return this.#graph;
  }

  /** The definitions, after checking that each of `keys` is an asset of them (else `UnknownAssetError`, with did-you-mean). */
  async #requireAssets(keys: readonly string[]): Promise<Definitions> {
    const definitions = await this.definitions();
    const { requireAsset } = await import('./require-asset.js');
    for (const key of keys) requireAsset(definitions, key);
    return definitions;
  }

  async #selectWithStates(selection: SelectionRequest, withStates: boolean): Promise<SelectedStates> {
    const { selectWithStates } = await import('./selection-states.js');
    const { signal, ...expressions } = selection;
    return selectWithStates(await this.definitions(), await this.#assetGraph(), await this.storage(), expressions, { ...this.#stateOptions(signal), withStates });
  }

  /**
   * The planner's options for a request. A selection with a state atom
   * (`status:stale`) is resolved here, against the states read now, into
   * the keys it selects (the planner knows no states); `NOTHING_SELECTED`
   * when it selects none, which for a state is an answer (nothing is
   * stale), not an error. A queued run is planned when it starts, so its
   * selection may not depend on the state now.
   */
  async #planOptions(definitions: Definitions, request: PlanRequest): Promise<PlanOptions | typeof NOTHING_SELECTED>;
  async #planOptions(definitions: Definitions, request: PlanSelection, options: { readonly states: 'rejected' }): Promise<PlanOptions>;
  async #planOptions(definitions: Definitions, request: PlanRequest, options?: { readonly states: 'rejected' }): Promise<PlanOptions | typeof NOTHING_SELECTED> {
    const { jobPlanOptions } = await import('../sensors/run-job.js');
    const selection = request.job === undefined ? { select: request.select, exclude: request.exclude, force: request.force, refresh: request.refresh } : jobPlanOptions(definitions, request.job);
    const scope = { partition: request.partition, purpose: request.purpose, laterPartitions: request.laterPartitions };
    if (request.resolvedSelection !== undefined) return { ...request.resolvedSelection, ...scope, ...this.#stateOptions(request.signal) };
    const planOptions = { ...selection, ...scope, ...this.#stateOptions(request.signal) };
    const [{ parseSelection }, { stateAtoms }] = await Promise.all([import('../graph/selection-parser.js'), import('../graph/selection-states.js')]);
    const [atom] = stateAtoms([selection.select, selection.exclude].map((expression) => (expression === undefined ? undefined : parseSelection(expression))));
    if (atom === undefined) return planOptions;
    if (options?.states === 'rejected') {
      throw new UsageError(`A queued run cannot select by state ("${atom.attribute}:${atom.value}"): the daemon plans it when it starts, and the state may differ by then.`, {
        hint: 'Materialize it now without --queue, or queue a selection by key, tag, group or kind.',
      });
    }
    const { keys, plan } = await this.#selectWithStates({ select: selection.select, exclude: selection.exclude, signal: request.signal }, false);
    if (keys.length === 0) return NOTHING_SELECTED;
    // `key:` compares by equality and, unlike a bare word, cannot be read as `and`/`or`/`not`.
    // The plan that resolved the states serves the run's plan too: staleness is computed once.
    return { ...planOptions, select: keys.map((key) => `key:${key}`).join(', '), exclude: undefined, reuse: plan };
  }

  /** The tags a run records: a job's own, then the caller's over them. */
  async #runTags(definitions: Definitions, selection: PlanSelection, tags: RunTags | undefined): Promise<RunTags | undefined> {
    if (selection.job === undefined) return tags;
    const { jobTags } = await import('../sensors/run-job.js');
    return { ...jobTags(definitions, selection.job), ...tags };
  }

  #stateOptions(signal: AbortSignal | undefined) {
    return { env: this.#env, now: this.#now, signal, codeCacheFile: this.project.codeCacheFile };
  }

  async #locateStorage(): Promise<StorageLocation> {
    return storageLocation(this.project, this.#env, await this.#instanceConfig());
  }

  /**
   * The `instance` block of the config (see `defineConfig`), read only when
   * `STRATA_DATABASE_URL` does not already decide: from given definitions,
   * else from the project's `strata.config.*` (imported, not checked: the
   * database is all that is needed), also when `--definitions` names another
   * module of the project. Another module never configures it.
   */
  async #instanceConfig(): Promise<InstanceConfig | undefined> {
    if (this.#env.STRATA_DATABASE_URL) return undefined;
    if (this.#given.definitions !== undefined) return instanceConfigOf(this.#given.definitions);
    const { importInstanceConfig } = await import('./load-definitions.js');
    return importInstanceConfig(this.project);
  }

  async #openStorage(): Promise<InstanceStorage> {
    const given = this.#given.storage;
    if (given === undefined) return openStorage(this.project, await this.storageLocation(), { now: this.#now() });
    const { failAbandonedRuns } = await import('../execution/fail-abandoned-runs.js');
    await failAbandonedRuns(given, { now: this.#now() });
    return given;
  }
}

/** What a run records it was asked to run: the job, or the selection as given (before state atoms are resolved). */
function runRequestOf(selection: PlanSelection): RunRequest {
  const partition = selection.partition === undefined ? {} : { partition: selection.partition };
  return selection.job === undefined ? { select: selection.select, exclude: selection.exclude, force: selection.force, refresh: selection.refresh, ...partition } : { job: selection.job, ...partition };
}

/**
 * Opens a project's instance: finds the project from `cwd` and `env` (see
 * `locateProject`), and checks definitions given here at once. The project's
 * own definitions and storage are loaded and opened when first used, so a
 * command pays only for what it reads; call `definitions()` right away to
 * report a broken project at start (a server does).
 *
 * @example
 * const instance = await openInstance({ cwd: process.cwd(), env: process.env });
 * try {
 *   const result = await instance.materialize({ select: '+top_customers' });
 *   console.log(result.status);
 * } finally {
 *   await instance.close();
 * }
 */
export async function openInstance(options: InstanceOptions): Promise<Instance> {
  const project = locateProject({ cwd: options.cwd, env: options.env, definitionsModule: options.definitionsModule });
  if (options.definitions !== undefined) {
    const { validateDefinitions } = await import('./load-definitions.js');
    validateDefinitions(options.definitions, options.env);
  }
  return new Instance(project, options);
}
