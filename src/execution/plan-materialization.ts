import type { Observation } from '../core/asset.js';
import type { Definitions } from '../core/definitions.js';
import { StrataError, UsageError } from '../core/errors.js';
import { projectRoot } from '../core/project-root.js';
import { AssetGraph } from '../graph/asset-graph.js';
import { type Plan, type PlanInput, planAssets, type PlanningError } from '../graph/planner.js';
import { parseSelection } from '../graph/selection-parser.js';
import { resolveSelection, selectAssets } from '../graph/resolve-selection.js';
import type { AnyAssetCheck } from '../core/asset-check.js';
import type { CheckResultRecord, InstanceStorage, MaterializationRecord } from '../storage/instance-storage.js';
import { pendingChecks } from './check-states.js';
import { type CodeVersion, codeVersionsOf, declaredCodeVersions } from '../versioning/code-versions.js';
import { configFingerprints } from '../versioning/config-fingerprints.js';
import { describeError } from './describe-error.js';
import { ResourcePool } from './resource-pool.js';

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
  /**
   * A plan this command made moments ago of a superset of the selection and
   * its upstreams (the plan of every asset that resolved a state selection,
   * `status:stale`): what it read (stored data versions, observations, code
   * versions) is used again rather than read twice, so a command computes
   * staleness once. Ignored when it does not cover the selection.
   */
  readonly reuse?: MaterializationPlan | undefined;
}

/** The reads a plan is made from, which another plan of part of the same assets can use again. */
export type ReusableInputs = Required<Omit<PlanInput, 'graph' | 'selected' | 'forced' | 'now' | 'recorded' | 'code'>> & {
  readonly recorded: ReadonlyMap<string, MaterializationRecord>;
  readonly code: ReadonlyMap<string, CodeVersion>;
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
  /** The fingerprints of the settings each asset runs with, recorded with its materializations. */
  readonly configVersions: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Resources created while observing, reused by the run so nothing is created twice. */
  readonly resources: ResourcePool;
  /** What the plan was made from (besides the selection), for a later plan of part of it (`PlanOptions.reuse`). */
  readonly inputs: ReusableInputs;
  /** The latest result of every check of the selected assets and their upstreams, by check key (`users.unique_id`). */
  readonly checkResults: ReadonlyMap<string, CheckResultRecord>;
  /** The checks of selected, stored assets whose latest result no longer speaks for what is stored (see `pendingChecks`). */
  readonly pendingChecks: ReadonlyMap<string, readonly AnyAssetCheck[]>;
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
  const selected = selectAssets(graph, { select: options.select, exclude: options.exclude });
  const forced = new Set<string>(options.force === true ? selected : []);
  if (options.refresh !== undefined) {
    const refreshed = resolveSelection(graph, parseSelection(options.refresh));
    const inSelection = selected.filter((key) => refreshed.has(key));
    if (inSelection.length === 0) {
      throw new UsageError(`--refresh "${options.refresh}" matches none of the selected assets.`, {
        hint: 'Refreshed assets must be part of the selection; widen --select or change --refresh.',
      });
    }
    for (const key of inSelection) forced.add(key);
  }

  const involved = new Set(selected);
  for (const key of selected) for (const dep of graph.asset(key).deps) involved.add(dep);
  const involvedKeys = graph.sortTopologically(involved);
  const reused = options.reuse !== undefined && covers(options.reuse, involvedKeys) ? options.reuse : undefined;
  const resources = reused?.resources ?? new ResourcePool(definitions.resources, options.env ?? {});
  const inputs = reused?.inputs ?? (await readPlanInputs(definitions, storage, graph, selected, involvedKeys, resources, options));
  const { recorded, currentDataVersions, unreadable } = inputs;

  const plan = planAssets({ graph, selected, ...inputs, forced, now: (options.now ?? (() => new Date()))() });

  const selectedSet = new Set(selected);
  const unmet: string[] = [];
  for (const key of selected) {
    for (const dep of graph.asset(key).deps) {
      if (!selectedSet.has(dep) && currentDataVersions.get(dep) === undefined && !unreadable.has(dep)) unmet.push(`${key} needs ${dep}`);
    }
  }
  if (unmet.length > 0) {
    const missing = [...new Set(unmet.map((line) => line.split(' needs ')[1]!))];
    const needing = [...new Set(unmet.map((line) => line.split(' needs ')[0]!))];
    throw new StrataError(
      'STRATA_UNMATERIALIZED_UPSTREAM',
      `Selected assets need upstream assets that are not selected and have no stored output: ${unmet.join('; ')}.`,
      { hint: `Select them too, e.g. --select ${needing.map((key) => `+${key}`).slice(0, 2).join(',')}, or materialize ${missing.join(', ')} first.` },
    );
  }
  return {
    graph,
    selected,
    plan,
    recorded,
    currentDataVersions,
    observations: inputs.observations,
    code: inputs.code,
    configVersions: inputs.configVersions,
    resources,
    inputs,
    ...(await checksToRun(definitions, storage, involvedKeys, selected, recorded, currentDataVersions)),
  };
}

