import { EXTERNAL_INPUT, NOT_OBSERVED, type Observation, REPLACED_WHILE_READ, type AssetLogger } from '../core/asset.js';
import type { DefinedAsset, Definitions } from '../core/definitions.js';
import type { MultiAssetCompute } from '../core/multi-asset.js';
import { SourceError, StrataError } from '../core/errors.js';
import { agesOut, windowClosedSince } from '../core/partition-expiry.js';
import { NO_RETRIES, retryDelayMs } from '../core/retry-policy.js';
import type { Row, Table } from '../core/table.js';
import { mayCutOffEarly, type PlannedAsset } from '../graph/planner.js';
import { abortableSleep } from './abortable-sleep.js';
import { describeError } from './describe-error.js';
import type { Logger } from './logger.js';
import type { MaterializationPlan } from './plan-materialization.js';
import type { RunRecorder } from './run-recorder.js';
import type { AssetError, AssetRunResult } from './run-result.js';
import type { StepExecutor, StepRequest } from './step-executor.js';
import { type AssetLeases, assetLeaseKey } from './asset-leases.js';
import type { PoolSlots } from './pool-slots.js';
import type { InstanceStorage, MaterializationRecord } from '../storage/instance-storage.js';
import { type CodeVersion, versionAsRun } from '../versioning/code-versions.js';
import type { CheckedOutput, EvaluatedCheck } from './evaluate-checks.js';
import { RunChecks } from './run-checks.js';
import { combinedDataVersion, inPartition } from './partition-scope.js';
import { recordedEnvReads } from '../versioning/config-fingerprints.js';

export interface ExecuteContext {
  readonly runId: string;
  readonly definitions: Definitions;
  readonly materializationPlan: MaterializationPlan;
  readonly recorder: RunRecorder;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly now: () => Date;
  /** Steps that may run at once; their upstreams are always done first. */
  readonly concurrency: number;
  /** Where each attempt runs. */
  readonly executor: StepExecutor;
  readonly storage: InstanceStorage;
  /** The run's claims on the assets it materializes. */
  readonly leases: AssetLeases;
  /** How long a step waits for an asset another run is materializing. */
  readonly lockTimeoutMs: number;
  /** The run's slots in the concurrency pools of its assets. */
  readonly slots: PoolSlots;
}

/** A table this run produced, kept in memory until its last planned consumer has run. */
interface Produced {
  readonly table: Table<Row>;
  consumersLeft: number;
}

/** What a run did: one result per planned asset, in topological order, and every check it evaluated. */
export interface ExecutedPlan {
  readonly assets: AssetRunResult[];
  readonly checks: EvaluatedCheck[];
}

/**
 * Runs the planned assets in dependency order, up to `concurrency` at a time.
 * A failed asset's downstream is skipped; independent branches go on. Tables
 * produced in this run are handed to downstream steps from memory rather than
 * read back from storage.
 *
 * Each materialized asset's checks run on what it stored; the checks of an
 * asset left as it was run when their latest result no longer speaks for it
 * (`pendingChecks`). A blocking check that fails keeps the assets that depend
 * on its asset from running, this run and the next, until it passes.
 *
 * The planned outputs of a multi-asset run as one step (`stepGroups`): one
 * lease per output, one pool slot, one compute; each output is still
 * recorded, checked and reported as an asset of its own.
 */
