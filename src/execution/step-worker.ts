/**
 * A worker thread of the `workers` executor. It imports the definitions
 * module once, then runs step attempts on request: loading inputs through the
 * IO managers, computing, validating and storing exactly as in-process runs
 * do (`computeStep`), and reports back what was stored. Recording stays with
 * the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AssetLogger } from '../core/asset.js';
import { withProjectConfig } from '../core/define-config.js';
import { setProjectRoot } from '../core/project-root.js';
import { computeStep } from './compute-step.js';
import { definitionsFromModule } from './definitions-from-module.js';
import { importModule } from './import-module.js';
import { ResourcePool } from './resource-pool.js';
import { serializeError } from '../core/serialized-error.js';
import { outputData } from './step-executor.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
setProjectRoot(setup.projectRoot);
const own = definitionsFromModule(await importModule(setup.moduleUrl), setup.moduleUrl);
// With the settings the main thread runs them with: the same resources, configured alike.
const definitions = setup.configUrl === undefined ? own : withProjectConfig(own, definitionsFromModule(await importModule(setup.configUrl), setup.configUrl));
const resources = new ResourcePool(definitions.resources, setup.env);
const running = new Map<number, AbortController>();
const send = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') running.get(message.taskId)?.abort(new Error(message.reason));
  else void run(message);
});

async function run(task: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const controller = new AbortController();
  running.set(task.taskId, controller);
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, data?: Record<string, unknown>) =>
    send({ type: 'log', taskId: task.taskId, level, message, data });
  const log: AssetLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  try {
    const outputs = await computeStep(definitions, resources, task.request, { signal: controller.signal, log, inMemory: new Map() });
    send({ type: 'done', taskId: task.taskId, outputs: outputs.map(outputData) });
  } catch (error) {
    send({ type: 'failed', taskId: task.taskId, error: serializeError(error) });
  } finally {
    running.delete(task.taskId);
  }
}
