import { hostname } from 'node:os';
import type { Definitions } from '../core/definitions.js';
import type { ScheduleDefinition } from '../core/schedule.js';
import type { SensorDefinition } from '../core/sensor.js';
import { StrataError, UnstoredPartitionsError, UnstoredUpstreamsError } from '../core/errors.js';
import { automationTag } from '../core/run-tags.js';
import { abortableSleep } from '../execution/abortable-sleep.js';
import { processIsAlive } from '../execution/fail-abandoned-runs.js';
import { type Logger, silentLogger } from '../execution/logger.js';
import { enqueueRun } from '../execution/run-queue.js';
import type { MaterializeOptions } from '../execution/materialize.js';
import { hasWork, planMaterialization } from '../execution/plan-materialization.js';
import type { MaterializeResult, RunOutcome } from '../execution/run-result.js';
import type { InstanceStorage, InstigatorKind, InstigatorState, RunEvent, RunRecord, StoredTick, TickRecord } from '../storage/instance-storage.js';
import { evaluateSensor, type ResolvedRunRequest, type SensorEvaluation } from './evaluate-sensor.js';
import { findSensor } from './find-definition.js';
import { effectiveStatus, initialState, triggerOf } from './instigator.js';
import { DEFAULT_MAX_CONCURRENT_RUNS, dequeueRuns } from './dequeue-runs.js';
import type { StepExecutorFactory } from '../execution/step-executor.js';
import { launchRun, type PlannedRun } from './launch-run.js';
import { jobPlanOptions, jobTags } from './run-job.js';
import type { TimePartitionsDefinition } from '../core/partitions.js';
import { projectRoot } from '../core/project-root.js';
import { type ChangeTimes, editedSinceLoad, readChangeTimesOnce } from '../versioning/code-versions.js';
import { partitionAtTick, schedulePartitions, type TickPartition } from './schedule-partition.js';
import { latestScheduleTick, latestScheduleTicks, nextScheduleTicks } from './schedule-ticks.js';

export interface DaemonOptions {
  readonly definitions: Definitions;
  readonly storage: InstanceStorage;
  /**
   * The time ticks are evaluated at: which schedule ticks are due, when a
   * sensor is next evaluated, the `now` a sensor sees, when a schedule or
   * sensor counts as started. Injected so tests (and `--once --now`) pin it.
   * Default: the system clock.
   */
  readonly clock?: () => Date;
  /**
   * The time the runs it launches record: runs, their events, leases,
   * materializations and launches. Default: `clock`, so one injected clock
   * pins everything in tests. Give the system clock here when `clock` is a
   * simulated time (as `assets daemon --once --now` does): a pass "as if at"
   * a time still records when its runs really happened and how long they took.
   */
  readonly runClock?: () => Date;
  /** Given to sensors and to runs' resources. Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folder sensors read relative paths from. Default: the process's working folder. */
  readonly cwd?: string;
  readonly logger?: Logger;
  /** Aborting it stops the daemon: no new tick starts, and the run in flight is canceled. */
  readonly signal?: AbortSignal;
  /** Steps a run may run at once (default: the number of CPUs). */
  readonly concurrency?: number;
  /** Where runs' steps run (default in-process): the queue executor sends them to the work pool. */
  readonly executor?: StepExecutorFactory | undefined;
  /**
   * The most runs `started` at once in the instance, counting every daemon's
   * and the CLI's. Set (here, or with `STRATA_MAX_CONCURRENT_RUNS` in `env`),
   * schedules and sensors queue their runs and each pass starts queued runs
   * oldest first up to it. Unset, schedules and sensors run their jobs
   * directly, one at a time, and runs queued by others are started up to
   * 10 (`DEFAULT_MAX_CONCURRENT_RUNS`).
   */
  readonly maxConcurrentRuns?: number;
  /** The longest wait between passes of `run()`, so starts and stops made by other processes are seen. Default 5 s. */
  readonly maxWaitMs?: number;
  /** Called with each tick as soon as it is recorded (before its run ends): live output. */
  readonly onTick?: ((tick: StoredTick) => void) | undefined;
  /** Every event of the runs it launches (live progress). */
  readonly onEvent?: ((event: RunEvent) => void) | undefined;
  /** Called as each run it launched ends, however it ended. */
  readonly onRunEnd?: ((run: RunSummary) => void) | undefined;
  /**
   * Called after a pass in which a run ended, with the project files the
   * definitions' code was loaded from that changed on disk since the load
   * (relative to the project root, sorted), when there are some: the daemon
   * runs the code it loaded, not these. Judged by the pass's one look at the
   * files, which its plans judged the code by too.
   */
  readonly onCodeEdited?: ((files: readonly string[]) => void) | undefined;
  /** Called when a pass starts a schedule or sensor: one running by default, seen for the first time. */
  readonly onStart?: ((started: { readonly kind: InstigatorKind; readonly name: string; readonly startedAt: Date }) => void) | undefined;
}

/** How a run a tick launched ended. */
export interface RunSummary {
  readonly runId: string;
  readonly status: RunOutcome;
  /** `schedule:<name>` or `sensor:<name>`. */
  readonly trigger: string;
  /** What it ran: `job refresh`, or `select "<expression>"` for a sensor's request without a job. */
  readonly target: string;
  readonly durationMs: number;
  /** The assets that failed, in run order; empty unless it failed. */
  readonly failedAssets: readonly string[];
  /** Why it failed when no asset did (it could not be run at all), else null. */
  readonly error: string | null;
}

