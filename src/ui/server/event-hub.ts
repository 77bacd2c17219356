import { hostname } from 'node:os';
import { tickToJson } from '../../instance/automation-summaries.js';
import type { Instance } from '../../instance/instance.js';
import type { RunEvent, RunRecord } from '../../storage/instance-storage.js';
import type { UiEvent } from '../api-types.js';
import { assetEvents, runJson } from './run-views.js';
import { escapeJsonText } from './safe-json.js';

/** How often the instance is read for runs and ticks of other processes while a client listens. */
const POLL_MS = 500;
/** A comment line this often keeps proxies and the browser from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;
/** How many of the newest runs each poll looks at: more than can start within one poll. */
const RUNS_PER_POLL = 50;

const encoder = new TextEncoder();

/**
 * The live events of `GET /api/events`: one hub per server, one stream per
 * connected browser tab. Runs this server launches report through their
 * `onEvent` at once (`runEvent`, `runEnded`); runs of other processes (the
 * CLI, a daemon, workers) and ticks are read from the instance by one poller
 * for all clients, running only while at least one is connected.
 */
export class EventHub {
  readonly #instance: Instance;
  readonly #onError: (error: unknown) => void;
  readonly #clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  #keepAlive: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  /** What the poller has reported of each run it saw: its status, and the last event `seq` sent. */
  #seen: Map<string, { status: RunRecord['status']; seq: number }> | undefined;
  #lastTickId = 0;
  /** The publishing of events of this server's runs, one after another. */
  #localEvents: Promise<void> = Promise.resolve();
  /** This server's runs by id, with the assets whose step is in flight. */
  readonly #inFlight = new Map<string, Set<string>>();
  #closed = false;

  /** `onError`: where a failed poll is reported (the poller goes on). */
  constructor(instance: Instance, onError: (error: unknown) => void) {
    this.#instance = instance;
    this.#onError = onError;
  }