export async function executePlan(context: ExecuteContext): Promise<ExecutedPlan> {
  const { materializationPlan } = context;
  const steps = materializationPlan.plan.planned;
  const plannedKeys = new Set(steps.map((step) => step.key));
  const results = new Map<string, AssetRunResult>();
  const dataVersions = new Map(materializationPlan.currentDataVersions);
  const partitionDataVersions = new Map<string, Map<string, string>>();
  const produced = new Map<string, Produced>();
  const consumers = new Map<string, number>();
  for (const step of steps) {
    for (const dep of materializationPlan.graph.asset(step.key).deps) {
      if (plannedKeys.has(dep)) consumers.set(dep, (consumers.get(dep) ?? 0) + 1);
    }
  }
  const checks = new RunChecks(context, plannedKeys, dataVersions);

  const waiting = stepGroups(materializationPlan, steps);
  // The groups holding a step slot; a group gives its slot back once it stored (or failed), before its
  // checks end: a check that reads an asset still to run must not keep that asset's step from starting.
  const running = new Set<string>();
  // What the loop waits on: each group's slot coming free, and each group (checks included) ending.
  const pending = new Set<Promise<void>>();
  const track = (promise: Promise<void>) => {
    const tracked = promise.finally(() => pending.delete(tracked));
    pending.add(tracked);
  };
  while (waiting.length > 0 || pending.size > 0) {
    if (context.signal.aborted) {
      for (const step of waiting.splice(0).flat()) {
        results.set(step.key, skipped(step, 'the run was canceled'));
        checks.stored(step.key);
      }
    }
    for (let index = 0; index < waiting.length && running.size < context.concurrency; ) {
      const group = waiting[index]!;
      // The steps of a group share their deps (see `stepGroups`): the first one's are every one's.
      const deps = materializationPlan.graph.asset(group[0]!.key).deps;
      if (deps.some((dep) => plannedKeys.has(dep) && !results.has(dep))) {
        index++;
        continue;
      }
      waiting.splice(index, 1);
      running.add(group[0]!.key);
      const stepped = runGroup(context, group, { results, dataVersions, partitionDataVersions, produced, consumers, checks });
      track(stepped.then(() => void running.delete(group[0]!.key)));
      // Its downstream waits for its checks too: a blocking one that fails keeps them from running.
      track(stepped.then(async (groupResults) => {
        await checks.settled(groupResults.map((result) => result.key));
        for (const result of groupResults) {
          results.set(result.key, result);
          checks.stored(result.key);
        }
      }));
    }
    if (pending.size > 0) await Promise.race(pending);
  }
  return { assets: steps.map((step) => results.get(step.key)!), checks: await checks.evaluated() };
}

/**
 * The planned steps in what runs as one: each asset alone, and the planned
 * outputs of one multi-asset together, since their compute runs once for all
 * of them. Outputs of a multi-asset share their deps, so a group is ready
 * when its first step is; groups keep the plan's order of their first step.
 */
function stepGroups(plan: MaterializationPlan, steps: readonly PlannedAsset[]): PlannedAsset[][] {
  const groups: PlannedAsset[][] = [];
  const byMultiAsset = new Map<MultiAssetCompute, PlannedAsset[]>();
  for (const step of steps) {
    const multi = plan.graph.asset(step.key).multiAsset;
    const group = multi === undefined ? undefined : byMultiAsset.get(multi);
    if (group !== undefined) {
      group.push(step);
      continue;
    }
    groups.push([step]);
    if (multi !== undefined) byMultiAsset.set(multi, groups.at(-1)!);
  }
  return groups;
}

interface RunState {
  readonly results: Map<string, AssetRunResult>;
  readonly dataVersions: Map<string, string | undefined>;
  /** The data version of each partition this run stored (or found up to date), by asset key then partition. */
  readonly partitionDataVersions: Map<string, Map<string, string>>;
  readonly produced: Map<string, Produced>;
  readonly consumers: Map<string, number>;
  readonly checks: RunChecks;
}

/** A step that is to compute: its planned asset and the input data versions it reads. */
interface PendingStep {
  readonly step: PlannedAsset;
  readonly asset: DefinedAsset;
  readonly inputDataVersions: Readonly<Record<string, string>>;
}

/**
 * Runs one group of steps (one asset, or the planned outputs of a
 * multi-asset) and returns a result for each, in the group's order. Every
 * event and record stays per asset: a multi-asset's outputs are skipped,
 * started, materialized and failed as assets of their own.
 */