/** One handled tick: as stored, and how its runs ended. */
export interface TickReport {
  readonly tick: StoredTick;
  readonly runs: readonly RunSummary[];
}

/** A sensor's run request as `assets sensor tick --dry-run` shows it: what the daemon would do with it. */
export interface PreviewedRequest {
  readonly request: ResolvedRunRequest;
  /**
   * `launch`; `queue` (with a maximum of concurrent runs: the reason says
   * whether the next pass starts it or it waits for a run to end); or why it
   * would not be launched: `duplicate` (run key launched before, or by an
   * earlier request), `blocked` (its job is running, or queued by others or
   * an earlier request), `nothing-to-do` (everything it selects is up to
   * date), `fail` (it cannot be planned: the tick fails, and launches none of
   * the requests after it, so none are listed).
   */
  readonly verdict: Decision['status'] | 'fail';
  /**
   * Why, for every verdict but `launch`; for `launch`, `nothing-to-do` and a
   * `fail` for want of stored upstreams after a request the tick would
   * launch, also that the verdict was judged before that run, which the tick
   * lets end before it plans this one (its work may leave this one nothing
   * to do, or something to do, or let it be planned); else null.
   */
  readonly reason: string | null;
}

/**
 * What the daemon does with a run request now (see `#decide`). `launch`
 * carries the plan to run. `queue` plans nothing: a queued run plans when it
 * starts, so nothing is decided about its work before then; its reason says
 * when it would start.
 */
type Decision =
  | { readonly status: 'duplicate' | 'blocked' | 'nothing-to-do'; readonly reason: string }
  | { readonly status: 'queue'; readonly reason: string }
  | { readonly status: 'launch'; readonly planned: PlannedRun };

/**
 * What the daemon's decision on a request reads of the instance's runs
 * (see `#readRunsSeen`).
 */
interface RunsSeen {
  /** The trigger's run keys, of those asked for, launched before (or found with nothing to do). */
  readonly launchedRunKeys: ReadonlySet<string>;
  /** The runs waiting in the queue, oldest first; empty when nothing could be held back by one or queued behind one. */
  readonly queued: readonly {
    readonly job: string | undefined;
    readonly partition: string | undefined;
    /** Which run it is, as a reason names it. */
    readonly which: string;
  }[];
  /** The runs `started` that may still be going; read (else 0) only with a maximum of concurrent runs, which counts them. */
  readonly started: number;
}

type Due =
  /** `times`: the ticks to run, oldest first (one, unless the schedule's ticks each run a partition). */
  | { readonly kind: 'schedule'; readonly definition: ScheduleDefinition; readonly state: InstigatorState; readonly time: Date; readonly times: readonly Date[] }
  | { readonly kind: 'sensor'; readonly definition: SensorDefinition; readonly state: InstigatorState; readonly time: Date };

interface Launched {
  readonly runId: string;
  readonly trigger: string;
  readonly target: string;
  /** performance.now() at launch: the duration of a run whose result never came. */
  readonly launchedAt: number;
  readonly result: Promise<MaterializeResult>;
}

type Launch =
  | ({ readonly status: 'launched' } & Launched)
  | { readonly status: 'queued'; readonly runId: string }
  | { readonly status: 'nothing-to-do' | 'duplicate' | 'blocked'; readonly reason: string };

const DEFAULT_MAX_WAIT_MS = 5_000;
/**
 * The most missed ticks a schedule of a partitioned job catches up on in one
 * pass (the latest ones): each runs a partition of its own, so a few days of
 * downtime are made good, and a long one is left to `assets backfill`.
 */
export const MAX_PARTITION_CATCH_UP_TICKS = 5;
/** Never spin: even when something is due at once, passes are this far apart. */
const MIN_WAIT_MS = 200;

/**
 * Ticks every running schedule and sensor and runs the jobs they ask for,
 * in this process, one run at a time; and starts the runs waiting in the
 * run queue.
 *
 * - A pass handles what is due at the clock's time, oldest tick first (then
 *   schedules before sensors, then by name), and runs what each tick
 *   launches before the next tick: two schedules due at the same minute on
 *   the same job both run, one after the other.
 * - A schedule runs only its latest tick since it last ticked or was started:
 *   after downtime that is one catch-up tick, never a flood, and never one
 *   from before it was started. A schedule of a partitioned job runs each
 *   tick's partition (see `schedule-partition.ts`), so after downtime it
 *   runs each missed tick, oldest first, up to the latest
 *   `MAX_PARTITION_CATCH_UP_TICKS`.
 * - A job never overlaps itself: a tick whose job still has a run going
 *   (another daemon, a `--once` pass from system cron) is skipped, saying so.
 * - Every tick is recorded: success (run ids), skipped (the reason), failed
 *   (the error); a failing sensor or run never stops the daemon.
 * - A sensor's cursor is stored with its tick, after its runs were launched;
 *   a run request whose run key the sensor launched before is dropped.
 * - With a maximum of concurrent runs (`maxConcurrentRuns`), schedules and
 *   sensors queue their runs instead of running them (a job already queued
 *   is not queued again), and each pass starts queued runs, oldest first,
 *   while fewer than the maximum are `started` in the instance; queued runs
 *   of others (`assets materialize --queue`) are started the same way,
 *   up to 10 (`DEFAULT_MAX_CONCURRENT_RUNS`) when no maximum is set. Each run is
 *   claimed in storage first, so two daemons never start the same one.
 *
 * @example
 * const daemon = new Daemon({ definitions, storage, signal: controller.signal });
 * await daemon.run(); // until the signal aborts
 */
