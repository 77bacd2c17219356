import type { AnyAssetCheck } from '../core/asset-check.js';
import { checkKey } from '../core/check-definitions.js';
import type { DefinedAsset, Definitions } from '../core/definitions.js';
import { availableCpus } from '../parallel/available-cpus.js';
import type { CheckResultRecord, InstanceStorage } from '../storage/instance-storage.js';
import { blockingFailures, checkReads, checkResultIsCurrent, upstreamChecksBlocking } from './check-states.js';
import { recordCheckResults } from './record-check-results.js';
import { type CheckedOutput, type EvaluatedCheck, evaluateChecks } from './evaluate-checks.js';
import type { MaterializationPlan } from './plan-materialization.js';
import type { RunRecorder } from './run-recorder.js';

export interface RunChecksContext {
  readonly runId: string;
  readonly definitions: Definitions;
  readonly materializationPlan: MaterializationPlan;
  readonly storage: InstanceStorage;
  readonly recorder: RunRecorder;
  readonly now: () => Date;
  /** How many assets' checks run at once when their assets are left as they are: the run's step concurrency. */
  readonly concurrency: number;
}

/**
 * The version of an asset a check reads when the run knows none (it is
 * neither selected nor an upstream of what is): equal to no recorded
 * version, so the check runs rather than being taken as current.
 */
const NOT_KNOWN_TO_THE_RUN = '\u0000not known to the run';

/**
 * The asset checks of one run: which upstream checks block a step, the
 * checks each step owes once it is done, and those of the selected assets
 * the run leaves as they are (as their own tasks, as many at once as the
 * run runs steps, so a changed check shared by a thousand assets does not
 * read a thousand tables at once). A check that
 * reads another asset the run materializes waits until that asset is stored,
 * so it judges the new table rather than the one being replaced.
 */
export class RunChecks {
  readonly #context: RunChecksContext;
  readonly #latest: Map<string, CheckResultRecord>;
  readonly #storedOrSettled = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  readonly #checkOnly = new Map<string, Promise<void>>();
  readonly #afterStep = new Map<string, Promise<void>>();
  /** Everything downstream of each checked asset, by its key: see `#readyToRead`. */
  readonly #downstreamOf = new Map<string, ReadonlySet<string>>();
  readonly #evaluated: EvaluatedCheck[] = [];
  #running = 0;
  readonly #waitingForSlot: (() => void)[] = [];

  readonly #dataVersions: ReadonlyMap<string, string | undefined>;

