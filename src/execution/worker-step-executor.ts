import { Worker } from 'node:worker_threads';
import { UsageError } from '../core/errors.js';
import { projectRoot } from '../core/project-root.js';
import { requireVisibility } from './require-visibility.js';
import { deserializeError } from '../core/serialized-error.js';
import type { AttemptResult, StepContext, StepExecutor, StepExecutorFactory, StepRequest } from './step-executor.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

/**
 * Runs each attempt in a worker thread (`--executor workers`), for CPU-heavy
 * computes. Refuses plans whose IO managers keep tables in this process, since
 * the workers load their inputs themselves.
 */
export const workerThreadsExecutor: StepExecutorFactory = {
  name: 'workers',
  create({ definitions, plan, env, definitionsModule, configModule, concurrency }) {
    if (definitionsModule === undefined) {
      throw new UsageError('The workers executor needs the module the definitions come from.', {
        hint: 'Pass definitionsModule (the CLI does this for you), or use the in-process executor.',
      });
    }
    // Its workers are threads of this process, each with its own copy of the definitions (and so of every IO manager).
    requireVisibility(definitions, plan, 'host', 'workers');
    return new WorkerStepExecutor({ moduleUrl: definitionsModule, configUrl: configModule, env, projectRoot: projectRoot() }, concurrency);
  },
};

type Stored = Extract<FromWorker, { type: 'done' }>['outputs'];

interface Task {
  readonly context: StepContext;
  readonly worker: Worker;
  resolve(outputs: Stored): void;
  reject(error: Error): void;
}

/**
 * Runs step attempts in a pool of worker threads, one attempt per worker at a
 * time, so CPU-heavy computes use every core instead of taking turns on one.
 * Workers start on first use and each imports the definitions module once.
 * Tables do not cross back: downstream steps load them through their IO
 * managers, which therefore must be readable from other threads (files, not
 * memory).
 */
export class WorkerStepExecutor implements StepExecutor {
  readonly #setup: WorkerSetup;
  readonly #size: number;
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #waiting: ((worker: Worker) => void)[] = [];
  readonly #tasks = new Map<number, Task>();
  readonly #dead = new Set<Worker>();
  #nextTaskId = 1;

  constructor(setup: WorkerSetup, size: number) {
    this.#setup = setup;
    this.#size = size;
  }

  async attempt(request: StepRequest, context: StepContext): Promise<AttemptResult> {
    const worker = await this.#acquire();
    const taskId = this.#nextTaskId++;
    const onAbort = () => this.#post(worker, { type: 'abort', taskId, reason: String((context.signal.reason as Error)?.message ?? context.signal.reason) });
    context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const outputs = await new Promise<Stored>((resolve, reject) => {
        this.#tasks.set(taskId, { context, worker, resolve, reject });
        this.#post(worker, { type: 'run', taskId, request });
      });
      return { outputs: outputs.map((output) => ({ ...output, table: undefined })) };
    } finally {
      context.signal.removeEventListener('abort', onAbort);
      this.#tasks.delete(taskId);
      this.#release(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #acquire(): Promise<Worker> {
    const idle = this.#idle.pop();
    if (idle !== undefined) return Promise.resolve(idle);
    if (this.#workers.length < this.#size) return Promise.resolve(this.#start());
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(worker: Worker): void {
    if (this.#dead.has(worker)) return;
    const next = this.#waiting.shift();
    if (next !== undefined) next(worker);
    else this.#idle.push(worker);
  }

  #start(): Worker {
    const worker = new Worker(new URL('./step-worker.js', import.meta.url), { workerData: this.#setup });
    worker.on('message', (message: FromWorker) => this.#receive(message));
    // A worker that dies (its definitions failed to import, it ran out of memory)
    // fails every task it held; the run reports them like any failed step.
    worker.on('error', (error) => this.#bury(worker, error));
    this.#workers.push(worker);
    return worker;
  }

  #receive(message: FromWorker): void {
    const task = this.#tasks.get(message.taskId);
    if (task === undefined) return;
    if (message.type === 'log') task.context.log[message.level](message.message, message.data);
    else if (message.type === 'done') task.resolve(message.outputs);
    else task.reject(deserializeError(message.error));
  }

  #bury(worker: Worker, error: Error): void {
    this.#dead.add(worker);
    this.#workers.splice(this.#workers.indexOf(worker), 1);
    for (const task of this.#tasks.values()) if (task.worker === worker) task.reject(error);
    // Replace it for whoever is waiting, so a death does not shrink the pool to a stall.
    const next = this.#waiting.shift();
    if (next !== undefined) next(this.#start());
  }

  #post(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }
}
