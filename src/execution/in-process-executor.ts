import { computeStep } from './compute-step.js';
import type { StepExecutorFactory } from './step-executor.js';

/** Runs every attempt in this thread: no start-up cost, and tables pass between steps without a reload. */
export const inProcessExecutor: StepExecutorFactory = {
  name: 'in-process',
  create: ({ definitions, resources }) => ({
    attempt: async (request, context) => ({ outputs: await computeStep(definitions, resources, request, context) }),
    close: async () => {},
  }),
};
