/**
 * The worker thread of `parseJsonFileInWorker`: reads a JSON array from an
 * open file descriptor (the process's descriptors are shared by its
 * threads), parses it with the same parser as the calling thread would, and
 * posts the elements a chunk at a time, packed as columns (see
 * `packRecords`). Blocking reads are fine here: this thread does nothing
 * else. It stops while `inFlight` batches are unread, so a slow reader holds
 * a few megabytes rather than the whole file.
 */
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../core/serialized-error.js';
import { packRecords } from '../parallel/record-columns.js';
import { JsonArrayParser } from './json-array-stream.js';
import type { JsonWorkerMessage, JsonWorkerSetup } from './json-file-worker.js';

const { fd, where, chunkBytes, inFlight, maxInFlight } = workerData as JsonWorkerSetup;
const post = (message: JsonWorkerMessage, transfer: ArrayBuffer[] = []): void => parentPort!.postMessage(message, transfer);

try {
  const parser = new JsonArrayParser(where);
  // Reused for every read: the parser copies what it keeps of a chunk. A plain
  // Uint8Array, not a Buffer, whose `slice` would be a view rather than that copy.
  const chunk = new Uint8Array(chunkBytes);
  for (let position = 0; ; ) {
    const read = readSync(fd, chunk, 0, chunk.length, position);
    if (read === 0) break;
    position += read;
    const elements = parser.push(chunk.subarray(0, read));
    if (elements.length === 0) continue;
    const { packed, transfer } = packRecords(elements);
    Atomics.add(inFlight, 0, 1);
    post({ kind: 'batch', batch: packed }, transfer);
    for (let held = Atomics.load(inFlight, 0); held >= maxInFlight; held = Atomics.load(inFlight, 0)) Atomics.wait(inFlight, 0, held);
  }
  parser.end();
  post({ kind: 'done' });
} catch (error) {
  // The calling thread rebuilds it: a StrataError keeps its message and hint, a system error its code.
  post({ kind: 'error', error: serializeError(error) });
}
