import { inProcessExecutor } from '../execution/in-process-executor.js';
import type { StepExecutorFactory } from '../execution/step-executor.js';
import { queueExecutor } from '../work-pool/queue-executor.js';
import type { StorageLocation } from './open-storage.js';

/**
 * Where an instance runs steps when neither `openInstance` nor the call
 * names an executor. The one place that decides it from where the instance
 * lives: in this process on SQLite (one machine); on the work pool's workers
 * on Postgres, which is how an instance is shared between hosts (Prefect's
 * and Dagster's deployments work the same way: the server schedules, workers
 * run). A coordinator on Postgres with no worker running says so in the run's
 * log after 10 s; `--executor in-process` runs the steps in the coordinator.
 */
export function defaultExecutor(location: StorageLocation): StepExecutorFactory {
  return location.kind === 'postgres' ? queueExecutor : inProcessExecutor;
}
