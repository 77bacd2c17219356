import { setMaxListeners } from 'node:events';
import type { Observation } from '../core/asset.js';
import type { DefinedAsset, Definitions } from '../core/definitions.js';
import { UnstoredPartitionsError, UnstoredUpstreamsError, UsageError } from '../core/errors.js';
import { projectRoot } from '../core/project-root.js';
import { AssetGraph } from '../graph/asset-graph.js';
import { type Plan, type PlanInput, type PlannedAsset, planAssets, type PlanningError } from '../graph/planner.js';
import { parseSelection } from '../graph/selection-parser.js';
import { resolveSelection, selectAssets } from '../graph/resolve-selection.js';
import type { AnyAssetCheck } from '../core/asset-check.js';
import { checkKey } from '../core/check-definitions.js';
import type { CheckResultRecord, InstanceStorage, MaterializationRecord } from '../storage/instance-storage.js';
import { checkReads, pendingChecks } from './check-states.js';
import { type ChangeTimes, type CodeVersion, codeVersionsOf, declaredCodeVersions, versionsAsRun } from '../versioning/code-versions.js';
import { recordedEnvReads, type SettingsAsRun, settingsFingerprints } from '../versioning/config-fingerprints.js';
import { describeError } from './describe-error.js';
import { ResourcePool } from './resource-pool.js';
import { agesOut, windowClosedSince } from '../core/partition-expiry.js';
import { listSome } from '../core/partition-keys.js';
import { feedingAssets, type LeftOutAsset, partitionsContext, runScope, upstreamPartitions } from './partition-scope.js';
import { readPartitionInputs } from './read-partition-inputs.js';
import type { PartitionsContext } from '../core/partitions.js';

export interface PlanOptions {
  /** Selection expression; default every asset. */
  readonly select?: string | undefined;
  /** Selection subtracted from `select`. */
  readonly exclude?: string | undefined;
  /** Plan every selected asset as `forced`. */
  readonly force?: boolean | undefined;
  /** Plan the selected assets this expression matches as `forced`; staleness decides the rest. */
  readonly refresh?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  readonly now?: (() => Date) | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Where the code-version cache lives (see `computeCodeVersions`). The
   * versions are computed once per loaded definitions, so a long-running
   * process records the version of the code it loaded, not of files edited
   * since. Default: no cache, paths relative to `projectRoot()`.
   */
  readonly codeCacheFile?: string | undefined;
  /**
   * `automatic` (default): code versions cover the modules assets import (see
   * `computeCodeVersions`). `declared`: only what the assets declare, for a
   * throwaway instance no later plan compares against.
   */
  readonly codeVersions?: 'automatic' | 'declared' | undefined;
  /** The look at the code's files this plan shares with others of the same request (see `readChangeTimesOnce`); default: a look of its own. */
  readonly changeTimes?: ChangeTimes | undefined;
  /**
   * A plan this command made moments ago of a superset of the selection and
   * its upstreams (the plan of every asset that resolved a state selection,
   * `status:stale`): what it read (stored data versions, observations, code
   * versions) is used again rather than read twice, so a command computes
   * staleness once. Ignored when it does not cover the selection.
   */
  readonly reuse?: MaterializationPlan | undefined;
  /**
   * The partition the run materializes, or a range of them (`FROM...TO`, for
   * assets with a `partitionColumn`): the selected assets partitioned by a
   * definition that has it are planned for it, and the rest of the selection
   * is left out. Without it, the unpartitioned assets are planned and the
   * partitioned ones left out (see `runScope`).
   */
  readonly partition?: string | undefined;
  /**
   * `run` (default): the plan of a run, which throws when a selected asset
   * cannot run for want of an upstream. `states`: a plan only looked at
   * (status, why), where an asset whose upstream partitions are not all
   * stored, or a selection of partitioned assets only, is no error.
   */
  readonly purpose?: 'run' | 'states' | undefined;
  /**
   * For a run of one partition: the partitions that runs after it in the
   * same command make (`materializeSelection`). A selected asset that reads
   * a partition of a selected upstream that is not stored yet, but that one
   * of them makes, is deferred rather than refused: left out of this run
   * with what it feeds in the run, for a run after them (see
   * `MaterializationPlan.deferred`).
   */
  readonly laterPartitions?: ReadonlySet<string> | undefined;
  /**
   * Plans of partitions this command made moments ago (`planPartitions`, for
   * a look at the states of partitioned assets): a look at states judges
   * what reads those partitions from them rather than planning them again.
   */
  readonly partitionPlans?: PartitionPlans | undefined;
}

/** What the selected assets of a run read for one of its partitions: see `MaterializationPlan.partitionInputs`. */
export interface RunPartitionInputs {
  /** For each asset, the partitions it reads of each partitioned upstream, in order. */
  readonly reads: ReadonlyMap<string, Readonly<Record<string, readonly string[]>>>;
  /** What each source asset's `observe` found of the partition. */
  readonly observations: ReadonlyMap<string, Observation>;
}

/** The reads a plan is made from, which another plan of part of the same assets can use again. */
export type ReusableInputs = Required<Omit<PlanInput, 'graph' | 'selected' | 'forced' | 'now' | 'recorded' | 'code' | 'plannedReads'>> & {
  readonly recorded: ReadonlyMap<string, MaterializationRecord>;
  readonly code: ReadonlyMap<string, CodeVersion>;
  readonly settingsAsRun: SettingsAsRun;
};

