import { Worker } from 'node:worker_threads';

/** What `hashing-writer-worker.ts` is asked: append bytes of `buffer` (shared with it, or a copy), or the digest of everything. */
export type HashingWriterRequest =
  | { readonly kind: 'write'; readonly buffer: ArrayBufferLike; readonly offset: number; readonly length: number }
  | { readonly kind: 'digest' };

export type HashingWriterReply = { readonly kind: 'written' } | { readonly kind: 'digest'; readonly digest: string } | { readonly kind: 'error'; readonly message: string; readonly code: string | undefined };

/**
 * Appends bytes to an open file and hashes them (sha256) in a worker thread,
 * so that the thread producing them (a CSV encoder) only produces them:
 * hashing gigabytes is a few seconds of CPU that can run beside it. Chunks
 * from `allocate` live on a SharedArrayBuffer and are handed over without a
 * copy; other bytes are copied into the message.
 *
 * As with `FileSink`: call `write` again only once the previous write
 * resolved, and reuse a chunk's memory only then.
 */
export class HashingWriter {
  readonly #worker: Worker;
  #pending: { resolve: (reply: HashingWriterReply) => void; reject: (error: unknown) => void } | undefined;
  #failure: unknown;

  constructor(fd: number) {
    this.#worker = new Worker(new URL('./hashing-writer-worker.js', import.meta.url), { workerData: { fd } });
    this.#worker.on('message', (reply: HashingWriterReply) => this.#settle(reply));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the file writing worker exited with code ${code}`)));
  }

  /** A buffer of `bytes` on memory this thread and the worker share. */
  allocate(bytes: number): Buffer {
    return Buffer.from(new SharedArrayBuffer(bytes));
  }

  async write(bytes: Uint8Array): Promise<void> {
    // A SharedArrayBuffer is shared by posting it; other bytes go as a copy of just them (the caller keeps its buffer).
    const shared = bytes.buffer instanceof SharedArrayBuffer ? bytes : bytes.slice();
    await this.#request({ kind: 'write', buffer: shared.buffer, offset: shared.byteOffset, length: shared.byteLength });
  }

  /** The hex sha256 of every byte written. */
  async digest(): Promise<string> {
    const reply = await this.#request({ kind: 'digest' });
    return (reply as Extract<HashingWriterReply, { kind: 'digest' }>).digest;
  }

  /** Stops the worker; the file descriptor stays open, the caller's to close. */
  async close(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }

  #request(request: HashingWriterRequest): Promise<HashingWriterReply> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#worker.postMessage(request);
    });
  }

  #settle(reply: HashingWriterReply): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (reply.kind === 'error') pending?.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    else pending?.resolve(reply);
  }

  #fail(error: unknown): void {
    this.#failure ??= error;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }
}
