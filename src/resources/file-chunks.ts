import type { FileHandle } from 'node:fs/promises';

/** Buffers for a file its size says is smaller stay at least this big, in case it grows or its size is not a real one (as in /proc). */
const MIN_CHUNK_BYTES = 64 * 1024;

/**
 * The bytes of the open file `handle` from its start, in chunks of up to
 * `chunkBytes`, reading one chunk ahead: the next read runs on libuv's
 * thread pool while the caller works on the current chunk. Closes `handle`
 * at the end, when the caller stops early, and on failure.
 *
 * The buffers are no larger than the file (plus the byte that shows its
 * end), down to MIN_CHUNK_BYTES: a project of many small files (one of 5 to
 * 60 KB per day, each observed and read) otherwise zeroes two 1 MiB buffers
 * per file, which took about 20 MB of a 130 MB peak and 4% of the CPU of a
 * forced run over 28 of them.
 *
 * Two buffers are used in turn, so a chunk stays intact only until the next
 * one is asked for: copy what must outlive it. A stream's fresh buffer per
 * read took about half as much CPU again (allocating it, faulting its
 * memory in), and each read waited for the caller to finish the last chunk:
 * hashing a 1.75 GB file this way takes 1.1 to 1.2 s instead of 1.6 to 1.8 s.
 */
export async function* readFileChunks(handle: FileHandle, chunkBytes: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  let position = 0;
  let turn = 0;
  const readInto = (buffer: Uint8Array) => {
    signal?.throwIfAborted();
    return handle.read(buffer, 0, buffer.length, position);
  };
  let next: Promise<{ bytesRead: number }> | undefined;
  try {
    const { size } = await handle.stat();
    const bytes = Math.min(chunkBytes, Math.max(MIN_CHUNK_BYTES, size + 1));
    const buffers = [new Uint8Array(bytes), new Uint8Array(bytes)];
    next = readInto(buffers[turn]!);
    for (;;) {
      const { bytesRead } = await next;
      next = undefined;
      if (bytesRead === 0) return;
      const chunk = buffers[turn]!.subarray(0, bytesRead);
      position += bytesRead;
      turn = 1 - turn;
      next = readInto(buffers[turn]!);
      yield chunk;
    }
  } finally {
    // A read still under way writes into a buffer and uses the descriptor: let it finish before closing.
    await next?.catch(() => undefined);
    await handle.close();
  }
}