/** Everything a run, `status` and `why` need: the plan and the state it was made from. */
export interface MaterializationPlan {
  readonly graph: AssetGraph;
  readonly selected: readonly string[];
  readonly plan: Plan;
  readonly recorded: ReadonlyMap<string, MaterializationRecord>;
  /** Data version stored now for every selected asset and its upstreams. */
  readonly currentDataVersions: ReadonlyMap<string, string | undefined>;
  /** What each selected source asset's `observe` found. */
  readonly observations: ReadonlyMap<string, Observation>;
  /** The effective code version of every asset, recorded with its materializations. */
  readonly code: ReadonlyMap<string, CodeVersion>;
  /** The fingerprints of the settings each asset runs with now, as `settingsAsRun` makes them of the variables its last materialization's resources read. */
  readonly configVersions: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** What a step that ran records of its settings. */
  readonly settingsAsRun: SettingsAsRun;
  /** Resources created while observing, reused by the run so nothing is created twice. */
  readonly resources: ResourcePool;
  /** What the plan was made from (besides the selection), for a later plan of part of it (`PlanOptions.reuse`). */
  readonly inputs: ReusableInputs;
  /** The latest result of every check of the selected assets and their upstreams, by check key (`orders.unique_id`). */
  readonly checkResults: ReadonlyMap<string, CheckResultRecord>;
  /** The checks of selected, stored assets whose latest result no longer speaks for what is stored, or may not once the run rebuilds what they read (see `checksToRun`). */
  readonly pendingChecks: ReadonlyMap<string, readonly AnyAssetCheck[]>;
  /** The partition the run was asked to materialize (a key, or a range `FROM...TO`); undefined for a run of unpartitioned assets. */
  readonly partition: string | undefined;
  /** The partition keys the run materializes of its partitioned assets, in order: one, a range's, or none. */
  readonly partitionKeys: readonly string[];
  /** Selected assets outside the run's partition scope, and why. */
  readonly leftOut: readonly LeftOutAsset[];
  /** Selected assets left for a run after the later partitions' runs, and why (see `PlanOptions.laterPartitions`). */
  readonly deferred: readonly LeftOutAsset[];
  /** For each selected asset, the partitions it reads of each partitioned upstream, in order: of every partition the run materializes. */
  readonly inputPartitions: ReadonlyMap<string, Readonly<Record<string, readonly string[]>>>;
  /**
   * By partition key the run materializes, what the selected assets read for
   * that partition alone, as its records keep it: the partitions of each
   * partitioned upstream, and what each source observed of it.
   */
  readonly partitionInputs: ReadonlyMap<string, RunPartitionInputs>;
  /** The data version stored now of every partition the selected assets read or materialize, by asset key then partition. */
  readonly partitionVersions: ReadonlyMap<string, ReadonlyMap<string, string | undefined>>;
}

/**
 * Resolves the selection, reads what the instance recorded and what the IO
 * managers store now, asks source assets to observe their external data,
 * versions the code and resource settings, and plans. Throws when a selected
 * asset needs an unselected upstream that has no stored output (whether or
 * not the asset is stale: its input is gone either way), since Strata never
 * runs assets outside the selection. An observe or data version that throws
 * does not stop planning: the asset it concerns is planned `unreadable`, and
 * the run materializes it, which either gets past a passing error (with the
 * asset's retries) or fails that asset alone with the error it meets.
 */