async function runGroup(context: ExecuteContext, group: readonly PlannedAsset[], state: RunState): Promise<AssetRunResult[]> {
  const { materializationPlan, recorder } = context;
  const assets = group.map((step) => materializationPlan.graph.asset(step.key));
  // Deps, ignored checks and the pool are the multi-asset's, shared by its outputs.
  const first = assets[0]!;
  const started = performance.now();
  const skip = async (why: string, data: Record<string, unknown>) => {
    for (const step of group) recorder.event({ type: 'step-skip', assetKey: step.key, level: 'warn', message: `Skipped ${step.key}: ${why}`, data });
    await recorder.flush();
    for (const asset of assets) releaseInputs(asset, state);
    return group.map((step) => skipped(step, why));
  };
  const failedUpstreams = first.deps.filter((dep) => {
    const action = state.results.get(dep)?.action;
    return action === 'failed' || action === 'skipped';
  });
  if (failedUpstreams.length > 0) {
    return skip(`upstream ${failedUpstreams.join(', ')} did not materialize`, { reason: 'upstream-failed', upstreams: failedUpstreams });
  }
  const failedChecks = await state.checks.blockingFor(first);
  if (failedChecks.length > 0) {
    const results = await skip(`check${failedChecks.length === 1 ? '' : 's'} ${failedChecks.join(', ')} failed`, { reason: 'check-failed', checks: failedChecks });
    return results.map((result) => ({ ...result, blockedByChecks: failedChecks }));
  }

  const pending = group.map((step, index): PendingStep => {
    const inputDataVersions: Record<string, string> = {};
    // A step of one partition reads as that partition (a range's steps record each partition's reads apart).
    const reader = materializationPlan.partitionKeys.length === 1 ? materializationPlan.partitionKeys[0] : undefined;
    for (const dep of first.deps) inputDataVersions[dep] = readVersion(materializationPlan, state, dep, materializationPlan.inputPartitions.get(step.key)?.[dep], reader)!;
    const source = sourceVersionRead(materializationPlan, step.key, materializationPlan.observations);
    if (source !== undefined) inputDataVersions[EXTERNAL_INPUT] = source;
    return { step, asset: assets[index]!, inputDataVersions };
  });

  const log = context.logger.child({ asset: group.map((step) => step.key).join(',') });
  // Claimed in key order, so two runs that want the same outputs never each hold one the other waits for.
  const acquired: string[] = [];
  try {
    for (const key of group.flatMap((step) => leaseKeysOf(materializationPlan, step.key)).sort()) {
      await context.leases.acquire(key, {
        timeoutMs: context.lockTimeoutMs,
        signal: context.signal,
        onWait: (holder) => {
          const message = `Waiting for ${key}: run ${holder.runId} is materializing it`;
          recorder.event({ type: 'log', assetKey: key, message, data: { holder: holder.runId } });
          log.info({ holder: holder.runId }, message);
        },
      });
      acquired.push(key);
    }
  } catch (error) {
    for (const key of acquired) await context.leases.release(key);
    return fail(context, pending, state, started, 0, error, log);
  }
  try {
    const results = new Map<string, AssetRunResult>();
    const toRun: PendingStep[] = [];
    // Another run may have materialized an asset since this one planned (while
    // it waited for the lease, or just before it asked): decide again from the
    // latest record, which the lease now keeps from changing under us.
    // A range's partitions each have a record; its compute makes them all, so none is cut off alone.
    const records = materializationPlan.partitionKeys.length > 1 ? new Map<string, MaterializationRecord>() : await latestRecords(context, group.map((step) => step.key));
    for (const entry of pending) {
      const { step, asset, inputDataVersions } = entry;
      const record = records.get(step.key);
      const madeMeanwhile = record !== undefined && record.runId !== materializationPlan.recorded.get(step.key)?.runId;
      if (record !== undefined && ((mayCutOffEarly(step) && sameInputs(record.inputDataVersions, inputDataVersions)) || (madeMeanwhile && (await stillFresh(context, step, record, inputDataVersions))))) {
        const why = madeMeanwhile ? `run ${record.runId} materialized it while this run waited` : 'its inputs did not change';
        recorder.event({ type: 'step-skip', assetKey: step.key, message: `${step.key} is up to date: ${why}`, data: { reason: 'up-to-date', by: record.runId } });
        await recorder.flush();
        state.dataVersions.set(step.key, record.dataVersion);
        if (record.partition !== null) partitionVersionsOf(state, step.key).set(record.partition, record.dataVersion);
        releaseInputs(asset, state);
        state.checks.evaluateAfterStep(asset, state.checks.pending(asset), { asset, dataVersion: record.dataVersion, rows: Number(record.metadata.rows ?? 0), table: undefined });
        results.set(step.key, { ...baseResult(step, started), action: 'up-to-date', dataVersion: record.dataVersion });
      } else {
        toRun.push(entry);
      }
    }
    // Only the outputs still to do are computed and stored: an up-to-date sibling keeps what it has.
    if (toRun.length > 0) for (const result of await materializeInPool(context, toRun, state, started, log)) results.set(result.key, result);
    return group.map((step) => results.get(step.key)!);
  } finally {
    for (const key of acquired) await context.leases.release(key);
  }
}