export class Daemon {
  readonly #definitions: Definitions;
  readonly #storage: InstanceStorage;
  readonly #clock: () => Date;
  readonly #runClock: () => Date;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #cwd: string;
  readonly #logger: Logger;
  readonly #signal: AbortSignal;
  readonly #concurrency: number | undefined;
  readonly #executor: StepExecutorFactory | undefined;
  /** Null: not configured; schedules and sensors run their jobs directly. */
  readonly #maxConcurrentRuns: number | null;
  readonly #maxWaitMs: number;
  readonly #onTick: ((tick: StoredTick) => void) | undefined;
  readonly #onEvent: ((event: RunEvent) => void) | undefined;
  readonly #onRunEnd: ((run: RunSummary) => void) | undefined;
  readonly #onStart: DaemonOptions['onStart'];
  readonly #onCodeEdited: DaemonOptions['onCodeEdited'];
  /**
   * The current pass's look at the code's files (see `readChangeTimesOnce`):
   * every plan of a pass, and its notice of edited files, judge the code by
   * it, so each file is statted once per pass and all of them speak of the
   * same files. A run still looks again as each step records what it ran.
   */
  #changeTimes: ChangeTimes = readChangeTimesOnce();
  /** How many runs it launched or started have ended: whether a pass ran something. */
  #runsEnded = 0;
  /** Runs launched and not yet ended, by id: what a stop would cancel. */
  readonly #inFlight = new Set<string>();
  /** By schedule name: see `#schedulePartitions`. */
  readonly #partitionsOf = new Map<string, { readonly definition: TimePartitionsDefinition | undefined } | { readonly error: unknown }>();

  constructor(options: DaemonOptions) {
    this.#definitions = options.definitions;
    this.#storage = options.storage;
    this.#clock = options.clock ?? (() => new Date());
    this.#runClock = options.runClock ?? this.#clock;
    this.#env = options.env ?? {};
    this.#cwd = options.cwd ?? process.cwd();
    this.#logger = options.logger ?? silentLogger;
    this.#signal = options.signal ?? new AbortController().signal;
    this.#concurrency = options.concurrency;
    this.#executor = options.executor;
    this.#maxConcurrentRuns = options.maxConcurrentRuns ?? maxConcurrentRunsFromEnv(this.#env);
    if (this.#maxConcurrentRuns !== null && (!Number.isInteger(this.#maxConcurrentRuns) || this.#maxConcurrentRuns < 1)) {
      throw new StrataError('STRATA_INVALID_MAX_CONCURRENT_RUNS', `The maximum of concurrent runs must be a positive integer, got ${options.maxConcurrentRuns ?? JSON.stringify(this.#env['STRATA_MAX_CONCURRENT_RUNS'])}.`, {
        hint: 'Set STRATA_MAX_CONCURRENT_RUNS (or maxConcurrentRuns) to 1 or more, or leave it unset.',
      });
    }
    this.#maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.#onTick = options.onTick;
    this.#onEvent = options.onEvent;
    this.#onRunEnd = options.onRunEnd;
    this.#onStart = options.onStart;
    this.#onCodeEdited = options.onCodeEdited;
  }