export async function planMaterialization(
  definitions: Definitions,
  storage: InstanceStorage,
  options: PlanOptions = {},
): Promise<MaterializationPlan> {
  if (options.force === true && options.refresh !== undefined) {
    throw new UsageError('--force cannot be combined with --refresh.', {
      hint: '--force already forces every selected asset; use --refresh EXPR to force only some.',
    });
  }
  const graph = new AssetGraph(definitions);
  const now = (options.now ?? (() => new Date()))();
  const context = await partitionsContext(definitions, storage, now);
  const chosen = selectAssets(graph, { select: options.select, exclude: options.exclude });
  const { selected: inScope, leftOut, keys } = runScope(
    chosen.map((key) => graph.asset(key)),
    options.partition,
    context,
    { strict: options.purpose !== 'states' },
  );
  const forced = new Set<string>(options.force === true ? inScope : []);
  if (options.refresh !== undefined) {
    const refreshed = resolveSelection(graph, parseSelection(options.refresh));
    const inSelection = inScope.filter((key) => refreshed.has(key));
    if (inSelection.length === 0) {
      throw new UsageError(`--refresh "${options.refresh}" matches none of the selected assets.`, {
        hint: 'Refreshed assets must be part of the selection; widen --select or change --refresh.',
      });
    }
    for (const key of inSelection) forced.add(key);
  }

  const involved = new Set(inScope);
  for (const key of inScope) for (const dep of graph.asset(key).deps) involved.add(dep);
  const involvedKeys = graph.sortTopologically(involved);
  const reused = options.reuse !== undefined && options.partition === undefined && covers(options.reuse, involvedKeys) ? options.reuse : undefined;
  const resources = reused?.resources ?? new ResourcePool(definitions.resources, options.env ?? {});
  const runs = keys.length === 0 ? [{ partition: undefined, selected: inScope }] : keys.map((partition) => ({ partition, selected: inScope }));
  const inputsOf = reused === undefined ? await readPlanInputs(definitions, storage, graph, runs, involvedKeys, resources, options, context) : undefined;
  // Each partition's inputs once: they are merged maps of every record read, made anew by each call.
  const byPartition = new Map(keys.map((partition) => [partition, inputsOf!(partition)]));
  const { inputs, partitions } = keys.length > 0 ? byPartition.get(keys[0]!)! : (inputsOf?.(undefined) ?? { inputs: reused!.inputs, partitions: reused! });
  const { recorded, currentDataVersions, unreadable } = inputs;

  const partitionInputs = new Map([...byPartition].map(([partition, own]) => [partition, { reads: own.partitions.inputPartitions, observations: own.inputs.observations }]));
  const inputPartitions = keys.length > 1 ? unionOfReads([...partitionInputs.values()].map((one) => one.reads)) : partitions.inputPartitions;

  const unstored = unstoredUpstreams(graph, inScope, inputPartitions, inputs);
  if (unstored !== undefined) throw unstored;
  const inScopeSet = new Set(inScope);
  const runKeys = new Set(keys);
  const later = options.laterPartitions ?? new Set<string>();
  const gaps: string[] = [];
  const gapPartitions = new Set<string>();
  /** Selected assets that read partitions a later run of the command makes, and what they read. */
  const waiting = new Map<string, string[]>();
  for (const key of inScope) {
    const reads = inputPartitions.get(key) ?? {};
    for (const dep of graph.asset(key).deps) {
      const depPartitions = reads[dep];
      // An upstream without partitions was judged above.
      if (unreadable.has(dep) || depPartitions === undefined) continue;
      // A partition this run materializes is no gap; any other must be stored.
      const missing = depPartitions.filter((one) => partitions.partitionVersions.get(dep)!.get(one) === undefined && !(inScopeSet.has(dep) && runKeys.has(one)));
      if (missing.length === 0) continue;
      const described = `${dep} ${missing.length === 1 ? 'partition' : 'partitions'} ${listSome(missing)}`;
      // A later run makes a missing partition of a selected upstream: the selected partitioned assets are in the run of each of their partitions.
      if (later.size > 0 && chosen.includes(dep) && missing.every((one) => later.has(one))) waiting.set(key, [...(waiting.get(key) ?? []), described]);
      else {
        gaps.push(`${key} needs ${described}`);
        for (const one of missing) gapPartitions.add(one);
      }
    }
  }
  // A look at states is no run: an asset whose upstream partitions are not all stored yet is shown as it is.
  if (gaps.length > 0 && options.purpose !== 'states') {
    throw new UnstoredPartitionsError(`Selected assets read upstream partitions that have no stored output: ${gaps.join('; ')}.`, [...gapPartitions], {
      hint: 'Materialize those partitions first (`assets backfill <asset> --from A --to B`, or `assets materialize --select <asset> --partition-range A...B`); `assets partitions <asset>` lists them.',
    });
  }
  const deferred = deferredAssets(graph, inScope, waiting);
  const deferredKeys = new Set(deferred.map((asset) => asset.key));
  const selected = deferred.length === 0 ? inScope : inScope.filter((key) => !deferredKeys.has(key));

  // A look at states judges what reads partitions as the run after the partition runs would: see `plannedPartitionReads`.
  const plannedReads = options.purpose === 'states' && options.partition === undefined ? await plannedPartitionReads(definitions, storage, partitions.inputPartitions, leftOut, { ...options, now: () => now }) : undefined;
  const plan =
    keys.length > 1
      ? rangePlan([...byPartition.values()].map((own) => planAssets({ graph, selected, ...own.inputs, forced, now })))
      : planAssets({ graph, selected, ...inputs, plannedReads, forced, now });
  return {
    graph,
    selected,
    plan,
    recorded,
    currentDataVersions,
    observations: inputs.observations,
    code: inputs.code,
    configVersions: inputs.configVersions,
    settingsAsRun: inputs.settingsAsRun,
    resources,
    inputs,
    partition: options.partition,
    partitionKeys: keys,
    leftOut,
    deferred,
    inputPartitions,
    partitionInputs,
    partitionVersions: partitions.partitionVersions,
    ...(await checksToRun(definitions, storage, involvedKeys, selected, recorded, currentDataVersions, new Set(plan.planned.map((asset) => asset.key)))),
  };
}

/**
 * The error that refuses a run of `inScope` (its selected assets) when some
 * need an upstream without partitions (`inputPartitions` holds none of its
 * partitions) that is not selected and has no stored output: Strata never
 * runs assets outside the selection. An upstream whose version could not be
 * read is not judged: the run meets its error. Undefined when none does.
 */
