import { AsyncLocalStorage } from 'node:async_hooks';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';

const budget = new AsyncLocalStorage<number>();

/**
 * How many threads the work in progress may keep busy: inside a run, the
 * run's concurrency (`assets materialize --concurrency N`); elsewhere the
 * CPUs this process may use (`os.availableParallelism()`, which follows a
 * cgroup's CPU limit). In a worker thread (the `workers` executor) it is 1:
 * its sibling workers share the CPUs already. Code that could hand work to a
 * helper thread does so only when this is above 1, so `--concurrency 1` and a
 * one-CPU machine run everything on the calling thread.
 */
export function threadBudget(): number {
  return budget.getStore() ?? (isMainThread ? availableParallelism() : 1);
}

/** Runs `work` (and everything it awaits) with `threadBudget()` returning `threads`. */
export function withThreadBudget<T>(threads: number, work: () => T): T {
  return budget.run(Math.max(1, Math.floor(threads)), work);
}
