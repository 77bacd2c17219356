import type { SerializedError } from '../core/serialized-error.js';
import type { StepRequest, StoredOutputData } from './step-executor.js';

/** What a step worker is started with. */
export interface WorkerSetup {
  /** URL of the module exporting the definitions; each worker imports it once. */
  readonly moduleUrl: string;
  /** URL of the project config whose settings apply to those definitions, when it is another module (see `withProjectConfig`). */
  readonly configUrl?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The main thread's `projectRoot()`, set before the import so relative paths resolve alike. */
  readonly projectRoot: string;
}

export type ToWorker =
  | { readonly type: 'run'; readonly taskId: number; readonly request: StepRequest }
  | { readonly type: 'abort'; readonly taskId: number; readonly reason: string };

export type FromWorker =
  | { readonly type: 'log'; readonly taskId: number; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string; readonly data: Record<string, unknown> | undefined }
  /** What the attempt stored, by asset key (several for a multi-asset) and partition; the tables stay in the worker. */
  | { readonly type: 'done'; readonly taskId: number; readonly outputs: readonly StoredOutputData[] }
  | { readonly type: 'failed'; readonly taskId: number; readonly error: SerializedError };