function unstoredUpstreams(
  graph: AssetGraph,
  inScope: readonly string[],
  inputPartitions: ReadonlyMap<string, Readonly<Record<string, readonly string[]>>>,
  { currentDataVersions, unreadable }: Pick<ReusableInputs, 'currentDataVersions' | 'unreadable'>,
): UnstoredUpstreamsError | undefined {
  const inScopeSet = new Set(inScope);
  const unmet: string[] = [];
  for (const key of inScope) {
    const reads = inputPartitions.get(key) ?? {};
    for (const dep of graph.asset(key).deps) {
      if (!unreadable.has(dep) && reads[dep] === undefined && !inScopeSet.has(dep) && currentDataVersions.get(dep) === undefined) unmet.push(`${key} needs ${dep}`);
    }
  }
  if (unmet.length === 0) return undefined;
  const missing = [...new Set(unmet.map((line) => line.split(' needs ')[1]!))];
  const needing = [...new Set(unmet.map((line) => line.split(' needs ')[0]!))];
  return new UnstoredUpstreamsError(`Selected assets need upstream assets that are not selected and have no stored output: ${unmet.join('; ')}.`, needing, missing, {
    hint: `Select them too, e.g. --select ${needing.map((key) => `+${key}`).slice(0, 2).join(',')}, or materialize ${missing.join(', ')} first.`,
  });
}

/**
 * The assets of a run that wait for later runs (`waiting`: what each reads
 * that those runs make), and those that read them within the run, in run
 * order: none of them runs now.
 */
function deferredAssets(graph: AssetGraph, inScope: readonly string[], waiting: ReadonlyMap<string, readonly string[]>): LeftOutAsset[] {
  if (waiting.size === 0) return [];
  const deferred: LeftOutAsset[] = [];
  const deferredKeys = new Set<string>();
  for (const key of graph.sortTopologically(inScope)) {
    const reads = waiting.get(key);
    const upstream = reads === undefined ? graph.asset(key).deps.find((dep) => deferredKeys.has(dep)) : undefined;
    if (reads === undefined && upstream === undefined) continue;
    deferredKeys.add(key);
    deferred.push({ key, why: reads === undefined ? `reads ${upstream}, which waits too` : `reads ${reads.join(' and ')}, which a later partition's run makes` });
  }
  return deferred;
}

/**
 * The plan of a run of a range from the plans of each of its partitions: an
 * asset planned for any partition is planned (its compute makes the whole
 * range), with the status and reasons of the first partition that plans it.
 */
function rangePlan(plans: readonly Plan[]): Plan {
  const first = new Map<string, PlannedAsset>();
  for (const plan of plans) for (const asset of plan.planned) if (!first.has(asset.key)) first.set(asset.key, asset);
  const assets = plans[0]!.assets.map((asset) => first.get(asset.key) ?? asset);
  return { assets, planned: assets.filter((asset) => first.has(asset.key)) };
}

/** What each asset reads of each partitioned upstream over several partitions' reads: every partition any of them reads, in the order first read. */
function unionOfReads(reads: readonly ReadonlyMap<string, Readonly<Record<string, readonly string[]>>>[]): Map<string, Readonly<Record<string, readonly string[]>>> {
  const union = new Map<string, Record<string, Set<string>>>();
  for (const byAsset of reads) {
    for (const [key, byDep] of byAsset) {
      const into = union.get(key) ?? {};
      union.set(key, into);
      for (const [dep, partitions] of Object.entries(byDep)) {
        const set = (into[dep] ??= new Set());
        for (const partition of partitions) set.add(partition);
      }
    }
  }
  return new Map([...union].map(([key, byDep]) => [key, Object.freeze(Object.fromEntries(Object.entries(byDep).map(([dep, set]) => [dep, [...set]])))]));
}

/** The plans of runs of many partitions of a selection's partitioned assets, made from one read: see `planPartitions`. */
export interface PartitionPlans {
  readonly graph: AssetGraph;
  /** The selected partitioned assets. */
  readonly selected: readonly string[];
  /** Partition key -> the plan of a run of it, of the selected assets that have that partition, and their records of it; in key order. */
  readonly plans: ReadonlyMap<string, { readonly plan: Plan; readonly recorded: ReadonlyMap<string, MaterializationRecord> }>;
  /** The keys each selected asset has now, in order. */
  readonly keys: ReadonlyMap<string, readonly string[]>;
  /** The effective code version of every asset. */
  readonly code: ReadonlyMap<string, CodeVersion>;
  /**
   * Whether a run reads what other runs materialize: a partition of a
   * selected upstream other than its own (yesterday's, all of them through
   * an unpartitioned asset that feeds the runs). Then a run can make a
   * partition that ran before it stale.
   */
  readonly readsAcross: boolean;
}

/**
 * Plans a run of each partition (of `partitions`, default every key of
 * every selected partitioned asset) as `planMaterialization` would, reading
 * each asset's records and stored versions once for all of them: the
 * partitions' states (`assets partitions`, status counts) and the targets of
 * a backfill.
 */
