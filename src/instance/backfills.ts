import { randomBytes } from 'node:crypto';
import type { DefinedAsset, Definitions } from '../core/definitions.js';
import { BlockedByChecksError, StrataError, UnstoredUpstreamsError, UsageError } from '../core/errors.js';
import { listSome } from '../core/partition-keys.js';
import { backfillTag } from '../core/run-tags.js';
import { requestCancel } from '../execution/cancel-run.js';
import { feedingAssets } from '../execution/partition-scope.js';
import { planPartitions } from '../execution/plan-materialization.js';
import type { MaterializeResult } from '../execution/run-result.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import type { PlannedAsset } from '../graph/planner.js';
import { selectAssets } from '../graph/resolve-selection.js';
import type { BackfillRequest, BackfillTarget, BackfillTargetStatus, InstanceStorage, StoredBackfill } from '../storage/instance-storage.js';
import type { AssetStateOptions } from './asset-states.js';
import { type BlockingResult, readBlockingResults } from './blocked-by.js';
import { blockedInRuns, skippedInPartitions } from './dry-run.js';
import type { MaterializeRequest } from './instance.js';
import { partitionKeysBetween } from './partition-range.js';

/*
 * A backfill materializes partitions of a selection's partitioned assets over
 * a range, recorded as one row per target (asset, partition) before any run
 * starts: progress is a count of rows by status, and a resume runs only the
 * rows not done. Its policy maps partitions to runs, as Dagster's backfill
 * policies do: `multi-run:1` (the default) is one run per partition;
 * `multi-run:N` and `single-run` are runs of unbroken stretches of up to N
 * (or any number of) partitions still to do, each a run of a range
 * `FROM...TO` that computes each asset once (see `partitionColumn`). Runs go
 * in key order, at most `maxConcurrent` at once.
 */

/**
 * The statuses a run of the backfill takes on: those not started, those of a
 * run that failed, was canceled or whose process died (`running` after a
 * crash), and `skipped` (an upstream target of the same partition failed, so
 * it never ran). Materialized and up-to-date targets are never run again.
 */
const TO_RUN: ReadonlySet<BackfillTargetStatus> = new Set(['pending', 'running', 'failed', 'skipped', 'canceled']);

/** What a partition's run takes besides its selection, partition, tags and signal: the caller's logger, progress and executor. */
export type BackfillRunSettings = Pick<MaterializeRequest, 'logger' | 'onEvent' | 'concurrency' | 'executor' | 'lockTimeoutMs' | 'trigger'>;

/** How one run of a backfill ended: its targets as they now stand, and the run's result or the error that stopped it before it ran. */
export interface BackfillPartitionOutcome {
  /** The partition the run materialized, or its range (`FROM...TO`). */
  readonly partition: string;
  readonly targets: readonly BackfillTarget[];
  readonly result: MaterializeResult | undefined;
  readonly error: StrataError | undefined;
}

export interface RunBackfillOptions {
  /** Aborted (Ctrl-C): the runs in flight end canceled, no other starts, and the backfill ends canceled with its pending targets pending. */
  readonly signal?: AbortSignal | undefined;
  /** Overrides the backfill's own `maxConcurrent` for this run of it (default 1). */
  readonly maxConcurrent?: number | undefined;
  readonly run?: BackfillRunSettings | undefined;
  /** Called as each partition ends, with the backfill's counts read from storage then. */
  readonly onPartition?: ((outcome: BackfillPartitionOutcome, backfill: StoredBackfill) => void) | undefined;
  /** Called before a round of the partitions whose targets waited for other runs of the backfill (see `runBackfill`). */
  readonly onRunAgain?: ((partitions: readonly string[]) => void) | undefined;
  readonly now: () => Date;
}

/** The most partitions one run of the backfill materializes under `policy`. */
function partitionsPerRun(policy: BackfillRequest['policy']): number {
  return policy.kind === 'single-run' ? Number.POSITIVE_INFINITY : policy.maxPartitionsPerRun;
}

/**
 * A policy of several partitions per run needs every selected partitioned
 * asset to compute a range at once, which only one with a `partitionColumn`
 * does: any other is refused by name, before anything is stored.
 */