/**
 * Materializes the steps within a slot of their pool, if they have one (one
 * slot for the outputs of a multi-asset, which compute as one). The slot is
 * claimed after the assets' leases, never before: a step holding a slot while
 * it waited for a lease could wait on a run that waits for that very slot.
 */
async function materializeInPool(context: ExecuteContext, steps: readonly PendingStep[], state: RunState, started: number, log: Logger): Promise<AssetRunResult[]> {
  const pool = steps[0]!.asset.pool;
  const slotKey = steps[0]!.step.key;
  if (pool === undefined) return materializeSteps(context, steps, state, started, log);
  try {
    await context.slots.claim(pool, slotKey, {
      signal: context.signal,
      onWait: (limit, holders) => {
        const runs = [...new Set(holders.map((holder) => holder.runId))];
        const message = `Waiting for a slot in pool ${pool} (${holders.length} of ${limit} in use by run${runs.length === 1 ? '' : 's'} ${runs.join(', ')})`;
        for (const { step } of steps) context.recorder.event({ type: 'log', assetKey: step.key, message, data: { pool, limit, holders: runs } });
        log.info({ pool, limit, holders: runs }, message);
      },
    });
  } catch (error) {
    return fail(context, steps, state, started, 0, error, log);
  }
  try {
    return await materializeSteps(context, steps, state, started, log);
  } finally {
    await context.slots.release(pool, slotKey);
  }
}

/**
 * Whether a materialization another run recorded while this one waited
 * makes this step unnecessary: same code, same inputs, its output still
 * stored as recorded, not expired, and the user did not force the asset.
 */
async function stillFresh(context: ExecuteContext, step: PlannedAsset, record: MaterializationRecord, inputDataVersions: Readonly<Record<string, string>>): Promise<boolean> {
  const asset = context.materializationPlan.graph.asset(step.key);
  if (step.reasons.some((reason) => reason.kind === 'forced')) return false;
  if (record.codeVersion !== codeOf(context, step.key).version || !sameInputs(record.inputDataVersions, inputDataVersions)) return false;
  if (!sameInputs(record.configVersions, context.materializationPlan.settingsAsRun(step.key, recordedEnvReads(record.configVersions)))) return false;
  const [partition] = partitionsOf(context.materializationPlan, step.key);
  const now = context.now();
  if (asset.maxAgeMs !== undefined && now.getTime() - record.materializedAt.getTime() > asset.maxAgeMs && (partition === undefined || agesOut(asset.partitions!, partition, now))) return false;
  if (partition !== undefined && windowClosedSince(asset.partitions!, partition, record.materializedAt, now) !== undefined) return false;
  return (await context.definitions.ioManagers[asset.ioManager]!.dataVersion(inPartition(asset, partition), record)) === record.dataVersion;
}

/**
 * Runs the attempts of steps that must run, with retries, and records the
 * outcome of each. Several steps are the planned outputs of one multi-asset:
 * each attempt computes them together, and each output is recorded as its
 * own materialization, with its own data version and the shared code and
 * input versions.
 */
