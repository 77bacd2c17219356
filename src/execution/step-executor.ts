import type { Definitions } from '../core/definitions.js';
import type { StoreResult } from '../core/io-manager.js';
import type { Row, Table } from '../core/table.js';
import { computeStep, type StepAttempt } from './compute-step.js';
import type { ResourcePool } from './resource-pool.js';

/** Where the executor runs the attempts of its steps: this thread, or worker threads. */
export type ExecutorKind = 'in-process' | 'workers';

/**
 * Runs one attempt of a step and reports what was stored. `table` is the
 * stored table when it is still in this thread (so downstream steps can take
 * it from memory), undefined when the attempt ran elsewhere.
 */
export interface StepExecutor {
  attempt(step: StepAttempt): Promise<{ stored: StoreResult; table: Table<Row> | undefined }>;
  close(): Promise<void>;
}

/** Runs every attempt in this thread: no start-up cost, and tables pass between steps without a reload. */
export function inProcessExecutor(definitions: Definitions, resources: ResourcePool): StepExecutor {
  return {
    attempt: (step) => computeStep(definitions, resources, step),
    close: async () => {},
  };
}