function checkBackfillPolicy(policy: BackfillRequest['policy'], assets: readonly DefinedAsset[]): void {
  if (partitionsPerRun(policy) === 1) return;
  const single = assets.filter((asset) => asset.partitionColumn === undefined);
  if (single.length === 0) return;
  const asked = policy.kind === 'single-run' ? 'single-run' : `multi-run:${policy.maxPartitionsPerRun}`;
  throw new UsageError(`--policy ${asked} runs several partitions in one run, but ${single.map((asset) => asset.key).join(', ')} ${single.length === 1 ? 'computes' : 'compute'} one partition per run: ${single.length === 1 ? 'it declares' : 'they declare'} no partitionColumn.`, {
    hint: 'Declare partitionColumn (the column holding each row\'s partition key) on those assets, leave them out of the selection, or leave out --policy (multi-run:1).',
  });
}

/**
 * The runs of a backfill's partitions still to do (`order`: the backfill's
 * keys in order): unbroken stretches of the backfill's keys, each cut into
 * runs of at most `perRun` partitions, as Dagster turns a backfill's
 * subset into ranges; a partition already done breaks a stretch, so no run
 * recomputes it. A run of one partition is named by its key, of several by
 * their range `FROM...TO`.
 */
function backfillRuns(toDo: readonly string[], order: readonly string[], perRun: number): { name: string; partitions: readonly string[] }[] {
  const index = new Map(order.map((key, at) => [key, at]));
  const runs: string[][] = [];
  for (const partition of toDo) {
    const last = runs.at(-1);
    const follows = last !== undefined && last.length < perRun && index.get(partition) === index.get(last.at(-1)!)! + 1;
    if (follows) last.push(partition);
    else runs.push([partition]);
  }
  return runs.map((partitions) => ({ name: partitions.length === 1 ? partitions[0]! : `${partitions[0]}...${partitions.at(-1)}`, partitions }));
}

/** A new backfill, and what ran or was left out before it was stored. */
export interface CreatedBackfill {
  /** Undefined when no target is picked, or when its feeders' run did not succeed (nothing is then stored). */
  readonly backfill: StoredBackfill | undefined;
  /** The run of the selected unpartitioned assets that feed its partitioned ones (see `createBackfill`); undefined when the selection has none. */
  readonly feeders: MaterializeResult | undefined;
  /** The selected assets without partitions that feed none of the partitioned ones (downstream of them, or beside them): left as they are. */
  readonly unpartitioned: readonly string[];
}

/**
 * Plans a backfill of the request and stores it with its targets before
 * anything runs: every (asset, partition) of the selection's partitioned
 * assets between `from` and `to` that its mode picks (`missing`: never
 * materialized or output gone; `stale`: missing or stale; `all`), in key
 * order then topological order. One read per asset plans every partition
 * (`planPartitions`). Returns it undefined, storing nothing, when no target
 * is picked (as a run with nothing stale records no run).
 *
 * The selected unpartitioned assets that feed the partitioned ones (`rate`
 * of `+converted_daily`) are no targets, but a backfill that left them out
 * would run every partition on what they stored before: a stale feeder
 * would leave each partition `up-to-date` on old data, and still stale. So
 * they run first, in one run of their own through `materialize`, as
 * `assets materialize` would run them (forced in mode `all`), and the
 * targets are picked again after it when it changed anything; a run that
 * fails or is canceled stores no backfill. The other unpartitioned assets
 * it selects are left out.
 *
 * Refused before anything runs or is stored, as `assets materialize` is,
 * when runs of its partitions would be refused or skip its targets: a
 * selected asset needs an unselected upstream that has no stored output
 * (`UnstoredUpstreamsError`), or targets would be skipped for a failing
 * blocking check of an upstream without partitions that no run of the
 * backfill runs again, neither the feeders' run nor a partition's (see
 * `refuseBlocked`). Such a backfill could only end `skipped`, and
 * resuming it would skip the targets again until the check passes, which
 * only a new result of the check brings: the refusal names the check and
 * how to get one, as Dagster users read a blocking check's failure before
 * a backfill rather than after every one of its runs.
 */
