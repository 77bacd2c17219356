/**
 * The worker thread of `HashingWriter`: appends the chunks it is sent to an
 * open file descriptor (the process's descriptors are shared by its
 * threads) and feeds them to a sha256, replying once each chunk is written
 * so that its memory can be reused. Blocking writes are fine here: this
 * thread does nothing else.
 */
import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { HashingWriterReply, HashingWriterRequest } from './hashing-writer.js';

const { fd } = workerData as { fd: number };
const hash = createHash('sha256');
const shared = new Map<number, SharedArrayBuffer>();
const reply = (message: HashingWriterReply): void => parentPort!.postMessage(message);

parentPort!.on('message', (request: HashingWriterRequest) => {
  try {
    if (request.kind === 'share') {
      shared.set(request.id, request.buffer);
      return;
    }
    if (request.kind === 'digest') {
      reply({ kind: 'digest', digest: hash.digest('hex') });
      return;
    }
    const bytes = request.kind === 'copy' ? request.bytes : new Uint8Array(shared.get(request.id)!, request.offset, request.length);
    hash.update(bytes);
    // A write may take less than asked.
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
    reply({ kind: 'written' });
  } catch (error) {
    reply({ kind: 'error', message: error instanceof Error ? error.message : String(error), code: (error as { code?: string }).code });
  }
});
