import type { Definitions } from '../core/definitions.js';
import type { MaterializationPlan } from '../execution/plan-materialization.js';
import { ResourcePool } from '../execution/resource-pool.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import { type SelectAssetsOptions, type SelectionResult, selectAssetsWithWarnings } from '../graph/resolve-selection.js';
import type { StateSelection } from '../graph/selection-ast.js';
import { parseSelection } from '../graph/selection-parser.js';
import { type SelectionStates, stateAtoms } from '../graph/selection-states.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import { readAssetActivity } from './asset-activity.js';
import { checksWithProblem, readCheckSummaries } from './check-summaries.js';
import { type AssetState, type AssetStateOptions, planAssetStates, readAssetStates } from './asset-states.js';

/**
 * How many of the newest runs `status:failed` looks through for an asset's
 * last attempt: an asset that failed in an older run and was never tried
 * since is not found (the price of not reading every event ever recorded).
 */
const FAILED_RUNS_WINDOW = 100;

/** What a selection selects, and the state of each selected asset when asked for. */
export interface SelectedStates extends SelectionResult {
  /** Of every selected asset when `withStates`, else only what the state atoms needed (possibly nothing). */
  readonly states: ReadonlyMap<string, AssetState>;
  /** The plan of every asset a status atom made, for a run of the selection to plan from (`PlanOptions.reuse`), so staleness is computed once. */
  readonly plan?: MaterializationPlan | undefined;
}

/**
 * Resolves a selection, reading the instance's state only when an expression
 * has a state atom, and only the state it asks for: the plan of every asset
 * for `status:fresh|stale|missing`, the newest runs' events for
 * `status:failed`. With `withStates` the selected assets' states come from
 * the same plan when one was made, so a command plans once
 * (`assets status --select status:stale`), else from a plan of the selected
 * assets (and their ancestors) alone.
 *
 * `check:failed` and `check:warned` read the checks' latest results.
 */
export async function selectWithStates(
  definitions: Definitions,
  graph: AssetGraph,
  storage: InstanceStorage,
  selection: Omit<SelectAssetsOptions, 'states'>,
  options: AssetStateOptions & { readonly withStates: boolean },
): Promise<SelectedStates> {
  const atoms = stateAtoms([selection.select, selection.exclude].map((expression) => (expression === undefined ? undefined : parseSelection(expression))));
  const { states, planned, plan } = await statesFor(definitions, graph, storage, atoms, options);
  const result = selectAssetsWithWarnings(graph, { ...selection, states });
  if (!options.withStates) return { ...result, states: planned ?? new Map(), plan };
  return { ...result, states: planned ?? (await readAssetStates(definitions, storage, result.keys, options)), plan };
}

async function statesFor(
  definitions: Definitions,
  graph: AssetGraph,
  storage: InstanceStorage,
  atoms: readonly StateSelection[],
  options: AssetStateOptions,
): Promise<{ states: SelectionStates | undefined; planned: ReadonlyMap<string, AssetState> | undefined; plan: MaterializationPlan | undefined }> {
  if (atoms.length === 0) return { states: undefined, planned: undefined, plan: undefined };
  const needsPlan = atoms.some((atom) => atom.attribute === 'status' && atom.value !== 'failed');
  const needsRuns = atoms.some((atom) => atom.attribute === 'status' && atom.value === 'failed');
  const needsChecks = atoms.some((atom) => atom.attribute === 'check');
  const [everything, activity, checks] = await Promise.all([
    needsPlan ? planAssetStates(definitions, storage, graph.keys, options) : undefined,
    needsRuns ? readAssetActivity(storage, { runs: FAILED_RUNS_WINDOW }) : undefined,
    needsChecks ? readCheckSummaries(definitions, storage) : [],
  ]);
  const planned = everything?.states;
  const byStatus = new Map<string, Set<string>>();
  for (const [key, state] of planned ?? []) {
    let keys = byStatus.get(state.status);
    if (keys === undefined) byStatus.set(state.status, (keys = new Set()));
    keys.add(key);
  }
  const failed = new Set(activity?.failed.keys());
  const states: SelectionStates = {
    status: (value) => (value === 'failed' ? failed : (byStatus.get(value) ?? new Set())),
    check: (value) => new Set(checksWithProblem(checks, value).map((summary) => summary.assetKey)),
  };
  return { states, planned, plan: everything?.plan };
}

/** An empty plan runs no step, so it has no settings to record. */
const settingsAsRun = () => ({});

/**
 * The plan of a state selection that selects no asset now (`status:failed`
 * when nothing failed): nothing selected, nothing planned, and nothing read,
 * so a dry run says everything is up to date.
 */
export function emptyPlan(definitions: Definitions, graph: AssetGraph, env: Readonly<Record<string, string | undefined>>): MaterializationPlan {
  return {
    graph,
    selected: [],
    plan: { assets: [], planned: [] },
    recorded: new Map(),
    currentDataVersions: new Map(),
    observations: new Map(),
    checkResults: new Map(),
    pendingChecks: new Map(),
    code: new Map(),
    configVersions: new Map(),
    settingsAsRun,
    resources: new ResourcePool(definitions.resources, env),
    inputs: { recorded: new Map(), currentDataVersions: new Map(), inputVersions: new Map(), observations: new Map(), code: new Map(), recordedManifests: new Map(), configVersions: new Map(), settingsAsRun, unreadable: new Map(), pastWindows: new Set(), closedWindows: new Map() },
    partition: undefined,
    partitionKeys: [],
    leftOut: [],
    deferred: [],
    inputPartitions: new Map(),
    partitionInputs: new Map(),
    partitionVersions: new Map(),
  };
}