export async function createBackfill(
  definitions: Definitions,
  storage: InstanceStorage,
  request: BackfillRequest,
  materialize: (request: MaterializeRequest) => Promise<MaterializeResult>,
  options: AssetStateOptions & {
    readonly graph: AssetGraph;
    readonly now: () => Date;
    readonly run?: BackfillRunSettings | undefined;
  },
): Promise<CreatedBackfill> {
  const { keys } = await partitionKeysBetween(definitions, storage, { select: request.selection }, request, options.now());
  const { partitioned, feeding, unpartitioned } = selectedByPartitions(options.graph, request.selection);
  // A usage error comes before anything runs.
  checkBackfillPolicy(request.policy, partitioned);
  if (keys.length === 0) return { backfill: undefined, feeders: undefined, unpartitioned };
  // The targets are what the backfill's runs will run: those read what partitions outside the range store now.
  const planTargets = async () => {
    try {
      const { plans, graph } = await planPartitions(definitions, storage, {
        select: request.selection,
        partitions: keys,
        readsOutside: 'as-stored',
        refuseUnstoredUpstreams: true,
        env: options.env,
        now: options.now,
        signal: options.signal,
        codeCacheFile: options.codeCacheFile,
      });
      return [...plans].map(([partition, { plan }]) => ({
        partition,
        // A partition's plan holds the unpartitioned assets that feed it too: they are no targets, and run in the feeders' run.
        feeders: plan.planned.filter((asset) => graph.asset(asset.key).partitions === undefined).map((asset) => asset.key),
        targets: plan.assets.filter((asset) => graph.asset(asset.key).partitions !== undefined && picks(request.mode, asset)).map((asset) => asset.key),
      }));
    } catch (error) {
      if (!(error instanceof UnstoredUpstreamsError)) throw error;
      // The planner's hint names materialize's --select: a backfill takes its selection as it is.
      const withUpstreams = error.needing.slice(0, 2).map((key) => `+${key}`).join(', ');
      throw new UnstoredUpstreamsError(error.message, error.needing, error.missing, { hint: `Backfill them too, e.g. \`assets backfill '${withUpstreams}'\`, or materialize ${error.missing.join(', ')} first.` });
    }
  };
  let planned = await planTargets();
  // The feeders' run checks again what it runs (all of them in mode `all`): their checks block nothing yet. It selects
  // every feeder, so it also checks again their results that no longer speak for what they read, before any partition
  // runs (one that fails again fails that run, and no backfill is stored): those block nothing either.
  await refuseBlocked(definitions, planned.map(({ partition, feeders, targets }) => ({ partition, runs: [...(request.mode === 'all' ? feeding : feeders), ...targets] })), new Set(feeding), (keys) => readBlockingResults(definitions, storage, keys));
  let feeders: MaterializeResult | undefined;
  if (feeding.length > 0) {
    feeders = await materialize({ ...options.run, select: feeding.map((key) => `key:${key}`).join(', '), force: request.mode === 'all', signal: options.signal });
    if (feeders.status === 'failed' || feeders.status === 'canceled') return { backfill: undefined, feeders, unpartitioned };
    // What it stored is what the partitions read. Nothing new blocks: a check it ran that failed failed the run.
    if (feeders.status !== 'nothing-to-do') planned = await planTargets();
  }
  const targets = planned.flatMap(({ partition, targets: keysOf }) => keysOf.map((assetKey): BackfillTarget => ({ assetKey, partition, status: 'pending', runId: null })));
  if (targets.length === 0) return { backfill: undefined, feeders, unpartitioned };
  // Short, as run ids are shown; a clash is refused by storage (STRATA_STORAGE_DUPLICATE_BACKFILL), at 1 in 4 billion.
  const id = randomBytes(4).toString('hex');
  await storage.createBackfill({ id, createdAt: options.now(), status: 'requested', request, endedAt: null }, targets);
  return { backfill: (await storage.getBackfill(id))!, feeders, unpartitioned };
}

/**
 * Throws `BlockedByChecksError` when what the backfill runs for each
 * partition (`runs`: the feeders its feeders' run runs, then the targets)
 * would be skipped for failing blocking checks of upstreams (only
 * unpartitioned ones have checks) that none of it runs again, judged as a
 * dry run judges runs of partitions (`blockedInRuns`), or after skipping
 * what it reads. Every target of such an asset is refused alike: an
 * unpartitioned upstream's check skips it in every run. A feeder skipped so
 * would fail the feeders' run, which stores no backfill: it is refused too.
 * `selected` is what the feeders' run selects (see `blockedInRuns`).
 */