export async function planPartitions(
  definitions: Definitions,
  storage: InstanceStorage,
  options: Omit<PlanOptions, 'force' | 'refresh' | 'reuse' | 'partition'> & {
    readonly partitions?: readonly string[] | undefined;
    /**
     * How a run of `partitions` sees a partition outside them that it reads
     * (the day before's): `judged` (default) as stale when a look at every
     * partition plans it, as `status` shows it; `as-stored` as what it
     * stores now, as a run of those partitions alone reads it (a backfill's
     * targets).
     */
    readonly readsOutside?: 'judged' | 'as-stored';
    /**
     * Throw, as a run would (`UnstoredUpstreamsError`), when a run of one of
     * the partitions needs an upstream that is not selected and has no
     * stored output: for a backfill, whose runs would all fail alike.
     */
    readonly refuseUnstoredUpstreams?: boolean;
  } = {},
): Promise<PartitionPlans> {
  const graph = new AssetGraph(definitions);
  const now = (options.now ?? (() => new Date()))();
  const context = await partitionsContext(definitions, storage, now);
  const chosen = new Set(selectAssets(graph, { select: options.select, exclude: options.exclude }));
  const selected = [...chosen].filter((key) => graph.asset(key).partitions !== undefined);
  const chosenAsset = (key: string) => (chosen.has(key) ? graph.asset(key) : undefined);
  // Keys are enumerated once per definition: one asset's set serves every other that shares it.
  const keysById = new Map<string, readonly string[]>();
  const keys = new Map(selected.map((key) => {
    const definition = graph.asset(key).partitions!;
    if (!keysById.has(definition.id)) keysById.set(definition.id, definition.keys(context));
    return [key, keysById.get(definition.id)!] as const;
  }));
  const keySets = new Map([...keysById].map(([id, list]) => [id, new Set(list)]));
  const partitions = options.partitions ?? [...new Set([...keysById.values()].flat())];
  // Each partition's run plans the selected unpartitioned assets that feed its partitioned ones first, as
  // `runScope` has it: worked out once per set of partitioned assets that a partition has (most share one).
  const feedingOf = new Map<string, readonly string[]>();
  const runOf = (partition: string): PartitionRun | undefined => {
    const own = selected.filter((key) => keySets.get(graph.asset(key).partitions!.id)!.has(partition));
    if (own.length === 0) return undefined;
    const id = own.join('\n');
    let feeding = feedingOf.get(id);
    if (feeding === undefined) feedingOf.set(id, (feeding = feedingAssets(chosenAsset, own)));
    return { partition, selected: [...feeding, ...own] };
  };
  const selectedSet = new Set(selected);
  const runs = options.partitions === undefined || options.readsOutside === 'as-stored'
    ? partitions.flatMap((partition) => runOf(partition) ?? [])
    : runsWithTheirReads(graph, partitions, runOf, chosenAsset, selectedSet, context);
  const involved = new Set([...feedingOf.values()].flat().concat(selected));
  // Each run plans its feeders as well as its partitioned assets: the stored versions of both's deps are read.
  for (const key of [...involved]) for (const dep of graph.asset(key).deps) involved.add(dep);
  const resources = new ResourcePool(definitions.resources, options.env ?? {});
  const inputsOf = await readPlanInputs(definitions, storage, graph, runs, graph.sortTopologically(involved), resources, options, context);
  const plans = new Map<string, { plan: Plan; recorded: ReadonlyMap<string, MaterializationRecord> }>();
  // A partition that reads other partitions of a selected upstream (yesterday's, the next day's, all of them
  // through an unpartitioned asset that feeds the run) is upstream-planned when another run plans one of them,
  // before it in key order or after it, as a look after those runs would find. So every run is planned, then
  // again each run whose view of the others changed, until none does: runs only add planned assets, so this
  // ends, most often after one more look that plans nothing again.
  /** What each run reads of each partitioned upstream, kept from its first look for the looks after it. */
  const readsOf = new Map<string, ReadonlyMap<string, Readonly<Record<string, readonly string[]>>>>();
  /** The upstreams planned in other runs that each run was last planned with: it is planned again only when they change. */
  const lookedWith = new Map<string, string>();
  const plannedIn = (partition: string, key: string) => plans.get(partition)?.plan.planned.some((planned) => planned.key === key) === true;
  let readsAcross = false;
  for (let changed = true; changed; changed &&= readsAcross) {
    changed = false;
    for (const run of runs) {
      let own = readsOf.has(run.partition) ? undefined : inputsOf(run.partition);
      if (own !== undefined) readsOf.set(run.partition, own.partitions.inputPartitions);
      const unstored = own !== undefined && options.refuseUnstoredUpstreams === true ? unstoredUpstreams(graph, run.selected, own.partitions.inputPartitions, own.inputs) : undefined;
      if (unstored !== undefined) throw unstored;
      const plannedReads = new Map<string, string[]>();
      for (const [key, byDep] of readsOf.get(run.partition)!) {
        const deps: string[] = [];
        for (const [dep, depPartitions] of Object.entries(byDep)) {
          if (!selectedSet.has(dep) || depPartitions.every((one) => one === run.partition)) continue;
          readsAcross = true;
          if (depPartitions.some((one) => one !== run.partition && plannedIn(one, dep))) deps.push(dep);
        }
        if (deps.length > 0) plannedReads.set(key, deps);
      }
      const view = plannedReads.size === 0 ? '' : JSON.stringify([...plannedReads]);
      if (own === undefined && lookedWith.get(run.partition) === view) continue;
      lookedWith.set(run.partition, view);
      own ??= inputsOf(run.partition);
      const plannedBefore = plans.get(run.partition)?.plan.planned.length ?? 0;
      const plan = planAssets({ graph, selected: run.selected, ...own.inputs, plannedReads: plannedReads.size === 0 ? undefined : plannedReads, now });
      if (plan.planned.length !== plannedBefore) changed = true;
      plans.set(run.partition, { plan, recorded: own.inputs.recorded });
    }
  }
  // The partitions planned only to judge what the asked ones read are no answer.
  const askedSet = new Set(partitions);
  const asked = runs.every((run) => askedSet.has(run.partition)) ? plans : new Map(partitions.flatMap((partition) => (plans.has(partition) ? [[partition, plans.get(partition)!] as const] : [])));
  return { graph, selected, plans: asked, keys, code: runs.length === 0 ? new Map() : inputsOf(runs[0]!.partition).inputs.code, readsAcross };
}

