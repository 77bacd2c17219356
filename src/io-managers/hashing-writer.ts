import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

/**
 * What `hashing-writer-worker.ts` is told: a shared buffer and its number
 * (no reply), to append bytes of a shared buffer or a copy of some bytes,
 * or to send the digest of everything.
 */
export type HashingWriterRequest =
  | { readonly kind: 'share'; readonly id: number; readonly buffer: SharedArrayBuffer }
  | { readonly kind: 'write'; readonly id: number; readonly offset: number; readonly length: number }
  | { readonly kind: 'copy'; readonly bytes: Uint8Array }
  | { readonly kind: 'digest' };

export type HashingWriterReply = { readonly kind: 'written' } | { readonly kind: 'digest'; readonly digest: string } | { readonly kind: 'error'; readonly message: string; readonly code: string | undefined };

/** Appends bytes to an open file and hashes them (sha256): `HashingWriter` in a worker thread, `hashOnThisThread` on the calling one. */
export interface HashingFile {
  /** Call again only once the previous write resolved; reuse the bytes' memory only then. */
  write(bytes: Uint8Array): Promise<void>;
  /** A buffer for chunks of `bytes` that `write` takes without a copy. */
  allocate(bytes: number): Buffer;
  /** The hex sha256 of every byte written. */
  digest(): Promise<string>;
  /** Lets go of what it holds; the file stays open, the caller's to close. */
  close(): Promise<void>;
}

/** The bytes hashed and written by the calling thread, for outputs too small to be worth a worker. */
export function hashOnThisThread(handle: FileHandle): HashingFile {
  const hash = createHash('sha256');
  return {
    async write(bytes) {
      hash.update(bytes);
      let offset = 0;
      // FileHandle.write may write less than asked.
      while (offset < bytes.length) offset += (await handle.write(bytes, offset)).bytesWritten;
    },
    allocate: (bytes) => Buffer.allocUnsafe(bytes),
    digest: async () => hash.digest('hex'),
    close: async () => {},
  };
}

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
export class HashingWriter implements HashingFile {
  readonly #worker: Worker;
  /**
   * The buffers `allocate` made, by the number the worker knows them by. Each
   * is posted once: posting a SharedArrayBuffer with every chunk cost ~0.3 ms
   * a post on a large heap, a second over 3,500 chunks.
   */
  readonly #shared = new Map<ArrayBufferLike, number>();
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
    const buffer = new SharedArrayBuffer(bytes);
    const id = this.#shared.size;
    this.#shared.set(buffer, id);
    this.#worker.postMessage({ kind: 'share', id, buffer } satisfies HashingWriterRequest);
    return Buffer.from(buffer);
  }

  async write(bytes: Uint8Array): Promise<void> {
    const id = this.#shared.get(bytes.buffer);
    // Other bytes go as a copy of just them: the caller keeps its buffer.
    await this.#request(id === undefined ? { kind: 'copy', bytes: bytes.slice() } : { kind: 'write', id, offset: bytes.byteOffset, length: bytes.byteLength });
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
