import { EXTERNAL_INPUT, type AssetLogger } from '../core/asset.js';
import type { DefinedAsset, Definitions } from '../core/definitions.js';
import { SourceError, StrataError } from '../core/errors.js';
import { NO_RETRIES, retryDelayMs } from '../core/retry-policy.js';
import type { Row, Table } from '../core/table.js';
import { mayCutOffEarly, type PlannedAsset } from '../graph/planner.js';
import { abortableSleep } from './abortable-sleep.js';
import { describeError } from './describe-error.js';
import type { Logger } from './logger.js';
import type { MaterializationPlan } from './plan-materialization.js';
import type { RunRecorder } from './run-recorder.js';
import type { AssetError, AssetRunResult } from './run-result.js';
import type { StepExecutor } from './step-executor.js';
import type { AssetLeases } from './asset-leases.js';
import type { PoolSlots } from './pool-slots.js';
import type { InstanceStorage, MaterializationRecord } from '../storage/instance-storage.js';
import type { CodeVersion } from '../versioning/code-versions.js';
import type { CheckedOutput, EvaluatedCheck } from './evaluate-checks.js';
import { RunChecks } from './run-checks.js';

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
 */
export async function executePlan(context: ExecuteContext): Promise<ExecutedPlan> {
  const { materializationPlan } = context;
  const steps = materializationPlan.plan.planned;
  const plannedKeys = new Set(steps.map((step) => step.key));
  const results = new Map<string, AssetRunResult>();
  const dataVersions = new Map(materializationPlan.currentDataVersions);
  const produced = new Map<string, Produced>();
  const consumers = new Map<string, number>();
  for (const step of steps) {
    for (const dep of materializationPlan.graph.asset(step.key).deps) {
      if (plannedKeys.has(dep)) consumers.set(dep, (consumers.get(dep) ?? 0) + 1);
    }
  }
  const checks = new RunChecks(context, plannedKeys, dataVersions);

  const waiting = [...steps];
  const running = new Map<string, Promise<void>>();
  while (waiting.length > 0 || running.size > 0) {
    if (context.signal.aborted) {
      for (const step of waiting.splice(0)) {
        results.set(step.key, skipped(step, 'the run was canceled'));
        checks.stored(step.key);
      }
    }
    for (let index = 0; index < waiting.length && running.size < context.concurrency; ) {
      const step = waiting[index]!;
      const deps = materializationPlan.graph.asset(step.key).deps;
      if (deps.some((dep) => plannedKeys.has(dep) && !results.has(dep))) {
        index++;
        continue;
      }
      waiting.splice(index, 1);
      const done = runStep(context, step, { results, dataVersions, produced, consumers, checks }).then((result) => {
        results.set(step.key, result);
        checks.stored(step.key);
        running.delete(step.key);
      });
      running.set(step.key, done);
    }
    if (running.size > 0) await Promise.race(running.values());
  }
  return { assets: steps.map((step) => results.get(step.key)!), checks: await checks.evaluated() };
}

interface RunState {
  readonly results: Map<string, AssetRunResult>;
  readonly dataVersions: Map<string, string | undefined>;
  readonly produced: Map<string, Produced>;
  readonly consumers: Map<string, number>;
  readonly checks: RunChecks;
}