async function refuseBlocked(
  definitions: Definitions,
  runs: readonly { readonly partition: string; readonly runs: readonly string[] }[],
  selected: ReadonlySet<string>,
  readBlocking: (keys: readonly string[]) => Promise<readonly BlockingResult[]>,
): Promise<void> {
  const blocked = await blockedInRuns(definitions, runs.map((run) => run.runs), [], selected, readBlocking);
  const skipped = skippedInPartitions(runs.map((run) => run.partition), blocked);
  if (skipped.length === 0) return;
  // A feeder runs once, in the feeders' run, whatever the partitions.
  const where = (key: string, partitions: readonly string[]) =>
    definitions.asset(key)!.partitions === undefined ? '' : ` (${partitions.length === 1 ? 'partition' : `${partitions.length} partitions:`} ${listSome(partitions)})`;
  const described = skipped.map(({ key, partitions, checks, upstream }) => `${key}${where(key, partitions)} ${checks.length === 0 ? `after skipping ${upstream}` : `by ${checks.join(', ')}`}`);
  const checks = [...new Set(skipped.flatMap((asset) => asset.checks))];
  const byChecks = skipped.filter((asset) => asset.checks.length > 0);
  const upstreams = [...new Set(byChecks.map((asset) => asset.upstream))];
  const keys = [...new Set(skipped.map((asset) => asset.key))];
  // Leaving out or ignoring helps only where a check skips the asset itself, not after a skipped upstream.
  const checked = [...new Set(byChecks.map((asset) => asset.key))];
  throw new BlockedByChecksError(`The backfill's runs would skip its targets for failing blocking checks of upstreams they do not run again: ${described.join('; ')}. No backfill was stored.`, keys, checks, {
    hint:
      `\`assets checks ${upstreams[0]}\` shows why ${checks.length === 1 ? 'it' : 'they'} failed. Fix the data and materialize ${upstreams.join(', ')} (a run checks what it makes), ` +
      `or fix the check and run it again on what is stored (\`assets check ${upstreams.join(', ')}\`); then backfill. ` +
      `Or leave ${checked.join(', ')} out of the selection, or list the check in ${checked.length === 1 ? 'its' : 'their'} ignoreFailedChecks.`,
  });
}

/**
 * The selected assets: the partitioned ones, and those without partitions
 * split into the ones that feed them (`feedingAssets`), in topological
 * order, and the rest. A roll-up of selected partitions (an asset
 * downstream of one) is no feeder here: it reads partitions the backfill
 * makes, so it cannot run before them.
 */
function selectedByPartitions(graph: AssetGraph, selection: string): { partitioned: readonly DefinedAsset[]; feeding: readonly string[]; unpartitioned: readonly string[] } {
  const chosen = new Set(selectAssets(graph, { select: selection }));
  const chosenAsset = (key: string) => (chosen.has(key) ? graph.asset(key) : undefined);
  const partitioned = [...chosen].filter((key) => graph.asset(key).partitions !== undefined);
  const readsPartitions = new Set(graph.descendantsOf(partitioned));
  const feeding = new Set(feedingAssets(chosenAsset, partitioned).filter((key) => !readsPartitions.has(key)));
  const unpartitioned = [...chosen].filter((key) => graph.asset(key).partitions === undefined);
  return { partitioned: partitioned.map((key) => graph.asset(key)), feeding: graph.sortTopologically(feeding), unpartitioned: unpartitioned.filter((key) => !feeding.has(key)) };
}

function picks(mode: BackfillRequest['mode'], asset: PlannedAsset): boolean {
  if (mode === 'all') return true;
  return mode === 'missing' ? asset.status === 'missing' : asset.status !== 'fresh';
}

/**
 * Runs the targets of a backfill still to do (see `TO_RUN`), in runs of
 * its policy (see `backfillRuns`; `keys`: the backfill's partition keys in
 * order) through `materialize` (the instance's), each tagged
 * `strata/backfill=<id>` and selecting only its partitions' targets (all of
 * them forced in mode `all`), and records each target's outcome from the
 * run's result. Ends the backfill `failed` when a target failed, else
 * `completed`; `canceled` when the signal aborted or `cancelBackfill` was
 * called meanwhile. A target that reads a partition another run of the
 * backfill makes waits for it, and its partition runs again in a later
 * round. Returns the runs it made, in key order within each round. Used to
 * run a new backfill and to resume one.
 *
 * Hazard: two processes resuming one backfill at once would both run it;
 * a resume is refused while a run of it is going, not between its runs.
 */
