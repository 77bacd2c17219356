import { hostname } from 'node:os';
import type { AssetLogger } from '../core/asset.js';
import type { Definitions } from '../core/definitions.js';
import { StrataError } from '../core/errors.js';
import { retryWhileUnreachable } from '../core/postgres-disconnects.js';
import { serializeError } from '../core/serialized-error.js';
import { outputData, type StepRequest, type StoredOutputData } from '../execution/step-executor.js';
import { WorkerStepExecutor } from '../execution/worker-step-executor.js';
import type { InstanceStorage, LogLevel } from '../storage/instance-storage.js';
import { codeVersionsOf } from '../versioning/code-versions.js';
import { recordedEnvReads, type SettingsAsRun, settingsFingerprints } from '../versioning/config-fingerprints.js';
import { changedSettings } from '../graph/planner.js';
import { describeSettings } from '../instance/describe-reason.js';
import { type DispatchOutcome, type StepJobPayload, stepTask } from './step-dispatches.js';
import { DEFAULT_WORK_POOL, UNREACHABLE_LIMIT_MS } from './queue-executor.js';
import { WorkPoolConnection } from './work-pool-connection.js';
import { graphileLogger } from './work-pool-schema.js';

/** How often a worker heartbeats the steps it runs; a coordinator declares it lost after `WORKER_SILENT_AFTER_MS` of silence. */
const WORKER_HEARTBEAT_MS = 5_000;

export interface WorkPoolWorkerOptions {
  /** The instance (Postgres) the worker takes steps from and records logs in. */
  readonly storage: InstanceStorage;
  /** The same definitions its coordinators run: a step whose code version differs is refused. */
  readonly definitions: Definitions;
  /** URL of the module the definitions come from: each of the worker's threads imports it. */
  readonly definitionsModule: string;
  /** URL of the project config whose settings apply to that module, when it is another file: each thread imports it too. */
  readonly configModule?: string | undefined;
  readonly projectRoot: string;
  readonly codeCacheFile: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Steps run at once, each in a worker thread of its own. */
  readonly concurrency: number;
  /** The work pool whose steps it takes; default `default`. */
  readonly workPool?: string | undefined;
  /** Each step it starts and ends, for the command to print. */
  readonly onStep?: ((event: WorkerStepEvent) => void) | undefined;
  /** What graphile-worker reports as an error (a lost connection, say). */
  readonly onError?: ((message: string) => void) | undefined;
}

export type WorkerStepEvent =
  | { readonly type: 'started'; readonly request: StepRequest }
  | { readonly type: 'succeeded'; readonly request: StepRequest; readonly outputs: readonly StoredOutputData[]; readonly durationMs: number }
  | { readonly type: 'failed'; readonly request: StepRequest; readonly message: string; readonly durationMs: number }
  | { readonly type: 'handed-back'; readonly request: StepRequest; readonly reason: string }
  | { readonly type: 'discarded'; readonly request: StepRequest; readonly reason: string };

interface RunningStep {
  readonly request: StepRequest;
  readonly controller: AbortController;
}

/**
 * An `assets worker`: takes the steps of one work pool from graphile-worker
 * and runs each in a worker thread (so a CPU-heavy compute never delays the
 * heartbeats and aborts this thread handles), loading inputs and storing
 * outputs through the IO managers, writing the step's log lines to the run,
 * and recording the outcome for the coordinator.
 *
 * It aborts a step when its run is canceled, ends, or loses its coordinator
 * (see `StepDispatches.heartbeat`). Stopping hands the running steps back, so
 * their coordinators dispatch them again at once.
 */
export class WorkPoolWorker {
  /** `host:pid`, as `assets runs` and the step's events name it. */
  readonly name = `${hostname()}:${process.pid}`;
  readonly workPool: string;
  readonly #options: WorkPoolWorkerOptions;
  readonly #running = new Map<number, RunningStep>();
  #connection: WorkPoolConnection | undefined;
  #steps: WorkerStepExecutor | undefined;
  #runner: import('graphile-worker').Runner | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  /** Aborted when the worker stops: it takes no more steps and stops waiting for the database. */
  readonly #stopping = new AbortController();
  #stopped: Promise<void> | undefined;
  #beating = false;
  #settingsAsRun: Promise<SettingsAsRun> | undefined;

  constructor(options: WorkPoolWorkerOptions) {
    this.#options = options;
    this.workPool = options.workPool || DEFAULT_WORK_POOL;
  }

  /** The database and schema it takes work from, for messages. */
  get location(): string {
    return this.#connection?.location ?? '';
  }