/**
 * The runs of `partitions`, and a run of each partition outside them that
 * they read, of just what they read there (a selected upstream, with what
 * it needs in that partition), and so on for what those read: each asked
 * partition is judged as a look at every partition would judge it, so one
 * that reads a stale partition outside `partitions` (the day before's, all
 * of them through a roll-up that feeds its run) is `upstream-planned` there
 * too, rather than fresh for what that partition stores now. Only what is
 * read is followed: a question about one day plans the chain of days it
 * reads, not every asset of every day before it.
 */
function runsWithTheirReads(
  graph: AssetGraph,
  partitions: readonly string[],
  runOf: (partition: string) => PartitionRun | undefined,
  chosen: (key: string) => DefinedAsset | undefined,
  selected: ReadonlySet<string>,
  context: PartitionsContext,
): PartitionRun[] {
  const runs = partitions.flatMap((partition) => runOf(partition) ?? []);
  const asked = new Set(runs.map((run) => run.partition));
  /** What each partition outside the asked ones plans: the assets read there, and what they need. */
  const outside = new Map<string, Set<string>>();
  const visited = new Set<string>();
  const pending: [partition: string, key: string][] = [];
  const visit = (partition: string, key: string) => {
    if (!asked.has(partition)) outside.set(partition, (outside.get(partition) ?? new Set()).add(key));
    const id = `${partition}\n${key}`;
    if (visited.has(id)) return;
    visited.add(id);
    pending.push([partition, key]);
  };
  for (const run of runs) for (const key of run.selected) visit(run.partition, key);
  // An unpartitioned asset (a roll-up that feeds every run) reads the same partitions in each: followed once.
  const followedUnpartitioned = new Set<string>();
  while (pending.length > 0) {
    const [partition, key] = pending.pop()!;
    const asset = graph.asset(key);
    if (asset.partitions === undefined) {
      if (followedUnpartitioned.has(key)) continue;
      followedUnpartitioned.add(key);
    }
    for (const dep of asset.deps) {
      const upstream = chosen(dep);
      if (upstream === undefined) continue;
      if (upstream.partitions === undefined) visit(partition, dep);
      else if (selected.has(dep)) for (const read of upstreamPartitions(asset, partition, upstream, context)!) visit(read, dep);
    }
  }
  return [...runs, ...[...outside].map(([partition, keys]) => ({ partition, selected: [...keys] }))];
}

/**
 * For each asset of a plan without a partition that reads partitions of a
 * selected partitioned upstream (left out of that plan), the upstreams some
 * partition of which it reads is stale or missing: a plain materialize runs
 * those partitions first, so it is `upstream-planned` as it would be behind
 * a stale unpartitioned upstream. A partition it does not read changes
 * nothing.
 */
async function plannedPartitionReads(
  definitions: Definitions,
  storage: InstanceStorage,
  inputPartitions: ReadonlyMap<string, Readonly<Record<string, readonly string[]>>>,
  leftOut: readonly LeftOutAsset[],
  options: PlanOptions,
): Promise<Map<string, string[]> | undefined> {
  const leftOutKeys = new Set(leftOut.map((asset) => asset.key));
  const reads = [...inputPartitions].flatMap(([key, byDep]) => Object.entries(byDep).filter(([dep]) => leftOutKeys.has(dep)).map(([dep, partitions]) => ({ key, dep, partitions })));
  if (reads.length === 0) return undefined;
  // A selection holds every upstream of what it selects: plans that selected each upstream read planned it as these would.
  const given = options.partitionPlans;
  const { plans } = given !== undefined && reads.every((read) => given.selected.includes(read.dep)) ? given : await planPartitions(definitions, storage, {
    select: `+(${[...new Set(reads.map((read) => `key:${read.dep}`))].join(', ')})`,
    partitions: [...new Set(reads.flatMap((read) => read.partitions))],
    env: options.env,
    now: options.now,
    signal: options.signal,
    codeCacheFile: options.codeCacheFile,
    codeVersions: options.codeVersions,
    changeTimes: options.changeTimes,
  });
  const planned = new Map<string, string[]>();
  for (const { key, dep, partitions } of reads) {
    if (partitions.some((partition) => plans.get(partition)?.plan.planned.some((asset) => asset.key === dep) === true)) planned.set(key, [...(planned.get(key) ?? []), dep]);
  }
  return planned;
}

/** Whether `plan` read what a plan of `involvedKeys` (a selection and its upstreams, none partitioned) needs. */
function covers(plan: MaterializationPlan, involvedKeys: readonly string[]): boolean {
  return plan.partition === undefined && involvedKeys.every((key) => plan.inputs.currentDataVersions.has(key) || plan.inputs.unreadable.has(key));
}

/** One run's share of what `readPlanInputs` reads: the partition it materializes (none: unpartitioned) and its selected assets. */
interface PlannedRun {
  readonly partition: string | undefined;
  readonly selected: readonly string[];
}

/** The run of one partition that `planPartitions` plans. */
type PartitionRun = PlannedRun & { readonly partition: string };