export async function runBackfill(
  storage: InstanceStorage,
  id: string,
  keys: (backfill: StoredBackfill) => Promise<readonly string[]>,
  materialize: (request: MaterializeRequest) => Promise<MaterializeResult>,
  options: RunBackfillOptions,
): Promise<{ backfill: StoredBackfill; partitions: readonly BackfillPartitionOutcome[] }> {
  const backfill = await findBackfill(storage, id);
  const [going] = await storage.listRuns({ status: 'started', tags: backfillTag(id), limit: 1 });
  if (going !== undefined) {
    throw new StrataError('STRATA_BACKFILL_RUNNING', `Backfill ${id} is still running: its run ${going.runId} (process ${going.pid ?? '?'} on ${going.hostname ?? '?'}) has not ended.`, {
      hint: `Wait for it (\`assets backfill status ${id}\`), or stop it with \`assets backfill cancel ${id}\` before resuming.`,
    });
  }
  const byPartition = new Map<string, BackfillTarget[]>();
  for (const target of await storage.backfillTargets(id)) {
    if (!TO_RUN.has(target.status) || target.partition === null) continue;
    byPartition.set(target.partition, [...(byPartition.get(target.partition) ?? []), target]);
  }
  // A backfill that ended with nothing left to run stays as it ended.
  if (byPartition.size === 0 && backfill.status !== 'requested') return { backfill, partitions: [] };
  if (backfill.status !== 'requested') await storage.finishBackfill(id, 'requested', null);
  const perRun = partitionsPerRun(backfill.request.policy);
  // One partition per run needs no order of keys: that is every run of the default policy.
  const order = perRun === 1 ? [] : await keys(backfill);
  const outcomes: BackfillPartitionOutcome[] = [];
  const runPartition = async (partition: string, targets: readonly BackfillTarget[], laterPartitions: ReadonlySet<string> | undefined): Promise<BackfillPartitionOutcome> => {
    await storage.updateBackfillTargets(id, targets.map((target) => ({ ...target, status: 'running', runId: null })));
    let result: MaterializeResult | undefined;
    let error: StrataError | undefined;
    const deferred = new Set<string>();
    try {
      result = await materialize({
        ...options.run,
        select: [...new Set(targets.map((target) => `key:${target.assetKey}`))].join(', '),
        force: backfill.request.mode === 'all',
        partition,
        laterPartitions,
        onPlan: (plan) => {
          for (const asset of plan.deferred) deferred.add(asset.key);
        },
        signal: options.signal,
        tags: backfillTag(id),
      });
    } catch (caught) {
      // A partition that cannot be planned (an upstream partition not stored, say) fails its targets and not the backfill; anything else is a bug and stops it, its rows left running for a resume.
      if (!(caught instanceof StrataError) && options.signal?.aborted !== true) throw caught;
      error = caught instanceof StrataError ? caught : undefined;
    }
    const updates = targets.map((target): BackfillTarget =>
      deferred.has(target.assetKey) ? { ...target, status: 'pending', runId: null } : { ...target, status: targetStatus(target.assetKey, result, options.signal), runId: result?.runId ?? null },
    );
    await storage.updateBackfillTargets(id, updates);
    return { partition, targets: updates, result, error };
  };
  // A target that reads a partition another run of the backfill makes, not stored yet, waits for it (see
  // `PlanOptions.laterPartitions`): its partition runs again in a later round, once every run of this one has
  // ended. Each round settles at least one more asset of a chain that reads across partitions, so there are
  // never more rounds than assets; the last defers nothing, and what still lacks a partition then fails.
  const maxRounds = new Set([...byPartition.values()].flat().map((target) => target.assetKey)).size;
  let toDo = byPartition;
  for (let round = 1; toDo.size > 0; round++) {
    const runs = backfillRuns([...toDo.keys()], order, perRun);
    const queue = runs.map((run) => {
      const later = round < maxRounds ? new Set(runs.flatMap((other) => (other === run ? [] : other.partitions))) : undefined;
      return [run.name, run.partitions.flatMap((partition) => toDo.get(partition)!), later] as const;
    });
    const ended: BackfillPartitionOutcome[] = [];
    // Workers take partitions in key order; with one (the default) partitions run one after another.
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined && options.signal?.aborted !== true; next = queue.shift()) {
        // `assets backfill cancel` from another process: no new partition starts.
        if ((await storage.getBackfill(id))!.status === 'canceled') return;
        const outcome = await runPartition(...next);
        ended.push(outcome);
        options.onPartition?.(outcome, (await storage.getBackfill(id))!);
      }
    };
    const limit = options.maxConcurrent ?? backfill.request.maxConcurrent ?? 1;
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, worker));
    // In key order, whatever order concurrent partitions ended in.
    const names = runs.map((run) => run.name);
    outcomes.push(...ended.sort((a, b) => names.indexOf(a.partition) - names.indexOf(b.partition)));
    if (options.signal?.aborted === true || (await storage.getBackfill(id))!.status === 'canceled') break;
    toDo = new Map();
    for (const outcome of ended) {
      for (const target of outcome.targets) {
        if (target.status === 'pending' && target.partition !== null) toDo.set(target.partition, [...(toDo.get(target.partition) ?? []), target]);
      }
    }
    if (toDo.size > 0) options.onRunAgain?.([...toDo.keys()]);
  }
  const counts = (await storage.getBackfill(id))!;
  if (counts.status === 'requested') {
    const status = options.signal?.aborted === true ? 'canceled' : counts.counts.failed! > 0 || counts.counts.skipped! > 0 ? 'failed' : counts.counts.canceled! > 0 ? 'canceled' : 'completed';
    await storage.finishBackfill(id, status, options.now());
  }
  return { backfill: (await storage.getBackfill(id))!, partitions: outcomes };
}