  /** The ids of the runs it launched that have not ended yet: empty while it is idle. */
  get runsInFlight(): readonly string[] {
    return [...this.#inFlight];
  }

  /**
   * One pass at the clock's time: starts what newly runs, handles every due
   * tick and waits for the runs they launch, then starts queued runs up to
   * the maximum of concurrent runs and waits for those. Returns the handled
   * ticks in the order they were handled; queued runs are reported through
   * `onRunEnd` as they end.
   */
  async tick(): Promise<TickReport[]> {
    this.#changeTimes = readChangeTimesOnce();
    const runsEndedBefore = this.#runsEnded;
    const now = this.#clock();
    const stored = await this.#storedStates();
    const due: Due[] = [];
    for (const definition of this.#definitions.schedules) {
      const state = await this.#runningState('schedule', definition, stored.get(triggerOf('schedule', definition.name)), now);
      if (state === undefined) continue;
      const after = state.lastTickAt !== null && state.lastTickAt > state.startedAt! ? state.lastTickAt : state.startedAt!;
      const times = this.#partitioned(definition) ? latestScheduleTicks(definition, after, now, MAX_PARTITION_CATCH_UP_TICKS) : [latestScheduleTick(definition, after, now)].filter((time) => time !== undefined);
      if (times.length > 0) due.push({ kind: 'schedule', definition, state, time: times[0]!, times });
    }
    for (const definition of this.#definitions.sensors) {
      const state = await this.#runningState('sensor', definition, stored.get(triggerOf('sensor', definition.name)), now);
      if (state === undefined) continue;
      if (state.lastTickAt === null || now.getTime() - state.lastTickAt.getTime() >= definition.intervalSeconds * 1000) {
        due.push({ kind: 'sensor', definition, state, time: now });
      }
    }
    due.sort(
      (a, b) =>
        a.time.getTime() - b.time.getTime() ||
        (a.kind === b.kind ? 0 : a.kind === 'schedule' ? -1 : 1) ||
        (a.definition.name < b.definition.name ? -1 : a.definition.name > b.definition.name ? 1 : 0),
    );

    const reports: TickReport[] = [];
    for (const item of due) {
      if (this.#signal.aborted) break;
      try {
        // Another process (a second daemon, an overlapping `--once`) may have
        // handled or stopped it while this pass ran earlier ticks.
        if (item.kind === 'sensor') {
          const state = await this.#storage.instigatorState(item.kind, item.definition.name);
          if (state === undefined || effectiveStatus(item.definition, state) !== 'running' || !sameTime(state.lastTickAt, item.state.lastTickAt)) continue;
          reports.push(await this.#sensorTick(item.definition, state));
          continue;
        }
        // Each catch-up tick only while the schedule is where the previous one left it.
        let expected = item.state.lastTickAt;
        for (const time of item.times) {
          if (this.#signal.aborted) break;
          const state = await this.#storage.instigatorState(item.kind, item.definition.name);
          if (state === undefined || effectiveStatus(item.definition, state) !== 'running' || !sameTime(state.lastTickAt, expected)) break;
          reports.push(await this.#scheduleTick(item.definition, state, time));
          expected = time;
        }
      } catch (error) {
        // A tick's own failures are recorded as failed ticks; only the instance itself failing gets here.
        this.#logger.error({ err: error, [item.kind]: item.definition.name }, `${item.kind} ${item.definition.name} could not tick: ${messageOf(error)}`);
      }
    }
    if (!this.#signal.aborted) await this.#startQueuedRuns();
    if (this.#runsEnded > runsEndedBefore) await this.#reportCodeEdits();
    return reports;
  }

  /** Names the files edited since the load to `onCodeEdited`, by the pass's look at them. */
  async #reportCodeEdits(): Promise<void> {
    if (this.#onCodeEdited === undefined) return;
    let edited: readonly string[];
    try {
      // The versions every plan compares with (see `planMaterialization`), computed once per definitions.
      edited = await editedSinceLoad(this.#definitions, { projectRoot: projectRoot() }, this.#changeTimes);
    } catch {
      return; // Code versions that cannot be computed failed the run, which said so.
    }
    if (edited.length > 0) this.#onCodeEdited(edited);
  }

  /** Starts queued runs while the instance has room for them, and waits for them to end. */
  async #startQueuedRuns(): Promise<void> {
    const dequeued = await dequeueRuns({
      definitions: this.#definitions,
      storage: this.#storage,
      maxConcurrentRuns: this.#maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS,
      now: this.#runClock,
      logger: this.#logger,
      signal: this.#signal,
      env: this.#env,
      concurrency: this.#concurrency,
      executor: this.#executor,
      changeTimes: this.#changeTimes,
      onEvent: this.#onEvent,
    });
    const launched = dequeued.map((run) => this.#track({ ...run, launchedAt: performance.now() }));
    await Promise.all(launched.map((run) => this.#awaitRun(run)));
  }

  /** Counts a run as in flight until it ends. */
  #track(launched: Launched): Launched {
    this.#inFlight.add(launched.runId);
    const ended = () => void this.#inFlight.delete(launched.runId);
    launched.result.then(ended, ended);
    return launched;
  }

  /** Passes until the signal aborts, sleeping until the next tick is due in between. */
  async run(): Promise<void> {
    const running = await this.#runningCounts();
    this.#logger.info(running, `Daemon started: ${count(running.schedules, 'running schedule')}, ${count(running.sensors, 'running sensor')}`);
    while (!this.#signal.aborted) {
      try {
        await this.tick();
      } catch (error) {
        this.#logger.error({ err: error }, `Daemon pass failed: ${messageOf(error)}; trying again`);
      }
      if (this.#signal.aborted) break;
      try {
        await abortableSleep(await this.#msUntilDue(), this.#signal);
      } catch {
        break; // aborted while waiting
      }
    }
    this.#logger.info({}, 'Daemon stopped');
  }

  /** Evaluates a sensor now, whatever its status and interval, launching what it asks for and recording the tick. */
  async tickSensor(name: string): Promise<TickReport> {
    const definition = findSensor(this.#definitions, name);
    this.#changeTimes = readChangeTimesOnce();
    const state = (await this.#storage.instigatorState('sensor', name)) ?? initialState('sensor', name);
    return this.#sensorTick(definition, state);
  }

  /** Evaluates a sensor now and says what the daemon would do with each request; launches and stores nothing. */
  async previewSensor(name: string): Promise<{ readonly evaluation: SensorEvaluation; readonly requests: readonly PreviewedRequest[] }> {
    const definition = findSensor(this.#definitions, name);
    this.#changeTimes = readChangeTimesOnce();
    const state = await this.#storage.instigatorState('sensor', name);
    const evaluation = await this.#evaluate(definition, state, this.#clock());
    if ('skip' in evaluation) return { evaluation, requests: [] };
    const trigger = triggerOf('sensor', name);
    const requests: PreviewedRequest[] = [];
    let seen = await this.#readRunsSeen(trigger, evaluation.runRequests);
    /** The last earlier request the tick would launch: it runs to its end before the tick plans the next one. */
    let launchedBefore: ResolvedRunRequest | undefined;
    // What that run materializes can change what a later request finds stale, or let one be planned that reads what it
    // stores, which no dry run knows: such a verdict says so. A duplicate does not depend on a run's work, nor a block
    // (a running job's run may have ended by then, but that is time, not this run's work), nor a failure of another kind.
    const withCaveat = (reason: string | null) => {
      const caveat = launchedBefore === undefined ? null : `judged before the run of ${launchedBefore.target}, launched before it, and planned when that run ends, so its work can change this`;
      return caveat === null ? reason : reason === null ? caveat : `${reason}; ${caveat}`;
    };
    for (const request of evaluation.runRequests) {
      try {
        const decision = await this.#decide(trigger, request, seen);
        const reason = 'reason' in decision ? decision.reason : null;
        requests.push({ request, verdict: decision.status, reason: decision.status === 'launch' || decision.status === 'nothing-to-do' ? withCaveat(reason) : reason });
        seen = afterActing(seen, request, decision.status);
        if (decision.status === 'launch') launchedBefore = request;
      } catch (error) {
        // The tick stops at this request too (see `#sensorTick`), unless an earlier run stores what it lacks.
        const lacksStored = error instanceof UnstoredUpstreamsError || error instanceof UnstoredPartitionsError;
        requests.push({ request, verdict: 'fail', reason: lacksStored ? withCaveat(launchFailure(request, error)) : launchFailure(request, error) });
        break;
      }
    }
    return { evaluation, requests };
  }

  /**
   * The running schedules and sensors that started or last ticked after
   * `time`, with that moment: a pass at `time` runs none of their ticks, as
   * it never runs a tick twice nor one from before a start. Only a pass at a
   * simulated time (`--once --now` earlier than a daemon that already ran)
   * meets them, and should say so rather than report "nothing due".
   */
  async aheadOf(time: Date): Promise<{ readonly kind: InstigatorKind; readonly name: string; readonly since: Date }[]> {
    const stored = await this.#storedStates();
    const ahead: { kind: InstigatorKind; name: string; since: Date }[] = [];
    const check = (kind: InstigatorKind, definition: ScheduleDefinition | SensorDefinition) => {
      const state = stored.get(triggerOf(kind, definition.name));
      if (state === undefined || effectiveStatus(definition, state) !== 'running') return;
      // A sensor is due by its last tick alone; a schedule also never runs a tick from before its start.
      const times = kind === 'schedule' ? [state.startedAt, state.lastTickAt] : [state.lastTickAt];
      const since = times.reduce<Date | null>((latest, t) => (t !== null && (latest === null || t > latest) ? t : latest), null);
      if (since !== null && since > time) ahead.push({ kind, name: definition.name, since });
    };
    for (const definition of this.#definitions.schedules) check('schedule', definition);
    for (const definition of this.#definitions.sensors) check('sensor', definition);
    return ahead;
  }

  /**
   * The time partitions a schedule's ticks run, or undefined for an unpartitioned job; throws for a job that
   * cannot run one partition per tick. Worked out once per schedule: the definitions never change under a daemon.
   */
  #schedulePartitions(schedule: ScheduleDefinition): TimePartitionsDefinition | undefined {
    let known = this.#partitionsOf.get(schedule.name);
    if (known === undefined) {
      try {
        known = { definition: schedulePartitions(this.#definitions, schedule) };
      } catch (error) {
        known = { error };
      }
      this.#partitionsOf.set(schedule.name, known);
    }
    if ('error' in known) throw known.error;
    return known.definition;
  }

  /** Whether the schedule's ticks each run a partition; a job that cannot is reported by its tick's failure. */
  #partitioned(schedule: ScheduleDefinition): boolean {
    try {
      return this.#schedulePartitions(schedule) !== undefined;
    } catch {
      return false;
    }
  }

  async #storedStates(): Promise<Map<string, InstigatorState>> {
    return new Map((await this.#storage.instigatorStates()).map((state) => [triggerOf(state.kind, state.name), state]));
  }

  /**
   * The state to tick from, or undefined when it is stopped. One that is
   * running but was not before gets its start time now: nothing before that
   * ever runs. One that stopped loses its start time, so it starts afresh.
   */
  async #runningState(
    kind: InstigatorKind,
    definition: ScheduleDefinition | SensorDefinition,
    stored: InstigatorState | undefined,
    now: Date,
  ): Promise<InstigatorState | undefined> {
    if (effectiveStatus(definition, stored) === 'stopped') {
      if (stored !== undefined && stored.startedAt !== null) await this.#storage.saveInstigatorState({ ...stored, startedAt: null });
      return undefined;
    }
    if (stored !== undefined && stored.startedAt !== null) return stored;
    const state: InstigatorState = { ...(stored ?? initialState(kind, definition.name)), startedAt: now };
    await this.#storage.saveInstigatorState(state);
    this.#logger.info({ [kind]: definition.name, startedAt: now.toISOString() }, `Started ${kind} ${definition.name}`);
    this.#onStart?.({ kind, name: definition.name, startedAt: now });
    return state;
  }

  async #scheduleTick(schedule: ScheduleDefinition, state: InstigatorState, tickTime: Date): Promise<TickReport> {
    const evaluatedAt = this.#clock();
    const record = (fields: Pick<TickRecord, 'status'> & Partial<TickRecord>): TickRecord => ({
      kind: 'schedule',
      name: schedule.name,
      tickTime,
      evaluatedAt,
      runIds: [],
      skipReason: null,
      error: null,
      cursor: null,
      ...fields,
    });
    const next: InstigatorState = { ...state, lastTickAt: tickTime };
    let launch: Launch;
    try {
      const partitions = this.#schedulePartitions(schedule);
      const partition: TickPartition = partitions === undefined ? { kind: 'unpartitioned' } : partitionAtTick(partitions, tickTime);
      if (partition.kind === 'none') return this.#finish(record({ status: 'skipped', skipReason: `job ${schedule.job}: ${partition.reason}` }), next, []);
      const key = partition.kind === 'partition' ? partition.key : undefined;
      const request: ResolvedRunRequest = {
        job: schedule.job,
        // The tick time (and its partition): a tick launched before a crash is not launched again after it.
        runKey: key === undefined ? tickTime.toISOString() : `${tickTime.toISOString()}/${key}`,
        planOptions: jobPlanOptions(this.#definitions, schedule.job),
        partition: key,
        tags: { ...jobTags(this.#definitions, schedule.job), ...schedule.tags, ...automationTag('schedule', schedule.name) },
        target: key === undefined ? `job ${schedule.job}` : `job ${schedule.job}, partition ${key}`,
      };
      launch = await this.#launch(triggerOf('schedule', schedule.name), request);
    } catch (error) {
      return this.#finish(record({ status: 'failed', error: messageOf(error) }), next, []);
    }
    if (launch.status === 'queued') return this.#finish(record({ status: 'success', runIds: [launch.runId] }), next, []);
    if (launch.status !== 'launched') return this.#finish(record({ status: 'skipped', skipReason: launch.reason }), next, []);
    return this.#finish(record({ status: 'success', runIds: [launch.runId] }), next, [launch]);
  }

  async #sensorTick(sensor: SensorDefinition, state: InstigatorState): Promise<TickReport> {
    const evaluatedAt = this.#clock();
    const record = (fields: Pick<TickRecord, 'status' | 'cursor'> & Partial<TickRecord>): TickRecord => ({
      kind: 'sensor',
      name: sensor.name,
      tickTime: evaluatedAt,
      evaluatedAt,
      runIds: [],
      skipReason: null,
      error: null,
      ...fields,
    });
    const next = (cursor: string | null): InstigatorState => ({ ...state, lastTickAt: evaluatedAt, cursor });

    let evaluation: SensorEvaluation;
    try {
      evaluation = await this.#evaluate(sensor, state, evaluatedAt);
    } catch (error) {
      return this.#finish(record({ status: 'failed', error: messageOf(error), cursor: state.cursor }), next(state.cursor), []);
    }
    if ('skip' in evaluation) {
      const cursor = evaluation.cursor ?? state.cursor;
      return this.#finish(record({ status: 'skipped', skipReason: evaluation.skip, cursor }), next(cursor), []);
    }

    const trigger = triggerOf('sensor', sensor.name);
    const runIds: string[] = [];
    const reasons: string[] = [];
    const finished: RunSummary[] = [];
    let pending: Launched | undefined;
    let heldBack = false;
    let error: string | null = null;
    for (const request of evaluation.runRequests) {
      // One run at a time: the previous request's run ends before the next is launched.
      if (pending !== undefined) finished.push(await this.#awaitRun(pending));
      pending = undefined;
      if (this.#signal.aborted) {
        heldBack = true;
        reasons.push(`${request.target}: not launched, the daemon is stopping`);
        break;
      }
      let launch: Launch;
      try {
        launch = await this.#launch(trigger, request);
      } catch (launchError) {
        error = launchFailure(request, launchError);
        break;
      }
      if (launch.status === 'launched') {
        runIds.push(launch.runId);
        pending = launch;
      } else if (launch.status === 'queued') {
        runIds.push(launch.runId);
      } else {
        reasons.push(launch.reason);
        if (launch.status === 'blocked') heldBack = true;
      }
    }
    // The new cursor only once everything asked for was launched (or needed no launch):
    // otherwise the next tick evaluates from the old cursor and asks again.
    const cursor = error !== null || heldBack ? state.cursor : (evaluation.cursor ?? state.cursor);
    const status = error !== null ? 'failed' : runIds.length > 0 ? 'success' : 'skipped';
    const skipReason = reasons.length > 0 ? reasons.join('; ') : null;
    return this.#finish(record({ status, runIds, skipReason, error, cursor }), next(cursor), pending === undefined ? [] : [pending], finished);
  }

  #evaluate(sensor: SensorDefinition, state: InstigatorState | undefined, now: Date): Promise<SensorEvaluation> {
    return evaluateSensor(sensor, {
      definitions: this.#definitions,
      storage: this.#storage,
      now,
      state,
      env: this.#env,
      cwd: this.#cwd,
      signal: this.#signal,
      logger: this.#logger,
    });
  }

  /**
   * What the decisions on `requests` read of the instance's runs, in one
   * read each: a tick reads them again for each request, as the one before
   * changed them; a dry run reads them once (see `previewSensor`).
   */
  async #readRunsSeen(trigger: string, requests: readonly ResolvedRunRequest[]): Promise<RunsSeen> {
    const runKeys = requests.flatMap(({ runKey }) => (runKey === null ? [] : [runKey]));
    const launchedRunKeys = runKeys.length === 0 ? new Set<string>() : await this.#storage.launchedRunKeys(trigger, runKeys);
    const readsQueue = this.#maxConcurrentRuns !== null || requests.some(({ job }) => job !== null);
    const queued = readsQueue
      ? (await this.#storage.queuedRuns()).map(({ run, request }) => ({
          job: request.job,
          partition: request.partition,
          which: `run ${run.runId}, triggered by ${run.trigger} at ${run.startedAt.toISOString()}`,
        }))
      : [];
    // As a pass sees them: it fails this host's dead runs before it claims.
    const started = this.#maxConcurrentRuns === null ? 0 : (await this.#storage.runsWithStatus('started')).filter(isAlive).length;
    return { launchedRunKeys, queued, started };
  }

  /** Why a request must not be launched now, or undefined when it may. */
  async #holdBack(request: ResolvedRunRequest, seen: RunsSeen): Promise<{ status: 'duplicate' | 'blocked'; reason: string } | undefined> {
    if (request.runKey !== null && seen.launchedRunKeys.has(request.runKey)) {
      return { status: 'duplicate', reason: `${request.target}: run key "${request.runKey}" was already launched` };
    }
    if (request.job !== null) {
      const running = (await this.#storage.startedRunsOfJob(request.job)).find(isAlive);
      if (running !== undefined) {
        return {
          status: 'blocked',
          reason: `job "${request.job}" is still running (run ${running.runId}, triggered by ${running.trigger} at ${running.startedAt.toISOString()})`,
        };
      }
      // A run of the job waiting in the queue will run what is stale when it starts: a second one would only run after it, for nothing.
      // (Of the same partition: a run of another one materializes other data.)
      const waiting = seen.queued.find((queued) => queued.job === request.job && queued.partition === request.partition);
      if (waiting !== undefined) return { status: 'blocked', reason: `job "${request.job}" is already queued (${waiting.which})` };
    }
    return undefined;
  }

  /**
   * What to do with a request now: hold it back, leave it as having nothing
   * to do, or launch it (queue it, with a maximum of concurrent runs). A tick
   * acts on this (`#launch`) and a dry run shows it (`previewSensor`), so the
   * two cannot disagree; `seen` is what it reads of the instance's runs
   * (`#readRunsSeen`). Throws when planning fails.
   */
  async #decide(trigger: string, request: ResolvedRunRequest, seen: RunsSeen): Promise<Decision> {
    const hold = await this.#holdBack(request, seen);
    if (hold !== undefined) return hold;
    if (this.#maxConcurrentRuns !== null) return { status: 'queue', reason: queuePlace(this.#maxConcurrentRuns, seen) };
    const started = performance.now();
    const plan = await planMaterialization(this.#definitions, this.#storage, this.#runOptions(trigger, request));
    if (!hasWork(plan)) return { status: 'nothing-to-do', reason: `${request.target}: nothing to do, every selected asset is up to date` };
    return { status: 'launch', planned: { plan, started } };
  }

  /** What a request's run is planned and made with. */
  #runOptions(trigger: string, request: ResolvedRunRequest): MaterializeOptions {
    return {
      ...request.planOptions,
      partition: request.partition,
      storage: this.#storage,
      logger: this.#logger.child({ trigger }),
      signal: this.#signal,
      env: this.#env,
      now: this.#runClock,
      concurrency: this.#concurrency,
      executor: this.#executor,
      trigger,
      tags: request.tags,
      changeTimes: this.#changeTimes,
      request: {
        ...(request.job === null ? { select: request.planOptions.select } : { job: request.job }),
        ...(request.partition === undefined ? {} : { partition: request.partition }),
      },
      onEvent: this.#onEvent,
    };
  }

  /**
   * Acts on `#decide`: launches the run, or queues it, and records the
   * launch once the run exists (or has nothing to do). Throws when planning
   * fails: then nothing was launched.
   */
  async #launch(trigger: string, request: ResolvedRunRequest): Promise<Launch> {
    const decision = await this.#decide(trigger, request, await this.#readRunsSeen(trigger, [request]));
    if (decision.status === 'queue') {
      // A job is queued by name, so the run plans from the job as the definitions declare it when it starts.
      const { select, exclude, force, refresh } = request.planOptions;
      const queued = await enqueueRun(this.#storage, {
        ...(request.job === null ? { select, exclude, force, refresh } : { job: request.job }),
        ...(request.partition === undefined ? {} : { partition: request.partition }),
        tags: request.tags,
        trigger,
        now: this.#runClock(),
      });
      await this.#storage.recordLaunch({ trigger, job: request.job, runKey: request.runKey, runId: queued.runId, launchedAt: this.#runClock() });
      this.#logger.info({ trigger, runId: queued.runId }, `${trigger} queued run ${queued.runId} (${request.target}): ${decision.reason}`);
      return { status: 'queued', runId: queued.runId };
    }
    if (decision.status !== 'launch') {
      // Handled all the same: its run key is not asked for again.
      if (decision.status === 'nothing-to-do') await this.#storage.recordLaunch({ trigger, job: request.job, runKey: request.runKey, runId: null, launchedAt: this.#runClock() });
      return decision;
    }
    const launched = launchRun(this.#definitions, decision.planned, this.#runOptions(trigger, request));
    const runId = await launched.runId;
    try {
      await this.#storage.recordLaunch({ trigger, job: request.job, runKey: request.runKey, runId, launchedAt: this.#runClock() });
    } catch (error) {
      await launched.result.catch(() => undefined);
      throw error;
    }
    this.#logger.info({ trigger, runId }, `${trigger} launched run ${runId} (${request.target})`);
    return { status: 'launched', ...this.#track({ runId, trigger, target: request.target, launchedAt: performance.now(), result: launched.result }) };
  }

  /** Records the tick, then waits for the run it launched last (earlier ones are `finished`). */
  async #finish(record: TickRecord, state: InstigatorState, pending: readonly Launched[], finished: readonly RunSummary[] = []): Promise<TickReport> {
    let tick: StoredTick;
    try {
      tick = await this.#storage.recordTick(record, state);
    } catch (error) {
      for (const launched of pending) await this.#awaitRun(launched);
      throw error;
    }
    const describe = tick.status === 'success' ? `launched ${tick.runIds.join(', ')}` : tick.status === 'skipped' ? `skipped: ${tick.skipReason}` : `failed: ${tick.error}`;
    const fields = { [tick.kind]: tick.name, tickTime: tick.tickTime.toISOString(), status: tick.status, runIds: tick.runIds };
    const message = `${tick.kind} ${tick.name} tick at ${tick.tickTime.toISOString()} ${describe}`;
    if (tick.status === 'failed') this.#logger.warn(fields, message);
    else this.#logger.info(fields, message);
    this.#onTick?.(tick);
    const runs = [...finished];
    for (const launched of pending) runs.push(await this.#awaitRun(launched));
    return { tick, runs };
  }

  async #awaitRun(launched: Launched): Promise<RunSummary> {
    const { runId, trigger, target } = launched;
    let summary: RunSummary;
    try {
      const result = await launched.result;
      const log = result.status === 'success' ? this.#logger.info.bind(this.#logger) : this.#logger.warn.bind(this.#logger);
      log({ runId, status: result.status }, `Run ${runId} ${result.status}`);
      // A canceled run's interrupted assets are recorded as failed too; only a failed run blames them.
      const failedAssets = result.status === 'failed' ? result.assets.filter((asset) => asset.action === 'failed').map((asset) => asset.key) : [];
      summary = { runId, status: result.status, trigger, target, durationMs: result.durationMs, failedAssets, error: null };
    } catch (error) {
      this.#logger.error({ err: error, runId }, `Run ${runId} failed: ${messageOf(error)}`);
      const durationMs = Math.round(performance.now() - launched.launchedAt);
      summary = { runId, status: 'failed', trigger, target, durationMs, failedAssets: [], error: messageOf(error) };
    }
    this.#runsEnded++;
    this.#onRunEnd?.(summary);
    return summary;
  }

  async #runningCounts(): Promise<{ schedules: number; sensors: number }> {
    const stored = await this.#storedStates();
    const running = (kind: InstigatorKind, definitions: readonly (ScheduleDefinition | SensorDefinition)[]) =>
      definitions.filter((definition) => effectiveStatus(definition, stored.get(triggerOf(kind, definition.name))) === 'running').length;
    return { schedules: running('schedule', this.#definitions.schedules), sensors: running('sensor', this.#definitions.sensors) };
  }

  /** Until the next schedule tick or sensor evaluation is due, within [MIN_WAIT_MS, maxWaitMs]. */
  async #msUntilDue(): Promise<number> {
    const now = this.#clock().getTime();
    let next = now + this.#maxWaitMs;
    try {
      const stored = await this.#storedStates();
      for (const definition of this.#definitions.schedules) {
        if (effectiveStatus(definition, stored.get(triggerOf('schedule', definition.name))) !== 'running') continue;
        const [tick] = nextScheduleTicks(definition, new Date(now), 1);
        if (tick !== undefined) next = Math.min(next, tick.getTime());
      }
      for (const definition of this.#definitions.sensors) {
        const state = stored.get(triggerOf('sensor', definition.name));
        if (effectiveStatus(definition, state) !== 'running') continue;
        next = Math.min(next, (state?.lastTickAt?.getTime() ?? now) + definition.intervalSeconds * 1000);
      }
    } catch (error) {
      this.#logger.error({ err: error }, `Could not read the schedules' state: ${messageOf(error)}`);
    }
    return Math.min(this.#maxWaitMs, Math.max(MIN_WAIT_MS, next - now));
  }
}

/**
 * Whether a `started` run may really still be going. Only a run started on
 * this host can be checked (its process exists or not); one from another
 * host counts as running.
 */
function isAlive(run: RunRecord): boolean {
  return run.hostname !== hostname() || run.pid === null || processIsAlive(run.pid);
}

/** `STRATA_MAX_CONCURRENT_RUNS`, or null when unset; a value that is not a number is reported by the caller's check. */
function maxConcurrentRunsFromEnv(env: Readonly<Record<string, string | undefined>>): number | null {
  const value = env['STRATA_MAX_CONCURRENT_RUNS'];
  return value === undefined || value === '' ? null : Number(value);
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}

/**
 * Where a run queued now would stand: passes start queued runs oldest first
 * while fewer than `max` are started, so it starts at the next pass only
 * when the runs started and those queued before it leave room.
 */
function queuePlace(max: number, seen: RunsSeen): string {
  const { started, queued } = seen;
  const when = started + queued.length < max ? 'the next daemon pass starts it' : 'it waits for a run to end';
  return `at most ${count(max, 'concurrent run')}, ${started} started and ${queued.length} queued before it: ${when}`;
}

/**
 * The runs a tick's next request sees once the tick acted on `status` for
 * this one (see `#launch`), for a dry run, which stores nothing: a queued run
 * waits in the queue, and a request launched, queued or found with nothing
 * to do has its run key recorded. A launched run has ended before the next
 * request is decided, so it holds nothing back; what it materialized may
 * change what the next one finds stale, which `previewSensor` says.
 */
function afterActing(seen: RunsSeen, request: ResolvedRunRequest, status: Decision['status']): RunsSeen {
  if (status === 'duplicate' || status === 'blocked') return seen;
  const launchedRunKeys = request.runKey === null ? seen.launchedRunKeys : new Set([...seen.launchedRunKeys, request.runKey]);
  if (status !== 'queue') return { ...seen, launchedRunKeys };
  const queuedNow = { job: request.job ?? undefined, partition: request.partition, which: 'by an earlier request of this tick' };
  return { ...seen, launchedRunKeys, queued: [...seen.queued, queuedNow] };
}

/** How a tick records a request it could not launch (planning failed), and a dry run shows it. */
function launchFailure(request: ResolvedRunRequest, error: unknown): string {
  return `${request.target}: ${messageOf(error)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `1 running schedule`, `2 running schedules`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
