import { EXTERNAL_INPUT, type Observation } from '../core/asset.js';
import { type CodeChange, type CodeManifest, diffCodeManifests } from '../core/code-manifest.js';
import { parseSettingName } from '../core/setting-names.js';
import type { AssetGraph } from './asset-graph.js';

/** Why an asset is planned; see DESIGN.md "Staleness". */
export type StaleReason =
  | { readonly kind: 'missing'; readonly detail: 'never-materialized' | 'output-gone' }
  | { readonly kind: 'code-changed'; readonly recorded: string; readonly current: string; readonly changes: readonly CodeChange[] }
  | { readonly kind: 'config-changed'; readonly settings: readonly ChangedSetting[] }
  /**
   * An input is not what the asset read last time: `recorded` undefined, an
   * upstream it now depends on but did not read; `current` undefined, one it
   * read but no longer depends on, whose data its output still holds.
   */
  | { readonly kind: 'upstream-changed'; readonly upstream: string; readonly recorded: string | undefined; readonly current: string | undefined }
  | { readonly kind: 'upstream-planned'; readonly upstreams: readonly string[] }
  | { readonly kind: 'output-modified'; readonly recorded: string; readonly current: string }
  | { readonly kind: 'expired'; readonly materializedAt: Date; readonly maxAgeMs: number }
  /** A partition materialized while its time window was still open (`endOffset`), which has closed since: it holds part of its window at most. */
  | { readonly kind: 'window-closed'; readonly materializedAt: Date; readonly windowEnd: Date }
  | { readonly kind: 'forced' }
  /**
   * Its state could not be read while planning: its source's `observe`, or the
   * data version of its output (or of an upstream outside the selection), threw.
   * Unknown state is not fresh: the run materializes it, and fails it if the error persists.
   */
  | { readonly kind: 'unreadable'; readonly stage: 'observe' | 'data-version'; readonly asset: string; readonly error: PlanningError };

/** A resource setting whose fingerprint differs from the one the last materialization recorded. */
export interface ChangedSetting {
  readonly resource: string;
  /** null for an environment variable the resource read from its `env` beyond its settings. */
  readonly setting: string | null;
  /** The environment variable that sets it, if any; for `setting` null, the variable read. */
  readonly variable: string | undefined;
  readonly change: 'modified' | 'added' | 'removed';
}

/** An error thrown while planning, as plans and `--json` carry it. */
export interface PlanningError {
  readonly message: string;
  readonly code: string | undefined;
  readonly hint: string | undefined;
}

/**
 * What the plan knows of a source asset's external data: where it is read
 * from and whether its version could be checked without fetching it.
 */
export interface SourceObservation {
  readonly location: string | undefined;
  /** False when the source offers no cheap version (an API without ETag or Last-Modified): fresh is then assumed, not proven. */
  readonly checked: boolean;
  /** Says how the version was checked, or why it could not be and how to refresh. */
  readonly note: string | undefined;
}

export type StaleReasonKind = StaleReason['kind'];

export type AssetStatus = 'fresh' | 'stale' | 'missing';

/** What the planner needs from an asset's last materialization (a subset of the stored record). */
export interface RecordedMaterialization {
  readonly materializedAt: Date;
  readonly codeVersion: string;
  readonly dataVersion: string;
  readonly inputDataVersions: Readonly<Record<string, string>>;
  /** `<resource>.<setting>` -> fingerprint of the value it ran with. */
  readonly configVersions: Readonly<Record<string, string>>;
}

/** The current code version of an asset and what it was computed from. */
export interface CurrentCode {
  readonly version: string;
  readonly manifest: CodeManifest;
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
  /** What each selected asset's `observe` reported about its external data (absent: no observer). */
  readonly observations?: ReadonlyMap<string, Observation>;
  /** The effective code version of every selected asset; absent keys fall back to the asset's declared `codeVersion`. */
  readonly code?: ReadonlyMap<string, CurrentCode>;
  /** The manifests recorded for code versions that differ from the current ones (`codeManifests` of the storage). */
  readonly recordedManifests?: ReadonlyMap<string, CodeManifest>;
  /** Fingerprints of the resource settings each selected asset would run with, as `RecordedMaterialization.configVersions`. */
  readonly configVersions?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Assets whose state could not be read while planning (their observe or data version threw), with the error. */
  readonly unreadable?: ReadonlyMap<string, { readonly stage: 'observe' | 'data-version'; readonly error: PlanningError }>;
  /**
   * The version of what an asset reads from an upstream when it is not the
   * upstream's current data version, by asset then upstream key: what it
   * reads of a partitioned upstream (several partitions, combined).
   */
  readonly inputVersions?: ReadonlyMap<string, ReadonlyMap<string, string | undefined>>;
  /**
   * Upstreams that runs before this one would materialize first, by asset: a
   * partitioned upstream some partition of which the asset reads, other than
   * one this plan covers, is stale or missing (a plain materialize runs stale
   * partitions in key order, then the assets without partitions). Each is
   * `upstream-planned`.
   */
  readonly plannedReads?: ReadonlyMap<string, readonly string[]>;
  /** Keys planned as `forced` whatever their state. */
  readonly forced?: ReadonlySet<string>;
  /** Assets whose partition in this plan is a time window a newer one follows, which a maxAge does not expire (see `agesOut`). */
  readonly pastWindows?: ReadonlySet<string>;
  /** Assets whose recorded partition in this plan was materialized before its time window ended, which it has by `now`: the window's end (see `windowClosedSince`). */
  readonly closedWindows?: ReadonlyMap<string, Date>;
  readonly now: Date;
}