/** Whether `plan` read what a plan of `involvedKeys` (a selection and its upstreams) needs. */
function covers(plan: MaterializationPlan, involvedKeys: readonly string[]): boolean {
  return involvedKeys.every((key) => plan.inputs.currentDataVersions.has(key) || plan.inputs.unreadable.has(key));
}

/**
 * Reads what planning needs: the code versions, what the instance recorded,
 * what the IO managers store now, what the source assets observe, the
 * manifests of changed code and the fingerprints of resource settings. An
 * observe or data version that throws is kept as `unreadable`.
 */
async function readPlanInputs(
  definitions: Definitions,
  storage: InstanceStorage,
  graph: AssetGraph,
  selected: readonly string[],
  involvedKeys: readonly string[],
  resources: ResourcePool,
  options: PlanOptions,
): Promise<ReusableInputs> {
  const signal = options.signal ?? new AbortController().signal;
  const code =
    options.codeVersions === 'declared'
      ? declaredCodeVersions(definitions)
      : await codeVersionsOf(definitions, { projectRoot: projectRoot(), cacheFile: options.codeCacheFile });
  // The records come first: IO managers use them to skip re-hashing unchanged outputs.
  const recorded = await storage.latestMaterializations(involvedKeys);
  const [dataVersions, observed, recordedManifests, instanceKey] = await Promise.all([
    readEach(involvedKeys, (key) => {
      const asset = graph.asset(key);
      return definitions.ioManagers[asset.ioManager]!.dataVersion(asset, recorded.get(key));
    }),
    readEach(
      selected.filter((key) => graph.asset(key).observe !== undefined),
      async (key) => {
        const asset = graph.asset(key);
        return asObservation(await asset.observe!({ resources: await resources.resolve(asset.resources), signal }));
      },
    ),
    // Only the manifests of versions that changed: `why` names what changed in them.
    storage.codeManifests([...new Set(selected.flatMap((key) => {
      const record = recorded.get(key);
      return record !== undefined && record.codeVersion !== code.get(key)?.version ? [record.codeVersion] : [];
    }))]),
    storage.instanceKey(),
  ]);
  // A canceled command stops here rather than planning its observations as unreadable.
  signal.throwIfAborted();
  const unreadable = new Map<string, { stage: 'observe' | 'data-version'; error: PlanningError }>();
  for (const [stage, failures] of [['data-version', dataVersions.failures], ['observe', observed.failures]] as const) {
    for (const [key, error] of failures) {
      if (unreadable.has(key)) continue;
      unreadable.set(key, { stage, error: describeError(error) });
    }
  }
  return {
    recorded,
    currentDataVersions: dataVersions.values,
    observations: observed.values,
    code,
    recordedManifests,
    configVersions: configFingerprints(definitions, options.env ?? {}, instanceKey),
    unreadable,
  };
}

/** Whether a run of the plan has anything to do: assets to materialize, or checks to run again on assets left as they are. */
export function hasWork(plan: MaterializationPlan): boolean {
  return plan.plan.planned.length > 0 || plan.pendingChecks.size > 0;
}

/**
 * The latest check results of the involved assets, and the checks of the
 * selected stored assets that must run again: their code changed, or a table
 * they judged did (the asset's own, as its IO manager stores it now; another
 * asset's they read, as last recorded). Definitions without checks cost no
 * query.
 */
async function checksToRun(
  definitions: Definitions,
  storage: InstanceStorage,
  involvedKeys: readonly string[],
  selected: readonly string[],
  recorded: ReadonlyMap<string, MaterializationRecord>,
  dataVersions: ReadonlyMap<string, string | undefined>,
): Promise<Pick<MaterializationPlan, 'checkResults' | 'pendingChecks'>> {
  const checked = involvedKeys.filter((key) => definitions.asset(key)!.checks.length > 0);
  if (checked.length === 0) return { checkResults: new Map(), pendingChecks: new Map() };
  const readKeys = [...new Set(checked.flatMap((key) => definitions.asset(key)!.checks.flatMap((check) => check.reads)))].filter((key) => !recorded.has(key));
  const [checkResults, readRecords] = await Promise.all([storage.latestCheckResults(checked), storage.latestMaterializations(readKeys)]);
  const currentDataVersion = (key: string) => (dataVersions.has(key) ? dataVersions.get(key) : (recorded.get(key) ?? readRecords.get(key))?.dataVersion);
  const pending = new Map<string, readonly AnyAssetCheck[]>();
  for (const key of selected) {
    if (!recorded.has(key)) continue;
    const checks = pendingChecks(definitions.asset(key)!, checkResults, currentDataVersion);
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

/** What `observe` returned, as an `Observation`: a bare string is a version, undefined an unknown one. */
function asObservation(observed: Observation | string | undefined): Observation {
  return typeof observed === 'object' ? observed : { version: observed };
}

