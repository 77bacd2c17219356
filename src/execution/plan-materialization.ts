import type { Definitions } from '../core/definitions.js';
import { StrataError, UsageError } from '../core/errors.js';
import { AssetGraph } from '../graph/asset-graph.js';
import { type Plan, planAssets } from '../graph/planner.js';
import { parseSelection } from '../graph/selection-parser.js';
import { resolveSelection, selectAssets } from '../graph/resolve-selection.js';
import type { InstanceStorage, MaterializationRecord } from '../storage/instance-storage.js';
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
}

/** Everything a run, `status` and `why` need: the plan and the state it was made from. */
export interface MaterializationPlan {
  readonly graph: AssetGraph;
  readonly selected: readonly string[];
  readonly plan: Plan;
  readonly recorded: ReadonlyMap<string, MaterializationRecord>;
  /** Data version stored now for every selected asset and its upstreams. */
  readonly currentDataVersions: ReadonlyMap<string, string | undefined>;
  readonly observedVersions: ReadonlyMap<string, string | undefined>;
  /** Resources created while observing, reused by the run so nothing is created twice. */
  readonly resources: ResourcePool;
}

/**
 * Resolves the selection, reads what the instance recorded and what the IO
 * managers store now, asks source assets to observe their external data, and
 * plans. Throws when a planned asset needs an unselected upstream that was
 * never materialized: Strata never runs assets outside the selection.
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
  const signal = options.signal ?? new AbortController().signal;
  const resources = new ResourcePool(definitions.resources, options.env ?? {});

  // The records come first: IO managers use them to skip re-hashing unchanged outputs.
  const recorded = await storage.latestMaterializations(involvedKeys);
  const [currentDataVersions, observedVersions] = await Promise.all([
    readVersions(involvedKeys, (key) => {
      const asset = graph.asset(key);
      return definitions.ioManagers[asset.ioManager]!.dataVersion(asset, recorded.get(key));
    }),
    readVersions(
      selected.filter((key) => graph.asset(key).observe !== undefined),
      async (key) => {
        const asset = graph.asset(key);
        return asset.observe!({ resources: await resources.resolve(asset.resources), signal });
      },
    ),
  ]);

  const plan = planAssets({
    graph,
    selected,
    recorded,
    currentDataVersions,
    observedVersions,
    forced,
    now: (options.now ?? (() => new Date()))(),
  });

  const selectedSet = new Set(selected);
  const unmet: string[] = [];
  for (const planned of plan.planned) {
    for (const dep of graph.asset(planned.key).deps) {
      if (!selectedSet.has(dep) && currentDataVersions.get(dep) === undefined) unmet.push(`${planned.key} needs ${dep}`);
    }
  }
  if (unmet.length > 0) {
    const missing = [...new Set(unmet.map((line) => line.split(' needs ')[1]!))];
    throw new StrataError(
      'STRATA_UNMATERIALIZED_UPSTREAM',
      `Selected assets need upstream assets that are not selected and have never been materialized: ${unmet.join('; ')}.`,
      { hint: `Select them too, e.g. --select ${plan.planned.map((p) => `+${p.key}`).slice(0, 2).join(',')}, or materialize ${missing.join(', ')} first.` },
    );
  }
  return { graph, selected, plan, recorded, currentDataVersions, observedVersions, resources };
}

async function readVersions(
  keys: readonly string[],
  read: (key: string) => Promise<string | undefined>,
): Promise<Map<string, string | undefined>> {
  // All settle before any failure is reported, so the error is the first asset's in order, not whichever failed soonest.
  const settled = await Promise.allSettled(keys.map(read));
  const versions = new Map<string, string | undefined>();
  settled.forEach((outcome, index) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    versions.set(keys[index]!, outcome.value);
  });
  return versions;
}