/** What a plan of one run is made from, as `readPlanInputs` returns it for each run. */
type RunInputs = Pick<MaterializationPlan, 'inputs'> & { readonly partitions: Pick<MaterializationPlan, 'inputPartitions' | 'partitionVersions'> };

/**
 * Reads what planning `runs` needs: the code versions, what the instance
 * recorded, what the IO managers store now (of unpartitioned assets as one
 * table, of partitioned ones per partition), what the source assets
 * observe, the manifests of changed code and the fingerprints of resource
 * settings; once for every run, so planning many partitions costs one read
 * per asset. An observe or data version that throws is kept as `unreadable`.
 */
async function readPlanInputs(
  definitions: Definitions,
  storage: InstanceStorage,
  graph: AssetGraph,
  runs: readonly PlannedRun[],
  involvedKeys: readonly string[],
  resources: ResourcePool,
  options: PlanOptions,
  context: PartitionsContext,
): Promise<(partition: string | undefined) => RunInputs> {
  // The observations of every partition run at once, each file stream listening to this signal: a signal of
  // the plan's own (following the caller's) takes them all without Node's warning of a leak past 10 listeners.
  const signal = AbortSignal.any(options.signal === undefined ? [] : [options.signal]);
  setMaxListeners(0, signal);
  const code =
    options.codeVersions === 'declared'
      ? declaredCodeVersions(definitions)
      : versionsAsRun(await codeVersionsOf(definitions, { projectRoot: projectRoot(), cacheFile: options.codeCacheFile }), options.changeTimes);
  const selected = [...new Set(runs.flatMap((run) => run.selected))];
  // Partitioned assets are read partition by partition, the others as one table.
  const unpartitioned = involvedKeys.filter((key) => graph.asset(key).partitions === undefined);
  // The records come first: IO managers use them to skip re-hashing unchanged outputs.
  const [unpartitionedRecords, partitionsOf] = await Promise.all([
    storage.latestMaterializations(unpartitioned),
    readPartitionInputs(definitions, storage, graph, runs, context),
  ]);
  const runPartitions = runs.map((run) => partitionsOf(run.partition));
  const [dataVersions, observed, recordedManifests, instanceKey] = await Promise.all([
    readEach(unpartitioned, (key) => {
      const asset = graph.asset(key);
      return definitions.ioManagers[asset.ioManager]!.dataVersion(asset, unpartitionedRecords.get(key));
    }),
    // A partitioned source observes each partition it is planned for: a day's data can change alone.
    readEach(
      [...new Set(runs.flatMap((run) => run.selected.filter((key) => graph.asset(key).observe !== undefined).map((key) => observationKey(key, graph.asset(key).partitions === undefined ? undefined : run.partition))))],
      async (observed) => {
        const { key, partition } = parseObservationKey(observed);
        const asset = graph.asset(key);
        return asObservation(await asset.observe!({ resources: await resources.resolve(asset.resources), signal, partitionKey: partition }));
      },
    ),
    // Only the manifests of versions that changed: `why` names what changed in them.
    storage.codeManifests([...new Set([unpartitionedRecords, ...runPartitions.map((partitions) => partitions.recorded)].flatMap((records) =>
      [...records].flatMap(([key, record]) => (record.codeVersion !== code.get(key)?.version ? [record.codeVersion] : [])),
    ))]),
    storage.instanceKey(),
  ]);
  // A canceled command stops here rather than planning its observations as unreadable.
  signal.throwIfAborted();
  const { declared: declaredSettings, asRun: settingsAsRun } = settingsFingerprints(definitions, options.env ?? {}, instanceKey);
  const failures = runPartitions[0]?.failures ?? new Map<string, unknown>();
  const unreadable = new Map<string, { stage: 'observe' | 'data-version'; error: PlanningError }>();
  for (const [stage, failed] of [['data-version', dataVersions.failures], ['data-version', failures], ['observe', observed.failures]] as const) {
    for (const [failedKey, error] of failed) {
      const key = stage === 'observe' ? parseObservationKey(failedKey).key : failedKey;
      if (unreadable.has(key)) continue;
      unreadable.set(key, { stage, error: describeError(error) });
    }
  }
  const byPartition = new Map(runs.map((run, index) => [run.partition, runPartitions[index]!]));
  return (partition) => {
    const partitions = byPartition.get(partition)!;
    const observations = new Map<string, Observation>();
    for (const key of selected) {
      const observation = observed.values.get(observationKey(key, graph.asset(key).partitions === undefined ? undefined : partition));
      if (observation !== undefined) observations.set(key, observation);
    }
    const recorded = partitions.recorded.size === 0 ? unpartitionedRecords : new Map([...unpartitionedRecords, ...partitions.recorded]);
    const pastWindows = new Set<string>();
    const closedWindows = new Map<string, Date>();
    if (partition !== undefined) {
      for (const key of selected) {
        const { partitions: definition, maxAgeMs } = graph.asset(key);
        if (definition === undefined) continue;
        // Only an asset with a maxAge can expire, so only those need the window worked out, once per partition planned.
        if (maxAgeMs !== undefined && !agesOut(definition, partition, context.now)) pastWindows.add(key);
        const record = partitions.recorded.get(key);
        const windowEnd = record === undefined ? undefined : windowClosedSince(definition, partition, record.materializedAt, context.now);
        if (windowEnd !== undefined) closedWindows.set(key, windowEnd);
      }
    }
    return {
      inputs: {
        recorded,
        currentDataVersions: partitions.currentDataVersions.size === 0 ? dataVersions.values : new Map([...dataVersions.values, ...partitions.currentDataVersions]),
        inputVersions: partitions.inputVersions,
        observations,
        code,
        recordedManifests,
        configVersions: settingsNow(selected, recorded, declaredSettings, settingsAsRun),
        settingsAsRun,
        unreadable,
        pastWindows,
        closedWindows,
      },
      partitions,
    };
  };
}

