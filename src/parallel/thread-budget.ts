import { isMainThread } from 'node:worker_threads';
import { availableCpus } from './available-cpus.js';

/** The budgets of the runs in progress in this thread. */
const active: number[] = [];

/**
 * How many threads the work in progress may keep busy: during a run, the
 * run's concurrency (`assets materialize --concurrency N`); elsewhere the
 * CPUs this process may use (`availableCpus()`: a CPU affinity and a
 * container's CPU quota included). In a worker thread (the `workers` executor)
 * it is 1: its sibling workers share the CPUs already. Code that could hand
 * work to a helper thread does so only when this is above 1, so
 * `--concurrency 1` and a one-CPU machine run everything on the calling
 * thread.
 *
 * The budget belongs to the process, not to each run: while runs overlap (a
 * daemon's schedules), the smallest of their budgets applies. Tracking it per
 * run would take an AsyncLocalStorage, whose hooks on Node 20 slow every
 * promise of the run.
 */
export function threadBudget(): number {
  if (active.length > 0) return Math.min(...active);
  return isMainThread ? availableCpus() : 1;
}

/** Runs `work` with `threadBudget()` at most `threads` until it settles. */
export async function withThreadBudget<T>(threads: number, work: () => Promise<T>): Promise<T> {
  const budget = Math.max(1, Math.floor(threads));
  active.push(budget);
  try {
    return await work();
  } finally {
    active.splice(active.indexOf(budget), 1);
  }
}