async function runStep(context: ExecuteContext, step: PlannedAsset, state: RunState): Promise<AssetRunResult> {
  const { materializationPlan, recorder } = context;
  const asset = materializationPlan.graph.asset(step.key);
  const started = performance.now();
  const failedUpstreams = asset.deps.filter((dep) => {
    const action = state.results.get(dep)?.action;
    return action === 'failed' || action === 'skipped';
  });
  if (failedUpstreams.length > 0) {
    const why = `upstream ${failedUpstreams.join(', ')} did not materialize`;
    recorder.event({ type: 'step-skip', assetKey: step.key, level: 'warn', message: `Skipped ${step.key}: ${why}`, data: { reason: 'upstream-failed', upstreams: failedUpstreams } });
    await recorder.flush();
    releaseInputs(asset, state);
    return skipped(step, why);
  }
  const failedChecks = await state.checks.blockingFor(asset);
  if (failedChecks.length > 0) {
    const why = `check${failedChecks.length === 1 ? '' : 's'} ${failedChecks.join(', ')} failed`;
    recorder.event({ type: 'step-skip', assetKey: step.key, level: 'warn', message: `Skipped ${step.key}: ${why}`, data: { reason: 'check-failed', checks: failedChecks } });
    await recorder.flush();
    releaseInputs(asset, state);
    return { ...skipped(step, why), blockedByChecks: failedChecks };
  }

  const inputDataVersions: Record<string, string> = {};
  for (const dep of asset.deps) inputDataVersions[dep] = state.dataVersions.get(dep)!;
  const observed = materializationPlan.observations.get(step.key)?.version;
  if (observed !== undefined) inputDataVersions[EXTERNAL_INPUT] = observed;


  const log = context.logger.child({ asset: step.key });
  try {
    await context.leases.acquire(step.key, {
      timeoutMs: context.lockTimeoutMs,
      signal: context.signal,
      onWait: (holder) => {
        const message = `Waiting for ${step.key}: run ${holder.runId} is materializing it`;
        recorder.event({ type: 'log', assetKey: step.key, message, data: { holder: holder.runId } });
        log.info({ holder: holder.runId }, message);
      },
    });
  } catch (error) {
    return fail(context, step, state, started, 0, error, log);
  }
  try {
    // Another run may have materialized the asset since this one planned (while
    // it waited for the lease, or just before it asked): decide again from the
    // latest record, which the lease now keeps from changing under us.
    const record = (await context.storage.latestMaterializations([step.key])).get(step.key);
    const madeMeanwhile = record !== undefined && record.runId !== materializationPlan.recorded.get(step.key)?.runId;
    if (record !== undefined && ((mayCutOffEarly(step) && sameInputs(record.inputDataVersions, inputDataVersions)) || (madeMeanwhile && (await stillFresh(context, step, record, inputDataVersions))))) {
      const why = madeMeanwhile ? `run ${record.runId} materialized it while this run waited` : 'its inputs did not change';
      recorder.event({ type: 'step-skip', assetKey: step.key, message: `${step.key} is up to date: ${why}`, data: { reason: 'up-to-date', by: record.runId } });
      await recorder.flush();
      state.dataVersions.set(step.key, record.dataVersion);
      releaseInputs(asset, state);
      await state.checks.evaluate(asset, state.checks.pending(asset), { asset, dataVersion: record.dataVersion, rows: Number(record.metadata.rows ?? 0), table: undefined });
      return { ...baseResult(step, started), action: 'up-to-date', dataVersion: record.dataVersion };
    }
    return await materializeInPool(context, step, state, started, inputDataVersions, log);
  } finally {
    await context.leases.release(step.key);
  }
}

/**
 * Materializes the step within a slot of its asset's pool, if it has one.
 * The slot is claimed after the asset's lease, never before: a step holding
 * a slot while it waited for a lease could wait on a run that waits for that
 * very slot.
 */