async function materializeSteps(context: ExecuteContext, steps: readonly PendingStep[], state: RunState, started: number, log: Logger): Promise<AssetRunResult[]> {
  const { recorder } = context;
  const first = steps[0]!;
  const keys = steps.map(({ step }) => step.key);
  const policy = first.asset.retry ?? context.definitions.defaultRetry ?? NO_RETRIES;
  let attempt = 0;
  let materialized: { result: AssetRunResult; output: CheckedOutput }[] | undefined;
  while (materialized === undefined) {
    attempt++;
    for (const { step } of steps) {
      recorder.event({ type: 'step-start', assetKey: step.key, attempt, message: `Materializing ${step.key}`, data: { reasons: step.reasons.map((reason) => reason.kind) } });
    }
    // Written now, not with the step's outcome: whoever watches the run from
    // another process (the UI's run page, `assets logs`) sees the step running.
    await recorder.flush();
    log.info({ attempt }, `materializing ${keys.join(', ')}`);
    try {
      // Steps share their partitions, or have none: a multi-asset is not partitioned.
      const partitions = partitionsOf(context.materializationPlan, first.step.key);
      const inputPartitions = context.materializationPlan.inputPartitions.get(first.step.key);
      const inMemory = new Map(first.asset.deps.flatMap((dep) => {
        const held = state.produced.get(dep);
        // What this run produced of a partitioned upstream is its partitions: an input of others is read from storage.
        const reads = inputPartitions?.[dep];
        const readsProduced = reads === undefined || reads.join('\n') === context.materializationPlan.partitionKeys.join('\n');
        return held === undefined || !readsProduced ? [] : [[dep, held.table] as const];
      }));
      const request: StepRequest = {
        runId: context.runId,
        assetKey: first.step.key,
        ...(first.asset.multiAsset === undefined ? {} : { outputs: [...keys].sort() }),
        attempt,
        inputDataVersions: first.inputDataVersions,
        ...(partitions.length === 0 ? {} : { partitions }),
        ...(inputPartitions === undefined ? {} : { inputPartitions }),
      };
      // A multi-asset's compute logs under its first planned output.
      const { outputs, worker } = await context.executor.attempt(request, { signal: context.signal, log: assetLogger(recorder, log, first.step.key, attempt), inMemory });
      const durationMs = Math.round(performance.now() - started);
      const replaced = await inputsReplacedWhileRead(context, state, first, inMemory);
      materialized = steps.map(({ step, asset, inputDataVersions }) => {
        // One output per partition of a range, else one.
        const ofStep = outputs.filter((output) => output.key === step.key);
        // The code as it is now: files changed since the load may or may not be what ran (see `versionAsRun`).
        const code = versionAsRun(codeOf(context, step.key));
        for (const { partition, stored, envReads } of ofStep) {
          if (partition !== undefined) partitionVersionsOf(state, step.key).set(partition, stored.dataVersion);
          recorder.materialization({
            runId: context.runId,
            assetKey: step.key,
            partition: partition ?? null,
            materializedAt: context.now(),
            codeVersion: code.version,
            dataVersion: stored.dataVersion,
            // Each partition of a range records what it alone reads, as a run of it alone would.
            inputDataVersions: ofStep.length === 1 ? { ...inputDataVersions, ...replaced } : partitionInputVersions(context.materializationPlan, state, step, partition!),
            configVersions: context.materializationPlan.settingsAsRun(step.key, envReads ?? {}),
            reasons: step.reasons.map((reason) => reason.kind),
            durationMs,
            metadata: { ...stored.metadata },
          }, code);
        }
        const rows = ofStep.reduce((sum, { stored }) => sum + stored.metadata.rows, 0);
        const dataVersion = ofStep.length === 1 ? ofStep[0]!.stored.dataVersion : combinedDataVersion(ofStep.map(({ partition }) => partition!), (partition) => state.partitionDataVersions.get(step.key)!.get(partition), undefined)!;
        state.dataVersions.set(step.key, dataVersion);
        // A range's partitions are read back by whoever reads them: only one table is handed on in memory.
        const table = ofStep.length === 1 ? ofStep[0]!.table : undefined;
        const consumersLeft = state.consumers.get(step.key) ?? 0;
        if (table !== undefined && consumersLeft > 0) state.produced.set(step.key, { table, consumersLeft });
        const where = ofStep.length === 1 ? '' : ` in ${ofStep.length} partitions`;
        recorder.event({ type: 'step-success', assetKey: step.key, attempt, message: `Materialized ${step.key}: ${rows} row${rows === 1 ? '' : 's'}${where}${worker === undefined ? '' : ` on worker ${worker}`}`, data: { rows, dataVersion, durationMs, ...(worker === undefined ? {} : { worker }) } });
        log.info({ rows, durationMs }, `materialized ${step.key}`);
        return {
          result: { ...baseResult(step, started), action: 'materialized', rows, dataVersion, attempts: attempt },
          output: { asset, dataVersion, rows, table },
        };
      });
      await recorder.flush();
      for (const { asset } of steps) releaseInputs(asset, state);
      break;
    } catch (error) {
      const retryable = error instanceof StrataError && error.retryable && !context.signal.aborted;
      if (retryable && attempt <= policy.maxRetries) {
        // A server that says how long to wait (429/503 Retry-After) knows better than our policy.
        const delayMs = Math.max(retryDelayMs(policy, attempt), error instanceof SourceError ? (error.retryAfterMs ?? 0) : 0);
        for (const { step } of steps) {
          const message = `${step.key} failed (attempt ${attempt}/${policy.maxRetries + 1}): ${firstLine(error)}; attempt ${attempt + 1}/${policy.maxRetries + 1} in ${formatDelay(delayMs)}`;
          recorder.event({ type: 'step-retry', assetKey: step.key, attempt, level: 'warn', message, data: { delayMs, error: describeError(error) } });
          log.warn({ attempt, delayMs }, message);
        }
        await recorder.flush();
        try {
          await abortableSleep(delayMs, context.signal);
          continue;
        } catch {
          // Canceled while waiting: report the failure that led here.
        }
      }
      return fail(context, steps, state, started, attempt, error, log);
    }
  }
  // After the steps' successes are recorded, not within their attempts: a check judges what was stored, and its failure is no reason to compute again.
  for (const { step } of steps) state.checks.stored(step.key);
  for (const { output } of materialized) state.checks.evaluateAfterStep(output.asset, output.asset.checks, output);
  return materialized.map(({ result }) => result);
}

