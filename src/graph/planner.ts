import { EXTERNAL_INPUT } from '../core/asset.js';
import type { AssetGraph } from './asset-graph.js';

/** Why an asset is planned; see DESIGN.md "Staleness". */
export type StaleReason =
  | { readonly kind: 'missing'; readonly detail: 'never-materialized' | 'output-gone' }
  | { readonly kind: 'code-changed'; readonly recorded: string; readonly current: string }
  | { readonly kind: 'upstream-changed'; readonly upstream: string; readonly recorded: string | undefined; readonly current: string }
  | { readonly kind: 'upstream-planned'; readonly upstreams: readonly string[] }
  | { readonly kind: 'output-modified'; readonly recorded: string; readonly current: string }
  | { readonly kind: 'expired'; readonly materializedAt: Date; readonly maxAgeMs: number }
  | { readonly kind: 'forced' };

export type StaleReasonKind = StaleReason['kind'];

export type AssetStatus = 'fresh' | 'stale' | 'missing';

/** What the planner needs from an asset's last materialization (a subset of the stored record). */
export interface RecordedMaterialization {
  readonly materializedAt: Date;
  readonly codeVersion: string;
  readonly dataVersion: string;
  readonly inputDataVersions: Readonly<Record<string, string>>;
}

export interface PlanInput {
  readonly graph: AssetGraph;
  /** The selected keys; only these are ever planned. */
  readonly selected: Iterable<string>;
  /** Last materialization of each asset that has one. */
  readonly recorded: ReadonlyMap<string, RecordedMaterialization>;
  /**
   * The data version of what each IO manager stores now, for every selected
   * asset and every upstream of one (undefined: nothing stored).
   */
  readonly currentDataVersions: ReadonlyMap<string, string | undefined>;
  /** What each selected asset's `observe` reported about its external data (absent: no observer, or unknown). */
  readonly observedVersions?: ReadonlyMap<string, string | undefined>;
  /** Keys planned as `forced` whatever their state. */
  readonly forced?: ReadonlySet<string>;
  readonly now: Date;
}

export interface PlannedAsset {
  readonly key: string;
  readonly status: AssetStatus;
  /** Empty when the asset is fresh; in the order of DESIGN.md's table. */
  readonly reasons: readonly StaleReason[];
}

export interface Plan {
  /** Every selected asset, in topological order (ties by key). */
  readonly assets: readonly PlannedAsset[];
  /** The selected assets that will run (or be cut off early), in the same order. */
  readonly planned: readonly PlannedAsset[];
}

const NO_REASONS: readonly StaleReason[] = Object.freeze([]);

/**
 * Decides, for every selected asset, whether it is fresh and if not why. A
 * pure function of the graph, the recorded materializations, the current data
 * versions and the clock, so `status`, `why`, `--dry-run` and a real run all
 * agree. Walks in topological order so `upstream-planned` can look at parents
 * already decided.
 */
export function planAssets(input: PlanInput): Plan {
  const { graph, recorded, currentDataVersions, now } = input;
  const forced = input.forced ?? new Set<string>();
  const plannedKeys = new Set<string>();
  const assets: PlannedAsset[] = [];
  const planned: PlannedAsset[] = [];

  const keys = graph.sortTopologically(input.selected);
  // Plans cover up to every asset of the graph, once per command: indexed loops, since `for...of`
  // allocates an iterator result per step until V8 optimizes the loop, which a 10k plan barely reaches.
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    // Sorting puts a key selected twice side by side: plan it once.
    if (index > 0 && key === keys[index - 1]) continue;
    const asset = graph.asset(key);
    const record = recorded.get(key);
    const current = currentDataVersions.get(key);
    const reasons: StaleReason[] = [];

    if (record === undefined) reasons.push({ kind: 'missing', detail: 'never-materialized' });
    else if (current === undefined) reasons.push({ kind: 'missing', detail: 'output-gone' });
    if (record !== undefined) {
      if (record.codeVersion !== asset.codeVersion) {
        reasons.push({ kind: 'code-changed', recorded: record.codeVersion, current: asset.codeVersion });
      }
      for (let dep = 0; dep < asset.deps.length; dep++) {
        const upstream = asset.deps[dep]!;
        upstreamChanged(reasons, record, upstream, currentDataVersions.get(upstream));
      }
      upstreamChanged(reasons, record, EXTERNAL_INPUT, input.observedVersions?.get(key));
    }
    if (plannedKeys.size > 0) {
      const plannedUpstreams = asset.deps.filter((dep) => plannedKeys.has(dep));
      if (plannedUpstreams.length > 0) reasons.push({ kind: 'upstream-planned', upstreams: plannedUpstreams.sort() });
    }
    if (record !== undefined && current !== undefined && current !== record.dataVersion) {
      reasons.push({ kind: 'output-modified', recorded: record.dataVersion, current });
    }
    if (record !== undefined && asset.maxAgeMs !== undefined && now.getTime() - record.materializedAt.getTime() > asset.maxAgeMs) {
      reasons.push({ kind: 'expired', materializedAt: record.materializedAt, maxAgeMs: asset.maxAgeMs });
    }
    if (forced.has(key)) reasons.push({ kind: 'forced' });

    if (reasons.length === 0) {
      // Fresh assets, most of a large plan, share one frozen empty list.
      assets.push(Object.freeze({ key, status: 'fresh', reasons: NO_REASONS }));
      continue;
    }
    plannedKeys.add(key);
    // `missing` can only come first.
    const status: AssetStatus = reasons[0]!.kind === 'missing' ? 'missing' : 'stale';
    const plannedAsset = Object.freeze({ key, status, reasons: Object.freeze(reasons) });
    assets.push(plannedAsset);
    planned.push(plannedAsset);
  }
  return Object.freeze({ assets: Object.freeze(assets), planned: Object.freeze(planned) });
}

/** Pushes `upstream-changed` when an upstream's current data version differs from the one this asset recorded reading. */
function upstreamChanged(reasons: StaleReason[], record: RecordedMaterialization, upstream: string, current: string | undefined): void {
  // A missing upstream is not "changed": it is either planned itself or an error the caller reports.
  if (current === undefined) return;
  const recordedInput = record.inputDataVersions[upstream];
  if (current !== recordedInput) reasons.push({ kind: 'upstream-changed', upstream, recorded: recordedInput, current });
}

/**
 * Whether a planned asset may be skipped at run time when its inputs come out
 * unchanged (early cutoff): only if nothing but a planned upstream put it in the plan.
 */
export function mayCutOffEarly(planned: PlannedAsset): boolean {
  return planned.reasons.length > 0 && planned.reasons.every((reason) => reason.kind === 'upstream-planned');
}