  /** Connects and starts taking steps; resolves once it is listening for jobs. Leaves nothing open when it fails. */
  async start(): Promise<void> {
    try {
      this.#connection = await WorkPoolConnection.open(this.#options.storage, (payload) => this.#notified(payload), 'assets worker');
      this.#steps = new WorkerStepExecutor({ moduleUrl: this.#options.definitionsModule, configUrl: this.#options.configModule, env: this.#options.env, projectRoot: this.#options.projectRoot }, this.#options.concurrency);
      this.#heartbeat = setInterval(() => void this.#beat(), WORKER_HEARTBEAT_MS);
      const { run } = await import('graphile-worker');
      this.#runner = await run({
        pgPool: this.#connection.pool,
        schema: this.#connection.schemas.graphileWorker,
        concurrency: this.#options.concurrency,
        // The command handles Ctrl-C and SIGTERM: it stops this worker cleanly.
        noHandleSignals: true,
        // graphile-worker marks a job complete without awaiting it, so a database
        // gone at that moment would end this process with an unhandled
        // rejection. Batched completion reports it instead and stops the
        // worker, which `assets worker` then says. (A job left behind is
        // harmless: its dispatch has ended, and a worker that takes it again
        // finds nothing to claim.)
        preset: { worker: { completeJobBatchDelay: 0 } },
        logger: await graphileLogger(this.#options.onError),
        taskList: {
          [stepTask(this.workPool)]: async (payload, helpers) => {
            const { dispatchId } = payload as StepJobPayload;
            try {
              await this.#runJob(dispatchId, helpers.job.locked_by ?? '');
            } catch (error) {
              // The database failed under the step's bookkeeping. Returning
              // normally keeps graphile-worker from keeping a failed job; the
              // coordinator finds the dispatch silent (or its job gone) and
              // dispatches it again.
              this.#options.onError?.(`the bookkeeping of dispatch ${dispatchId} failed: ${error instanceof Error ? error.message : String(error)}`);
            }
          },
        },
      });
    } catch (error) {
      await this.stop('it failed to start');
      throw error;
    }
  }

  /** Resolves when the worker stops (see `stop`), rejects when graphile-worker fails. */
  get done(): Promise<void> {
    return this.#runner?.promise ?? Promise.resolve();
  }

  /** Takes no more steps, aborts and hands back those running, and disconnects; a second call waits for the first. */
  stop(reason: string): Promise<void> {
    this.#stopped ??= this.#stop(reason);
    return this.#stopped;
  }

  async #stop(reason: string): Promise<void> {
    this.#stopping.abort();
    clearInterval(this.#heartbeat);
    const running = [...this.#running.entries()];
    await this.#connection?.dispatches.handBack(running.map(([id]) => id)).catch(() => {
      // Unreachable database: the coordinators notice the silence instead.
    });
    for (const [, step] of running) {
      step.controller.abort(new Error(reason));
      this.#options.onStep?.({ type: 'handed-back', request: step.request, reason });
    }
    await this.#runner?.stop();
    await this.#steps?.close();
    await this.#connection?.close();
  }

  async #runJob(dispatchId: number, graphileWorkerId: string): Promise<void> {
    const dispatches = this.#connection!.dispatches;
    const claimed = await dispatches.claim(dispatchId, { name: this.name, graphileWorkerId });
    if (claimed === undefined) return;
    if (this.#stopping.signal.aborted) {
      // Taken while stopping: give it straight back rather than leave it to fall silent.
      await dispatches.handBack([dispatchId]);
      return;
    }
    const { request } = claimed;
    const controller = new AbortController();
    this.#running.set(dispatchId, { request, controller });
    const started = performance.now();
    const logs = new StepLog(this.#options.storage, request);
    this.#options.onStep?.({ type: 'started', request });
    let outcome: DispatchOutcome;
    try {
      await this.#checkCode(request.assetKey, claimed.codeVersion);
      if (claimed.settings !== undefined) await this.#checkSettings(request.assetKey, claimed.settings);
      const { outputs } = await this.#steps!.attempt(request, { signal: controller.signal, log: logs.logger, inMemory: new Map() });
      outcome = { kind: 'succeeded', outputs: outputs.map(outputData) };
    } catch (error) {
      outcome = { kind: 'failed', error: serializeError(error) };
    } finally {
      this.#running.delete(dispatchId);
    }
    await logs.flushed();
    // Stopping handed it back already; its coordinator dispatches it again.
    if (this.#stopping.signal.aborted) return;
    const durationMs = Math.round(performance.now() - started);
    // A step that ended while the database was down (a restart, a failover)
    // is recorded once it is back: its output is stored already, and the
    // coordinator waits as long. Returning earlier would also have
    // graphile-worker complete the job against the unreachable database.
    const recorded = await retryWhileUnreachable(() => dispatches.finish(dispatchId, outcome), { limitMs: UNREACHABLE_LIMIT_MS, signal: this.#stopping.signal });
    if (!recorded) {
      this.#options.onStep?.({ type: 'discarded', request, reason: 'its coordinator had given it up (declared this worker lost, or the run ended)' });
    } else if (outcome.kind === 'succeeded') {
      this.#options.onStep?.({ type: 'succeeded', request, outputs: outcome.outputs, durationMs });
    } else {
      this.#options.onStep?.({ type: 'failed', request, message: outcome.error.message, durationMs });
    }
  }

  /** Refuses a step when this worker loaded other code than its coordinator planned with: its output would be recorded under the wrong code version. */
  async #checkCode(assetKey: string, planned: string): Promise<void> {
    const versions = await codeVersionsOf(this.#options.definitions, { projectRoot: this.#options.projectRoot, cacheFile: this.#options.codeCacheFile });
    const here = versions.get(assetKey)?.version;
    if (here === planned) return;
    throw new StrataError(
      'STRATA_WORKER_CODE_MISMATCH',
      here === undefined
        ? `Worker ${this.name} has no asset "${assetKey}" in its definitions.`
        : `Worker ${this.name} runs other code for "${assetKey}" than the run was planned with (code version ${here.slice(0, 12)}, planned ${planned.slice(0, 12)}).`,
      { hint: 'Deploy the same code to every worker and restart them (`assets worker`), then run again.' },
    );
  }

  /**
   * Refuses a step when this worker's resource settings (its environment,
   * its config file), or the variables the asset's resources read from their
   * `env` last time, differ from its coordinator's: the step would compute
   * with the worker's, and the run record the coordinator's.
   */
  async #checkSettings(assetKey: string, planned: Readonly<Record<string, string>>): Promise<void> {
    const { definitions, env, storage } = this.#options;
    // Once per worker: its definitions, environment and instance key never change while it runs.
    this.#settingsAsRun ??= storage.instanceKey().then((instanceKey) => settingsFingerprints(definitions, env, instanceKey).asRun);
    const here = (await this.#settingsAsRun)(assetKey, recordedEnvReads(planned));
    const differing = changedSettings(definitions.asset(assetKey)!, planned, here);
    if (differing.length === 0) return;
    throw new StrataError('STRATA_WORKER_SETTINGS_MISMATCH', `Worker ${this.name} would run "${assetKey}" with other settings than the run was planned with: ${describeSettings(differing)}.`, {
      hint: 'Give every worker the same resource settings as the coordinators (the same environment variables and config file), restart them (`assets worker`), then run again.',
    });
  }

  async #beat(): Promise<void> {
    // One beat at a time: beats piling up on a slow database would take every connection.
    if (this.#beating) return;
    this.#beating = true;
    try {
      const toAbort = await this.#connection!.dispatches.heartbeat([...this.#running.keys()]);
      for (const [id, reason] of toAbort) this.#running.get(id)?.controller.abort(new Error(reason));
    } catch {
      // Unreachable database: the next beat tries again; a coordinator that
      // hears nothing for long enough dispatches the step elsewhere.
    } finally {
      this.#beating = false;
    }
  }

  #notified(payload: string): void {
    if (payload.startsWith('abort:')) this.#running.get(Number(payload.slice('abort:'.length)))?.controller.abort(new Error('the run was canceled'));
  }
}

/**
 * A step's log lines, written to its run's events as the compute logs them,
 * in order, so `assets logs -f` on any host shows them while the step runs.
 */
class StepLog {
  readonly logger: AssetLogger;
  #written: Promise<void> = Promise.resolve();

  constructor(storage: InstanceStorage, request: StepRequest) {
    const at = (level: LogLevel) => (message: string, data?: Record<string, unknown>) => {
      const event = { runId: request.runId, time: new Date(), type: 'log' as const, assetKey: request.assetKey, attempt: request.attempt, level, message, data: data ?? null };
      this.#written = this.#written.then(() => storage.write({ events: [event] })).catch(() => {
        // A log line that cannot be written must not fail the step.
      });
    };
    this.logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  }

  flushed(): Promise<void> {
    return this.#written;
  }
}