export interface PlannedAsset {
  readonly key: string;
  readonly status: AssetStatus;
  /** Empty when the asset is fresh; in the order of DESIGN.md's table. */
  readonly reasons: readonly StaleReason[];
  /** For an asset that observes a source: where it reads and whether that was checked. */
  readonly source: SourceObservation | undefined;
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
  // Which assets are planned, by graph id (see `AssetGraph.topologicalIds`): a set of keys cost a third of a plan.
  const isPlanned = new Uint8Array(graph.size);
  let anyPlanned = false;
  const assets: PlannedAsset[] = [];
  const planned: PlannedAsset[] = [];

  // Each selected asset once, in topological order.
  const ids = graph.topologicalIds(input.selected);
  const selectedSet = input.unreadable !== undefined && input.unreadable.size > 0 ? new Set(Array.from(ids, (id) => graph.keyOf(id))) : undefined;
  // Plans cover up to every asset of the graph, once per command: indexed loops, since `for...of`
  // allocates an iterator result per step until V8 optimizes the loop, which a 10k plan barely reaches.
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index]!;
    const key = graph.keyOf(id);
    const asset = graph.assetOf(id);
    const record = recorded.get(key);
    const current = currentDataVersions.get(key);
    const reasons: StaleReason[] = [];

    const observation = input.observations?.get(key);

    if (record === undefined) reasons.push({ kind: 'missing', detail: 'never-materialized' });
    else if (current === undefined && !input.unreadable?.has(key)) reasons.push({ kind: 'missing', detail: 'output-gone' });
    if (record !== undefined) {
      const code = input.code?.get(key);
      const codeVersion = code?.version ?? asset.codeVersion;
      if (record.codeVersion !== codeVersion) {
        const changes = code === undefined ? [] : diffCodeManifests(input.recordedManifests?.get(record.codeVersion), code.manifest);
        reasons.push({ kind: 'code-changed', recorded: record.codeVersion, current: codeVersion, changes });
      }
      const settings = changedSettings(asset, record.configVersions, input.configVersions?.get(key));
      if (settings.length > 0) reasons.push({ kind: 'config-changed', settings });
      const reads = input.inputVersions?.get(key);
      const plannedReads = input.plannedReads?.get(key);
      for (let dep = 0; dep < asset.deps.length; dep++) {
        const upstream = asset.deps[dep]!;
        // A planned upstream (or one some partition of which it reads is planned by another run) is `upstream-planned`
        // below: what it stores now is about to be replaced, and the run compares what it stores then, so an upstream
        // rebuilt as this asset read it cuts it off early.
        if ((anyPlanned && isPlanned[graph.idOf(upstream)] === 1) || plannedReads?.includes(upstream) === true) continue;
        upstreamChanged(reasons, record, upstream, reads?.has(upstream) === true ? reads.get(upstream) : currentDataVersions.get(upstream));
      }
      upstreamChanged(reasons, record, EXTERNAL_INPUT, observation?.version);
      upstreamsRemoved(reasons, record, asset.deps);
    }
    if (anyPlanned || input.plannedReads !== undefined) {
      const upstreams = plannedUpstreams(graph, id, asset.deps, isPlanned, input.plannedReads?.get(key));
      if (upstreams.length > 0) reasons.push({ kind: 'upstream-planned', upstreams });
    }
    if (record !== undefined && current !== undefined && current !== record.dataVersion) {
      reasons.push({ kind: 'output-modified', recorded: record.dataVersion, current });
    }
    if (record !== undefined && asset.maxAgeMs !== undefined && now.getTime() - record.materializedAt.getTime() > asset.maxAgeMs && input.pastWindows?.has(key) !== true) {
      reasons.push({ kind: 'expired', materializedAt: record.materializedAt, maxAgeMs: asset.maxAgeMs });
    }
    const windowEnd = input.closedWindows?.get(key);
    if (record !== undefined && windowEnd !== undefined) reasons.push({ kind: 'window-closed', materializedAt: record.materializedAt, windowEnd });
    if (forced.has(key)) reasons.push({ kind: 'forced' });
    if (selectedSet !== undefined) unreadable(reasons, input.unreadable!, selectedSet, key, asset.deps);
    const source = observation === undefined ? undefined : Object.freeze({ location: observation.location, checked: observation.version !== undefined, note: observation.note });

    if (reasons.length === 0) {
      // Fresh assets, most of a large plan, share one frozen empty list.
      assets.push(Object.freeze({ key, status: 'fresh', reasons: NO_REASONS, source }));
      continue;
    }
    isPlanned[id] = 1;
    anyPlanned = true;
    // `missing` can only come first.
    const status: AssetStatus = reasons[0]!.kind === 'missing' ? 'missing' : 'stale';
    const plannedAsset = Object.freeze({ key, status, reasons: Object.freeze(reasons), source });
    assets.push(plannedAsset);
    planned.push(plannedAsset);
  }
  return Object.freeze({ assets: Object.freeze(assets), planned: Object.freeze(planned) });
}

