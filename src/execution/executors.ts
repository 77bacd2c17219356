import { inProcessExecutor } from './in-process-executor.js';
import type { StepExecutorFactory } from './step-executor.js';
import { workerThreadsExecutor } from './worker-step-executor.js';
import { queueExecutor } from '../work-pool/queue-executor.js';

/** The executors Strata ships, by the name `--executor` takes. */
export const EXECUTORS: Readonly<Record<string, StepExecutorFactory>> = Object.freeze(
  Object.fromEntries([inProcessExecutor, workerThreadsExecutor, queueExecutor].map((factory) => [factory.name, factory])),
);