  /** `dataVersions`: the data version stored now of each asset, kept current by the run as its steps store. */
  constructor(context: RunChecksContext, plannedKeys: ReadonlySet<string>, dataVersions: ReadonlyMap<string, string | undefined>) {
    this.#context = context;
    this.#dataVersions = dataVersions;
    this.#latest = new Map(context.materializationPlan.checkResults);
    for (const key of plannedKeys) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.#storedOrSettled.set(key, { promise, resolve });
    }
    for (const [key, checks] of context.materializationPlan.pendingChecks) {
      if (plannedKeys.has(key)) continue;
      const asset = context.definitions.asset(key)!;
      const record = context.materializationPlan.recorded.get(key);
      if (record === undefined) continue;
      const output = { asset, dataVersion: record.dataVersion, rows: Number(record.metadata.rows ?? 0), table: undefined };
      const task = this.#inSlot(() => this.#evaluate(asset, checks, output, { onlyStale: true }));
      // Awaited by the steps that depend on it and by `evaluated`; until then a failure must not count as unhandled.
      task.catch(() => {});
      this.#checkOnly.set(key, task);
    }
  }

  async #inSlot(work: () => Promise<void>): Promise<void> {
    // Checks run here whatever the executor: a queue run's unbounded step concurrency is bounded by this machine's CPUs.
    const limit = Number.isFinite(this.#context.concurrency) ? Math.max(1, this.#context.concurrency) : availableCpus();
    if (this.#running >= limit) await new Promise<void>((resolve) => this.#waitingForSlot.push(resolve));
    this.#running++;
    try {
      await work();
    } finally {
      this.#running--;
      this.#waitingForSlot.shift()?.();
    }
  }

  /** The pending checks of a planned asset that turned out up to date: those whose latest result no longer speaks for it. */
  pending(asset: DefinedAsset): readonly AnyAssetCheck[] {
    return this.#context.materializationPlan.pendingChecks.get(asset.key) ?? [];
  }

  /** Says that `key`'s step has stored its output or ended without one: checks that read it may go. */
  stored(key: string): void {
    this.#storedOrSettled.get(key)?.resolve();
  }

  /**
   * The failing blocking checks (`<asset>.<check>`) of `asset`'s upstreams
   * that `asset` does not ignore, once every check those upstreams owe in
   * this run is done.
   */
  async blockingFor(asset: DefinedAsset): Promise<string[]> {
    await Promise.all(asset.deps.map((dep) => this.#checkOnly.get(dep)));
    return upstreamChecksBlocking(asset, (dep) => blockingFailures(this.#context.definitions.asset(dep)!, this.#latest, this.#dataVersions.get(dep)));
  }

  /**
   * Runs the checks a step owes once it is done, as a task of
   * their own in a check slot, so the step's slot is free meanwhile: a check
   * that reads an asset still to run would otherwise wait for a step that
   * waits for that slot, forever with one (`--concurrency 1`). `settled`
   * says when they are done.
   */
  evaluateAfterStep(asset: DefinedAsset, checks: readonly AnyAssetCheck[], output: CheckedOutput): void {
    if (checks.length === 0) return;
    const task = this.#inSlot(() => this.#evaluate(asset, checks, output));
    // Awaited by `settled` and `evaluated`; until then a failure must not count as unhandled.
    task.catch(() => {});
    this.#afterStep.set(asset.key, task);
  }

  /** Resolves once the checks the steps of `keys` owe (`evaluateAfterStep`) are done. */
  async settled(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.#afterStep.get(key)));
  }

  /**
   * Runs `checks` on `output` once the assets they read are stored, records
   * their results and events, and makes them the asset's latest. With
   * `onlyStale` (the checks of an asset the run leaves as it is), a check
   * whose result still speaks for what it reads then is left as it is: the
   * asset it reads was rebuilt the same.
   */
  async #evaluate(asset: DefinedAsset, allChecks: readonly AnyAssetCheck[], output: CheckedOutput, options: { readonly onlyStale?: boolean } = {}): Promise<void> {
    if (allChecks.length === 0) return;
    const { definitions, storage, recorder, runId, now } = this.#context;
    const latestOf = (check: AnyAssetCheck) => this.#latest.get(checkKey(asset.key, check));
    const reads = new Set(allChecks.flatMap((check) => checkReads(asset.key, check, latestOf(check))));
    await Promise.all([...reads].map((key) => this.#readyToRead(asset, key)));
    const versionNow = (key: string) => (this.#dataVersions.has(key) ? this.#dataVersions.get(key) : NOT_KNOWN_TO_THE_RUN);
    const checks = options.onlyStale === true ? allChecks.filter((check) => !checkResultIsCurrent(check, latestOf(check), versionNow)) : allChecks;
    if (checks.length === 0) return;
    const evaluated = await evaluateChecks(definitions, storage, output, checks, (key) => this.#readyToRead(asset, key));
    const checkedAt = now();
    await recordCheckResults(recorder, storage, runId, checkedAt, evaluated);
    // What blocks is judged from these results from now on, as a later run would read them.
    for (const result of evaluated) this.#latest.set(checkKey(asset.key, { name: result.checkName }), { ...result, sample: [], dataVersions: { ...result.dataVersions }, metadata: {}, runId, partition: null, checkedAt });
    this.#evaluated.push(...evaluated);
  }

  /**
   * Resolves once a check of `asset` may read `key`: when the run rebuilds
   * it, once it is stored. At once for an asset `asset` feeds, which only a
   * custom check can read (declared reads of it are refused): its step waits
   * for these checks, so waiting for it would wait forever.
   */
  #readyToRead(asset: DefinedAsset, key: string): Promise<void> {
    const stored = this.#storedOrSettled.get(key);
    if (stored === undefined) return Promise.resolve();
    let downstream = this.#downstreamOf.get(asset.key);
    if (downstream === undefined) this.#downstreamOf.set(asset.key, (downstream = new Set(this.#context.materializationPlan.graph.descendants(asset.key))));
    return downstream.has(key) ? Promise.resolve() : stored.promise;
  }

  /** Every check the run evaluated, once the checks of unplanned assets and those after steps are done too. */
  async evaluated(): Promise<EvaluatedCheck[]> {
    await Promise.all([...this.#checkOnly.values(), ...this.#afterStep.values()]);
    return this.#evaluated;
  }
}