/**
 * The deps of asset `id` that are planned (`isPlanned`, by id) or read a
 * planned partition (`reads`), sorted: `upstream-planned`'s list.
 */
function plannedUpstreams(graph: AssetGraph, id: number, deps: readonly string[], isPlanned: Uint8Array, reads: readonly string[] | undefined): string[] {
  const upstreams: string[] = [];
  const parents = graph.parentIdsOf(id);
  if (parents.length === deps.length) {
    // The deps without repeats, by id, which is key order: the list comes out sorted.
    for (let index = 0; index < parents.length; index++) {
      const parent = parents[index]!;
      if (isPlanned[parent] === 1 || reads?.includes(graph.keyOf(parent)) === true) upstreams.push(graph.keyOf(parent));
    }
    return upstreams;
  }
  // A dep listed twice is one edge of the graph, but is named twice here, as it always was.
  for (const dep of deps) if (isPlanned[graph.idOf(dep)] === 1 || reads?.includes(dep) === true) upstreams.push(dep);
  return upstreams.sort();
}

/** Pushes `upstream-changed` when an upstream's current data version differs from the one this asset recorded reading. */
function upstreamChanged(reasons: StaleReason[], record: RecordedMaterialization, upstream: string, current: string | undefined): void {
  // A missing upstream is not "changed": it is either planned itself or an error the caller reports.
  if (current === undefined) return;
  const recordedInput = record.inputDataVersions[upstream];
  if (current !== recordedInput) reasons.push({ kind: 'upstream-changed', upstream, recorded: recordedInput, current });
}

/** Pushes `upstream-changed` for each upstream the asset recorded reading that is no longer among its `deps`. */
function upstreamsRemoved(reasons: StaleReason[], record: RecordedMaterialization, deps: readonly string[]): void {
  for (const upstream in record.inputDataVersions) {
    if (upstream !== EXTERNAL_INPUT && !deps.includes(upstream)) reasons.push({ kind: 'upstream-changed', upstream, recorded: record.inputDataVersions[upstream], current: undefined });
  }
}

/**
 * The settings whose fingerprint differs between `recorded` (the last
 * materialization's, or what a run was planned with) and `current`, sorted;
 * none when `current` is unknown. A setting recorded but no longer used, or
 * used but never recorded, counts as changed: the asset ran with other settings.
 */
export function changedSettings(
  asset: ReturnType<AssetGraph['asset']>,
  recorded: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>> | undefined,
): ChangedSetting[] {
  if (current === undefined) return [];
  const changed: ChangedSetting[] = [];
  for (const name of [...new Set([...Object.keys(recorded), ...Object.keys(current)])].sort()) {
    if (recorded[name] === current[name]) continue;
    const { resource, setting, variable } = parseSettingName(name);
    const definition = Object.values(asset.resources).find((candidate) => candidate.key === resource);
    changed.push({
      resource,
      setting,
      variable: setting === null ? variable : definition?.env?.[setting],
      change: recorded[name] === undefined ? 'added' : current[name] === undefined ? 'removed' : 'modified',
    });
  }
  return changed;
}

/** Pushes `unreadable` for the asset itself, or for the first of its deps (outside the plan) whose state could not be read. */
function unreadable(
  reasons: StaleReason[],
  failures: NonNullable<PlanInput['unreadable']>,
  selected: ReadonlySet<string>,
  key: string,
  deps: readonly string[],
): void {
  for (const candidate of [key, ...deps]) {
    const failure = failures.get(candidate);
    if (failure === undefined) continue;
    // A selected upstream that failed is planned itself and fails in the run; this asset is then skipped.
    if (candidate !== key && selected.has(candidate)) continue;
    reasons.push({ kind: 'unreadable', stage: failure.stage, asset: candidate, error: failure.error });
    return;
  }
}

/**
 * Whether a planned asset may be skipped at run time when its inputs come out
 * unchanged (early cutoff): only if nothing but a planned upstream put it in the plan.
 */
export function mayCutOffEarly(planned: PlannedAsset): boolean {
  return planned.reasons.length > 0 && planned.reasons.every((reason) => reason.kind === 'upstream-planned');
}

/** Whether an asset is planned only for its upstreams: one changed since it ran, or one is planned. */
export function plannedForUpstreams(planned: PlannedAsset): boolean {
  return planned.reasons.length > 0 && planned.reasons.every((reason) => reason.kind === 'upstream-planned' || reason.kind === 'upstream-changed');
}