async function fail(context: ExecuteContext, steps: readonly PendingStep[], state: RunState, started: number, attempt: number, error: unknown, log: Logger): Promise<AssetRunResult[]> {
  const assetError = context.signal.aborted ? canceledError(context.signal) : describeError(error);
  for (const { step } of steps) {
    context.recorder.event({
      type: 'step-failure',
      assetKey: step.key,
      attempt: attempt === 0 ? null : attempt,
      level: 'error',
      message: `${step.key} failed: ${assetError.message}`,
      data: { error: assetError, stack: error instanceof Error ? error.stack : undefined },
    });
    log.error({ attempt }, `${step.key} failed: ${firstLine(error)}`);
  }
  await context.recorder.flush();
  for (const { asset } of steps) releaseInputs(asset, state);
  return steps.map(({ step }) => ({ ...baseResult(step, started), action: 'failed', attempts: attempt, error: assetError }));
}

/**
 * The version of what an asset reads of `dep`: the dep's current version,
 * or, for the partitions `reads` of a partitioned dep, their combined
 * version as partition `reader` of the asset reads them (see
 * `combinedDataVersion`), with those this run stored as it left them.
 */
function readVersion(plan: MaterializationPlan, state: RunState, dep: string, reads: readonly string[] | undefined, reader: string | undefined): string | undefined {
  if (reads === undefined) return state.dataVersions.get(dep);
  const made = state.partitionDataVersions.get(dep);
  return combinedDataVersion(reads, (partition) => made?.get(partition) ?? plan.partitionVersions.get(dep)?.get(partition), reader);
}

/** What one partition of a range read, as its record keeps it: see `readVersion`. */
function partitionInputVersions(plan: MaterializationPlan, state: RunState, step: PlannedAsset, partition: string): Record<string, string> {
  const inputs = plan.partitionInputs.get(partition)!;
  const reads = inputs.reads.get(step.key) ?? {};
  const versions: Record<string, string> = {};
  for (const dep of plan.graph.asset(step.key).deps) versions[dep] = readVersion(plan, state, dep, reads[dep], partition)!;
  const source = sourceVersionRead(plan, step.key, inputs.observations);
  if (source !== undefined) versions[EXTERNAL_INPUT] = source;
  return versions;
}

/** The version of its source a step of `key` records it read: what the plan observed (in `observations`), `NOT_OBSERVED` when observing threw, else none. */
function sourceVersionRead(plan: MaterializationPlan, key: string, observations: ReadonlyMap<string, Observation>): string | undefined {
  return observations.get(key)?.version ?? (plan.inputs.unreadable.get(key)?.stage === 'observe' ? NOT_OBSERVED : undefined);
}

function partitionVersionsOf(state: RunState, key: string): Map<string, string> {
  const versions = state.partitionDataVersions.get(key) ?? new Map<string, string>();
  state.partitionDataVersions.set(key, versions);
  return versions;
}