async function materializeInPool(
  context: ExecuteContext,
  step: PlannedAsset,
  state: RunState,
  started: number,
  inputDataVersions: Readonly<Record<string, string>>,
  log: Logger,
): Promise<AssetRunResult> {
  const pool = context.materializationPlan.graph.asset(step.key).pool;
  if (pool === undefined) return materializeStep(context, step, state, started, inputDataVersions, log);
  try {
    await context.slots.claim(pool, step.key, {
      signal: context.signal,
      onWait: (limit, holders) => {
        const runs = [...new Set(holders.map((holder) => holder.runId))];
        const message = `Waiting for a slot in pool ${pool} (${holders.length} of ${limit} in use by run${runs.length === 1 ? '' : 's'} ${runs.join(', ')})`;
        context.recorder.event({ type: 'log', assetKey: step.key, message, data: { pool, limit, holders: runs } });
        log.info({ pool, limit, holders: runs }, message);
      },
    });
  } catch (error) {
    return fail(context, step, state, started, 0, error, log);
  }
  try {
    return await materializeStep(context, step, state, started, inputDataVersions, log);
  } finally {
    await context.slots.release(pool, step.key);
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
  if (!sameInputs(record.configVersions, context.materializationPlan.configVersions.get(step.key) ?? {})) return false;
  if (asset.maxAgeMs !== undefined && context.now().getTime() - record.materializedAt.getTime() > asset.maxAgeMs) return false;
  return (await context.definitions.ioManagers[asset.ioManager]!.dataVersion(asset, record)) === record.dataVersion;
}

/** Runs the attempts of a step that must run, with retries, and records the outcome. */
async function materializeStep(
  context: ExecuteContext,
  step: PlannedAsset,
  state: RunState,
  started: number,
  inputDataVersions: Readonly<Record<string, string>>,
  log: Logger,
): Promise<AssetRunResult> {
  const { recorder } = context;
  const asset = context.materializationPlan.graph.asset(step.key);
  const policy = asset.retry ?? context.definitions.defaultRetry ?? NO_RETRIES;
  let attempt = 0;
  let materialized: { result: AssetRunResult; output: CheckedOutput } | undefined;
  while (materialized === undefined) {
    attempt++;
    recorder.event({ type: 'step-start', assetKey: step.key, attempt, message: `Materializing ${step.key}`, data: { reasons: step.reasons.map((reason) => reason.kind) } });
    // Written now, not with the step's outcome: whoever watches the run from
    // another process (the UI's run page, `assets logs`) sees the step running.
    await recorder.flush();
    log.info({ attempt }, `materializing ${step.key}`);
    try {
      const inMemory = new Map(asset.deps.flatMap((dep) => {
        const held = state.produced.get(dep);
        return held === undefined ? [] : [[dep, held.table] as const];
      }));
      const { stored, table, worker } = await context.executor.attempt(
        { runId: context.runId, assetKey: step.key, attempt, inputDataVersions },
        { signal: context.signal, log: assetLogger(recorder, log, step.key, attempt), inMemory },
      );
      const durationMs = Math.round(performance.now() - started);
      state.dataVersions.set(step.key, stored.dataVersion);
      const consumersLeft = state.consumers.get(step.key) ?? 0;
      if (table !== undefined && consumersLeft > 0) state.produced.set(step.key, { table, consumersLeft });
      const code = codeOf(context, step.key);
      recorder.materialization({
        runId: context.runId,
        assetKey: step.key,
        materializedAt: context.now(),
        codeVersion: code.version,
        dataVersion: stored.dataVersion,
        inputDataVersions,
        configVersions: context.materializationPlan.configVersions.get(step.key) ?? {},
        reasons: step.reasons.map((reason) => reason.kind),
        durationMs,
        metadata: { ...stored.metadata },
      }, code);
      recorder.event({ type: 'step-success', assetKey: step.key, attempt, message: `Materialized ${step.key}: ${stored.metadata.rows} row${stored.metadata.rows === 1 ? '' : 's'}${worker === undefined ? '' : ` on worker ${worker}`}`, data: { rows: stored.metadata.rows, dataVersion: stored.dataVersion, durationMs, ...(worker === undefined ? {} : { worker }) } });
      await recorder.flush();
      log.info({ rows: stored.metadata.rows, durationMs }, `materialized ${step.key}`);
      releaseInputs(asset, state);
      materialized = { result: { ...baseResult(step, started), action: 'materialized', rows: stored.metadata.rows, dataVersion: stored.dataVersion, attempts: attempt }, output: { asset, dataVersion: stored.dataVersion, rows: stored.metadata.rows, table } };
      break;
    } catch (error) {
      const retryable = error instanceof StrataError && error.retryable && !context.signal.aborted;
      if (retryable && attempt <= policy.maxRetries) {
        // A server that says how long to wait (429/503 Retry-After) knows better than our policy.
        const delayMs = Math.max(retryDelayMs(policy, attempt), error instanceof SourceError ? (error.retryAfterMs ?? 0) : 0);
        const message = `${step.key} failed (attempt ${attempt}/${policy.maxRetries + 1}): ${firstLine(error)}; attempt ${attempt + 1}/${policy.maxRetries + 1} in ${formatDelay(delayMs)}`;
        recorder.event({ type: 'step-retry', assetKey: step.key, attempt, level: 'warn', message, data: { delayMs, error: describeError(error) } });
        await recorder.flush();
        log.warn({ attempt, delayMs }, message);
        try {
          await abortableSleep(delayMs, context.signal);
          continue;
        } catch {
          // Canceled while waiting: report the failure that led here.
        }
      }
      return fail(context, step, state, started, attempt, error, log);
    }
  }
  // After the step's success is recorded, not within its attempts: a check judges what was stored, and its failure is no reason to compute again.
  state.checks.stored(step.key);
  await state.checks.evaluate(asset, asset.checks, materialized.output);
  return materialized.result;
}

async function fail(context: ExecuteContext, step: PlannedAsset, state: RunState, started: number, attempt: number, error: unknown, log: Logger): Promise<AssetRunResult> {
  const assetError = context.signal.aborted ? canceledError(context.signal) : describeError(error);
  context.recorder.event({
    type: 'step-failure',
    assetKey: step.key,
    attempt: attempt === 0 ? null : attempt,
    level: 'error',
    message: `${step.key} failed: ${assetError.message}`,
    data: { error: assetError, stack: error instanceof Error ? error.stack : undefined },
  });
  await context.recorder.flush();
  log.error({ attempt }, `${step.key} failed: ${firstLine(error)}`);
  releaseInputs(context.materializationPlan.graph.asset(step.key), state);
  return { ...baseResult(step, started), action: 'failed', attempts: attempt, error: assetError };
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
