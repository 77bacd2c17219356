import type { CodeManifest } from '../core/code-manifest.js';
import type { InstanceStorage, MaterializationRecord, RunEvent } from '../storage/instance-storage.js';

export type RunEventInput = Omit<RunEvent, 'runId' | 'time' | 'assetKey' | 'attempt' | 'level' | 'data'> &
  Partial<Pick<RunEvent, 'assetKey' | 'attempt' | 'level' | 'data'>>;

/**
 * Collects a run's events and materializations and writes them in batches:
 * one transaction per finished step (its events with its materialization),
 * rather than one per event. Every event also goes to `onEvent` at once, for
 * live progress.
 */
export class RunRecorder {
  readonly #storage: InstanceStorage;
  readonly #runId: string;
  readonly #now: () => Date;
  readonly #onEvent: ((event: RunEvent) => void) | undefined;
  #events: RunEvent[] = [];
  #materializations: MaterializationRecord[] = [];
  #codeManifests = new Map<string, CodeManifest>();
  /** Code versions whose manifest a batch of this run carried already: storage keeps one per version, so once is enough. */
  readonly #manifestsSent = new Set<string>();
  /** Serialises flushes so batches land in the order they were made. */
  #writing: Promise<void> = Promise.resolve();

  constructor(storage: InstanceStorage, runId: string, now: () => Date, onEvent?: (event: RunEvent) => void) {
    this.#storage = storage;
    this.#runId = runId;
    this.#now = now;
    this.#onEvent = onEvent;
  }

  event(input: RunEventInput): void {
    const event: RunEvent = {
      runId: this.#runId,
      time: this.#now(),
      assetKey: null,
      attempt: null,
      level: 'info',
      data: null,
      ...input,
    };
    this.#events.push(event);
    this.#onEvent?.(event);
  }

  /** `code`: what the record's code version was computed from, stored once per version. */
  materialization(record: MaterializationRecord, code: { readonly version: string; readonly manifest: CodeManifest }): void {
    this.#materializations.push(record);
    if (!this.#manifestsSent.has(code.version)) this.#codeManifests.set(code.version, code.manifest);
  }

  /** Writes everything collected so far in one transaction. */
  flush(): Promise<void> {
    const batch = { events: this.#events, materializations: this.#materializations, codeManifests: this.#codeManifests };
    this.#events = [];
    this.#materializations = [];
    this.#codeManifests = new Map();
    // Once sent, a manifest is in storage or the batch failed, and with it the run.
    for (const version of batch.codeManifests.keys()) this.#manifestsSent.add(version);
    if (batch.events.length === 0 && batch.materializations.length === 0) return this.#writing;
    this.#writing = this.#writing.then(() => this.#storage.write(batch));
    return this.#writing;
  }
}