/** The latest materialization of each key, of the run's partition in a partition run. */
async function latestRecords(context: ExecuteContext, keys: readonly string[]): Promise<Map<string, MaterializationRecord>> {
  // The unpartitioned keys (a multi-asset's outputs) in one read, as before partitions.
  const records = await context.storage.latestMaterializations(keys.filter((key) => partitionsOf(context.materializationPlan, key).length === 0));
  for (const key of keys) {
    const [partition] = partitionsOf(context.materializationPlan, key);
    if (partition === undefined) continue;
    const record = (await context.storage.latestPartitionMaterializations(key, [partition])).get(partition);
    if (record !== undefined) records.set(key, record);
  }
  return records;
}

/**
 * The unpartitioned upstreams a step read from storage, as stored before the
 * run, that another process replaced while it ran: each as
 * `REPLACED_WHILE_READ`, what the step records it read. Asked once the step
 * computed, of the upstream's IO manager, which answers from the file's state
 * when nothing changed. Upstreams this run made, or handed over in memory,
 * are its own.
 */
async function inputsReplacedWhileRead(context: ExecuteContext, state: RunState, step: PendingStep, inMemory: ReadonlyMap<string, unknown>): Promise<Record<string, string>> {
  const { materializationPlan, definitions } = context;
  const readPartitions = materializationPlan.inputPartitions.get(step.step.key);
  const replaced: Record<string, string> = {};
  await Promise.all(step.asset.deps.map(async (dep) => {
    const record = materializationPlan.recorded.get(dep);
    if (record === undefined || state.results.has(dep) || inMemory.has(dep) || readPartitions?.[dep] !== undefined) return;
    const upstream = materializationPlan.graph.asset(dep);
    const stored = await definitions.ioManagers[upstream.ioManager]!.dataVersion(upstream, record).catch(() => undefined);
    if (stored !== step.inputDataVersions[dep]) replaced[dep] = REPLACED_WHILE_READ;
  }));
  return replaced;
}

/** The partitions a step materializes: the run's, for a partitioned asset; none for an unpartitioned one that feeds them. */
function partitionsOf(plan: MaterializationPlan, key: string): readonly string[] {
  return plan.graph.asset(key).partitions === undefined ? [] : plan.partitionKeys;
}

/** The leases a step holds: one per partition it materializes, or the asset's. */
function leaseKeysOf(plan: MaterializationPlan, key: string): string[] {
  const partitions = partitionsOf(plan, key);
  return partitions.length === 0 ? [assetLeaseKey(key, undefined)] : partitions.map((partition) => assetLeaseKey(key, partition));
}

/** The code version a step records: the plan computed one for every asset of the definitions. */
function codeOf(context: ExecuteContext, key: string): CodeVersion {
  return context.materializationPlan.code.get(key)!;
}

/** Drops in-memory upstream tables once their last consumer in this run is done with them. */
function releaseInputs(asset: DefinedAsset, state: RunState): void {
  for (const dep of asset.deps) {
    const entry = state.produced.get(dep);
    if (entry !== undefined && --entry.consumersLeft <= 0) state.produced.delete(dep);
  }
}

function sameInputs(recorded: Readonly<Record<string, string>>, current: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(current);
  return keys.length === Object.keys(recorded).length && keys.every((key) => recorded[key] === current[key]);
}

function assetLogger(recorder: RunRecorder, log: Logger, key: string, attempt: number): AssetLogger {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, data?: Record<string, unknown>) => {
    recorder.event({ type: 'log', assetKey: key, attempt, level, message, data: data ?? null });
    log[level](data ?? {}, message);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function baseResult(step: PlannedAsset, started: number): AssetRunResult {
  return {
    key: step.key,
    action: 'skipped',
    reasons: step.reasons.map((reason) => reason.kind),
    rows: undefined,
    durationMs: Math.round(performance.now() - started),
    dataVersion: undefined,
    attempts: 0,
    error: undefined,
  };
}

function skipped(step: PlannedAsset, why: string): AssetRunResult {
  return { ...baseResult(step, performance.now()), action: 'skipped', error: { message: why, code: undefined, hint: undefined } };
}

/** The error of a step that was in flight when the run was canceled: whatever it threw was caused by the abort. */
function canceledError(signal: AbortSignal): AssetError {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
  return { message: `canceled: ${reason}`, code: 'STRATA_CANCELED', hint: 'Its previous output, if any, was left in place.' };
}

function firstLine(error: unknown): string {
  return describeError(error).message.split('\n', 1)[0]!;
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}
