import { inProcessExecutor } from '../execution/in-process-executor.js';
import type { StepExecutorFactory } from '../execution/step-executor.js';
import type { StorageLocation } from './open-storage.js';

/**
 * Where an instance runs steps when neither `openInstance` nor the call
 * names an executor. The one place that decides it from where the instance
 * lives: in this process for now, on any backend.
 */
export function defaultExecutor(_location: StorageLocation): StepExecutorFactory {
  return inProcessExecutor;
}
