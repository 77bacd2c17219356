import type { FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { deserializeError, type SerializedError } from '../core/serialized-error.js';
import { unpackRecords, type PackedRecords } from '../parallel/record-columns.js';

/** What `json-array-worker.ts` is started with. */
export interface JsonWorkerSetup {
  readonly fd: number;
  readonly where: string;
  readonly chunkBytes: number;
  /** Batches posted and not yet taken by the calling thread (one Int32 on a SharedArrayBuffer). */
  readonly inFlight: Int32Array;
  readonly maxInFlight: number;
}

/** What the worker posts: a batch of elements, the end of the array, or why it stopped. */
export type JsonWorkerMessage =
  | { readonly kind: 'batch'; readonly batch: PackedRecords }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly error: SerializedError };

/**
 * Batches the worker may post ahead of the reader: enough that neither
 * thread waits on the other, few enough to hold only megabytes.
 */
const MAX_IN_FLIGHT = 4;

/**
 * The elements of the JSON array in the file `handle`, as
 * `parseJsonArrayBatches` yields them (the same batches for the same
 * chunks, and the same errors), but decoded and parsed in a worker thread
 * (`json-array-worker.ts`). This thread only rebuilds the elements from
 * columns, which costs a tenth of decoding and parsing them, so whatever
 * the caller does with the rows (validating, cleaning, building columns)
 * runs while the worker parses the next chunks: on two cores, reading a
 * large file takes about as long as the slower of the two.
 *
 * Closes `handle` when done, when the caller stops early, and on failure.
 * An error from the file system is thrown with its `code` (ENOENT...), so
 * the caller can describe it as it describes its own read errors.
 */
export async function* parseJsonFileInWorker(handle: FileHandle, where: string, chunkBytes: number, signal?: AbortSignal): AsyncGenerator<unknown[]> {
  const inFlight = new Int32Array(new SharedArrayBuffer(4));
  const setup: JsonWorkerSetup = { fd: handle.fd, where, chunkBytes, inFlight, maxInFlight: MAX_IN_FLIGHT };
  const worker = new Worker(new URL('./json-array-worker.js', import.meta.url), { workerData: setup });
  const messages: JsonWorkerMessage[] = [];
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (message: JsonWorkerMessage) => {
    messages.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure ??= error;
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the JSON parsing worker for ${where} exited with code ${code} before the end of the array`);
    notify();
  });
  signal?.addEventListener('abort', notify);
  try {
    for (;;) {
      while (messages.length === 0 && failure === undefined && !signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
      signal?.throwIfAborted();
      const message = messages.shift();
      if (message === undefined) throw failure;
      if (message.kind === 'done') return;
      if (message.kind === 'error') throw deserializeError(message.error);
      Atomics.sub(inFlight, 0, 1);
      Atomics.notify(inFlight, 0);
      yield unpackRecords(message.batch);
    }
  } finally {
    signal?.removeEventListener('abort', notify);
    // The worker may be blocked in Atomics.wait or a read: terminate stops it either way, and only then is the descriptor closed under it.
    await worker.terminate();
    await handle.close();
  }
}