  /** A new client's stream; it leaves the hub when the browser disconnects or the hub closes. */
  connect(): ReadableStream<Uint8Array> {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    return new ReadableStream<Uint8Array>({
      start: (started) => {
        controller = started;
        if (this.#closed) return controller.close();
        this.#clients.add(controller);
        // The first bytes make the browser's EventSource fire `open` at once.
        controller.enqueue(encoder.encode(': connected\n\n'));
        this.#startTimers();
      },
      cancel: () => {
        this.#clients.delete(controller);
        if (this.#clients.size === 0) this.#stopTimers();
      },
    });
  }

  /** Sends an event to every client. */
  publish(event: UiEvent): void {
    const bytes = encoder.encode(`event: ${event.type}\ndata: ${escapeJsonText(JSON.stringify(event))}\n\n`);
    for (const client of this.#clients) client.enqueue(bytes);
  }

  /**
   * An event of a run this server launched, as its `onEvent` reports it.
   * Published in the order reported: a run-start waits for the run's record,
   * and the step events behind it wait their turn.
   */
  runEvent(event: RunEvent): Promise<void> {
    this.#trackStep(event);
    return this.#inOrder(async () => {
      if (event.type === 'run-start') this.publish({ type: 'run-started', run: runJson(await this.#instance.findRun(event.runId), []) });
      else for (const uiEvent of assetEvents(event)) this.publish(uiEvent);
    });
  }

  /** A run this server launched has ended (its record is final): after its other events. */
  runEnded(runId: string): Promise<void> {
    this.#inFlight.delete(runId);
    return this.#inOrder(async () => {
      const run = await this.#instance.findRun(runId);
      this.publish({ type: 'run-ended', run: runJson(run, await this.#instance.runEvents(runId)) });
    });
  }

  /**
   * The assets with a step in flight in this server's runs. A run records a
   * step's start together with its end (events are written in batches), so
   * the instance cannot tell these until they are done; `onEvent` can.
   */
  stepsInFlight(): ReadonlySet<string> {
    return new Set([...this.#inFlight.values()].flatMap((keys) => [...keys]));
  }

  /** The ids of this server's runs still going. */
  runsHere(): string[] {
    return [...this.#inFlight.keys()];
  }

  #trackStep(event: RunEvent): void {
    if (event.type === 'run-start') this.#inFlight.set(event.runId, new Set());
    if (event.type === 'run-end') this.#inFlight.delete(event.runId);
    if (event.assetKey === null) return;
    const keys = this.#inFlight.get(event.runId) ?? this.#inFlight.set(event.runId, new Set()).get(event.runId)!;
    if (event.type === 'step-start') keys.add(event.assetKey);
    else if (event.type !== 'log') keys.delete(event.assetKey);
  }

  #inOrder(publish: () => Promise<void>): Promise<void> {
    const published = this.#localEvents.then(publish);
    // A failure is the caller's to report; the queue goes on.
    this.#localEvents = published.catch(() => {});
    return published;
  }

  /** Ends every stream and stops polling; the browsers' EventSources see the server go. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopTimers();
    for (const client of this.#clients) client.close();
    this.#clients.clear();
    await this.#polling;
  }

  #startTimers(): void {
    if (this.#poll !== undefined) return;
    this.#keepAlive = setInterval(() => {
      const bytes = encoder.encode(': keep-alive\n\n');
      for (const client of this.#clients) client.enqueue(bytes);
    }, KEEP_ALIVE_MS);
    this.#poll = setInterval(() => this.#pollNow(), POLL_MS);
    // At once, so what starts from now on is reported, however soon it ends.
    this.#pollNow();
  }

  #pollNow(): void {
    // One poll at a time: a slow instance skips beats rather than stacking them.
    this.#polling ??= this.#pollOnce()
      .catch(this.#onError)
      .finally(() => (this.#polling = undefined));
  }

  #stopTimers(): void {
    clearInterval(this.#keepAlive);
    clearInterval(this.#poll);
    this.#keepAlive = undefined;
    this.#poll = undefined;
  }

  /**
   * Reports what changed since the last poll: runs that started or ended, new
   * events of runs going, new ticks. The first poll only notes where things
   * are, so a client that connects is not sent the instance's history.
   */
  async #pollOnce(): Promise<void> {
    const { runs } = await this.#instance.runs({ limit: RUNS_PER_POLL });
    const ticks = await this.#instance.ticks({ limit: RUNS_PER_POLL });
    const seen = this.#seen;
    if (seen === undefined) {
      // A run going now reports its events from here on.
      const seeded = await Promise.all(runs.map(async ({ run }) => [run.runId, { status: run.status, seq: run.status === 'started' ? ((await this.#instance.runEvents(run.runId)).at(-1)?.seq ?? 0) : 0 }] as const));
      this.#seen = new Map(seeded);
      this.#lastTickId = ticks[0]?.id ?? 0;
      return;
    }
    // Oldest first, so events reach clients in the order they happened.
    for (const { run } of [...runs].reverse()) {
      if (launchedHere(run)) continue;
      const known = seen.get(run.runId);
      if (known !== undefined && isFinal(known.status)) continue;
      const entry = known ?? { status: 'queued' as RunRecord['status'], seq: 0 };
      seen.set(run.runId, entry);
      if (run.status === 'queued') continue;
      const events = await this.#instance.runEvents(run.runId);
      if (entry.status === 'queued') this.publish({ type: 'run-started', run: runJson(run, events) });
      for (const event of events) {
        if (event.seq <= entry.seq) continue;
        entry.seq = event.seq;
        for (const uiEvent of assetEvents(event)) this.publish(uiEvent);
      }
      if (isFinal(run.status)) this.publish({ type: 'run-ended', run: runJson(run, events) });
      entry.status = run.status;
    }
    for (const tick of ticks.filter((tick) => tick.id > this.#lastTickId).reverse()) {
      this.publish({ type: 'tick', tick: tickToJson(tick) });
      this.#lastTickId = tick.id;
    }
  }
}

function isFinal(status: RunRecord['status']): boolean {
  return status !== 'queued' && status !== 'started';
}

/** Runs of this very process report through `onEvent`; the poller leaves them alone so nothing is sent twice. */
function launchedHere(run: RunRecord): boolean {
  return run.pid === process.pid && run.hostname === hostname();
}
