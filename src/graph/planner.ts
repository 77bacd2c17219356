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
  const selected = new Set(input.selected);
  const plannedKeys = new Set<string>();
  const assets: PlannedAsset[] = [];

  for (const key of graph.sortTopologically(selected)) {
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
      const inputs: [string, string | undefined][] = asset.deps.map((dep) => [dep, currentDataVersions.get(dep)]);
      inputs.push([EXTERNAL_INPUT, input.observedVersions?.get(key)]);
      for (const [upstream, upstreamVersion] of inputs) {
        const recordedInput = record.inputDataVersions[upstream];
        // A missing upstream is not "changed": it is either planned itself or an error the caller reports.
        if (upstreamVersion !== undefined && upstreamVersion !== recordedInput) {
          reasons.push({ kind: 'upstream-changed', upstream, recorded: recordedInput, current: upstreamVersion });
        }
      }
    }
    const plannedUpstreams = asset.deps.filter((dep) => plannedKeys.has(dep)).sort();
    if (plannedUpstreams.length > 0) reasons.push({ kind: 'upstream-planned', upstreams: plannedUpstreams });
    if (record !== undefined && current !== undefined && current !== record.dataVersion) {
      reasons.push({ kind: 'output-modified', recorded: record.dataVersion, current });
    }
    if (record !== undefined && asset.maxAgeMs !== undefined && now.getTime() - record.materializedAt.getTime() > asset.maxAgeMs) {
      reasons.push({ kind: 'expired', materializedAt: record.materializedAt, maxAgeMs: asset.maxAgeMs });
    }
    if (forced.has(key)) reasons.push({ kind: 'forced' });

    if (reasons.length > 0) plannedKeys.add(key);
    const status: AssetStatus = reasons.some((reason) => reason.kind === 'missing') ? 'missing' : reasons.length > 0 ? 'stale' : 'fresh';
    assets.push(Object.freeze({ key, status, reasons: Object.freeze(reasons) }));
  }
  return Object.freeze({ assets: Object.freeze(assets), planned: Object.freeze(assets.filter((asset) => asset.reasons.length > 0)) });
}

/**
 * Whether a planned asset may be skipped at run time when its inputs come out
 * unchanged (early cutoff): only if nothing but a planned upstream put it in the plan.
 */
export function mayCutOffEarly(planned: PlannedAsset): boolean {
  return planned.reasons.length > 0 && planned.reasons.every((reason) => reason.kind === 'upstream-planned');
}