/**
 * The settings of each of `keys` as fingerprinted now: `declared`, and for
 * an asset whose last materialization's resources read variables from their
 * `env`, those variables' values now too (`settingsAsRun`). `declared` itself
 * when no record holds such a read, as in most projects.
 */
function settingsNow(
  keys: readonly string[],
  recorded: ReadonlyMap<string, MaterializationRecord>,
  declared: ReadonlyMap<string, Readonly<Record<string, string>>>,
  settingsAsRun: SettingsAsRun,
): ReadonlyMap<string, Readonly<Record<string, string>>> {
  let withReads: Map<string, Readonly<Record<string, string>>> | undefined;
  for (const key of keys) {
    const record = recorded.get(key);
    if (record === undefined) continue;
    const envReads = recordedEnvReads(record.configVersions);
    if (Object.keys(envReads).length > 0) (withReads ??= new Map(declared)).set(key, settingsAsRun(key, envReads));
  }
  return withReads ?? declared;
}

/** Whether a run of the plan has anything to do: assets to materialize, or checks to run again on assets left as they are. */
export function hasWork(plan: MaterializationPlan): boolean {
  return plan.plan.planned.length > 0 || plan.pendingChecks.size > 0;
}

/**
 * The latest check results of the involved assets, and the checks of the
 * selected stored assets that must run again: their code changed, or a table
 * they judged did (the asset's own, as its IO manager stores it now; another
 * asset's they read, as last recorded), or will once the run rebuilds a
 * `planned` asset they read. Definitions without checks cost no query.
 */
async function checksToRun(
  definitions: Definitions,
  storage: InstanceStorage,
  involvedKeys: readonly string[],
  selected: readonly string[],
  recorded: ReadonlyMap<string, MaterializationRecord>,
  dataVersions: ReadonlyMap<string, string | undefined>,
  planned: ReadonlySet<string>,
): Promise<Pick<MaterializationPlan, 'checkResults' | 'pendingChecks'>> {
  const checked = involvedKeys.filter((key) => definitions.asset(key)!.checks.length > 0);
  if (checked.length === 0) return { checkResults: new Map(), pendingChecks: new Map() };
  const checkResults = await storage.latestCheckResults(checked);
  const readsOf = (key: string, check: AnyAssetCheck) => checkReads(key, check, checkResults.get(checkKey(key, check)));
  const readKeys = [...new Set(checked.flatMap((key) => definitions.asset(key)!.checks.flatMap((check) => readsOf(key, check))))].filter((key) => !recorded.has(key));
  const readRecords = await storage.latestMaterializations(readKeys);
  const currentDataVersion = (key: string) => (dataVersions.has(key) ? dataVersions.get(key) : (recorded.get(key) ?? readRecords.get(key))?.dataVersion);
  const pending = new Map<string, readonly AnyAssetCheck[]>();
  for (const key of selected) {
    if (!recorded.has(key)) continue;
    // A check that reads an asset the run rebuilds judges the new table once it is stored (`RunChecks`), if it changed.
    const stale = new Set(pendingChecks(definitions.asset(key)!, checkResults, currentDataVersion));
    const checks = definitions.asset(key)!.checks.filter((check) => stale.has(check) || readsOf(key, check).some((read) => planned.has(read)));
    if (checks.length > 0) pending.set(key, checks);
  }
  return { checkResults, pendingChecks: pending };
}

/**
 * Reads a value for every key, all at once. A failure is kept with its key
 * rather than thrown, so one unreadable asset does not stop the plan.
 */
async function readEach<T>(keys: readonly string[], read: (key: string) => Promise<T>): Promise<{ values: Map<string, T>; failures: Map<string, unknown> }> {
  const settled = await Promise.allSettled(keys.map(read));
  const values = new Map<string, T>();
  const failures = new Map<string, unknown>();
  settled.forEach((outcome, index) => {
    if (outcome.status === 'rejected') failures.set(keys[index]!, outcome.reason);
    else values.set(keys[index]!, outcome.value);
  });
  return { values, failures };
}

/** An observation's key in `readEach`: the asset's, with the partition it was observed for. */
function observationKey(key: string, partition: string | undefined): string {
  return partition === undefined ? key : `${key}\u0000${partition}`;
}

function parseObservationKey(observed: string): { key: string; partition: string | undefined } {
  const split = observed.indexOf('\u0000');
  return split < 0 ? { key: observed, partition: undefined } : { key: observed.slice(0, split), partition: observed.slice(split + 1) };
}

/** What `observe` returned, as an `Observation`: a bare string is a version, undefined an unknown one. */
function asObservation(observed: Observation | string | undefined): Observation {
  return typeof observed === 'object' ? observed : { version: observed };
}