/**
 * A target's status after its partition's run: the run's action for it;
 * `up-to-date` when the run did not plan it (found fresh) or there was
 * nothing to do; `canceled` when the run was canceled before it; `failed`
 * when the run could not start.
 */
function targetStatus(assetKey: string, result: MaterializeResult | undefined, signal: AbortSignal | undefined): BackfillTargetStatus {
  if (result === undefined) return signal?.aborted === true ? 'canceled' : 'failed';
  const asset = result.assets.find((one) => one.key === assetKey);
  if (result.status === 'canceled' && (asset === undefined || asset.action === 'skipped')) return 'canceled';
  return asset?.action ?? 'up-to-date';
}

/**
 * Marks a backfill canceled, so the process running it starts no other
 * partition, and asks its running runs to cancel (see `requestCancel`);
 * returns it and the runs asked. Throws when it has already ended.
 */
export async function cancelBackfill(storage: InstanceStorage, wanted: string, now: Date): Promise<{ backfill: StoredBackfill; runIds: readonly string[] }> {
  const backfill = await findBackfill(storage, wanted);
  if (backfill.status !== 'requested') {
    throw new StrataError('STRATA_BACKFILL_ENDED', `Backfill ${backfill.id} has already ended (${backfill.status}): there is nothing to cancel.`, {
      hint: `\`assets backfill resume ${backfill.id}\` runs what it did not finish.`,
    });
  }
  await storage.finishBackfill(backfill.id, 'canceled', now);
  const runIds: string[] = [];
  for (const run of await storage.listRuns({ status: 'started', tags: backfillTag(backfill.id) })) {
    try {
      await requestCancel(storage, run);
      runIds.push(run.runId);
    } catch (error) {
      // A run that ended meanwhile has nothing left to cancel.
      if (!(error instanceof StrataError && error.code === 'STRATA_RUN_ENDED')) throw error;
    }
  }
  return { backfill: (await storage.getBackfill(backfill.id))!, runIds };
}

/** The backfill `wanted` names: `latest` or its id. */
export async function findBackfill(storage: InstanceStorage, wanted: string): Promise<StoredBackfill> {
  const found = wanted === 'latest' ? (await storage.listBackfills({ limit: 1 }))[0] : await storage.getBackfill(wanted);
  if (found !== undefined) return found;
  throw new StrataError('STRATA_UNKNOWN_BACKFILL', wanted === 'latest' ? 'No backfills are recorded yet.' : `No backfill has the id "${wanted}".`, {
    hint: '`assets backfills` lists them; `latest` names the newest.',
  });
}
