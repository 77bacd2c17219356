import type { FileHandle } from 'node:fs/promises';

/**
 * The bytes of the open file `handle` from its start, in chunks of up to
 * `chunkBytes`, reading one chunk ahead: the next read runs on libuv's
 * thread pool while the caller works on the current chunk. Closes `handle`
 * at the end, when the caller stops early, and on failure.
 *
 * Two buffers are used in turn, so a chunk stays intact only until the next
 * one is asked for: copy what must outlive it. A stream's fresh buffer per
 * read took about half as much CPU again (allocating it, faulting its
 * memory in), and each read waited for the caller to finish the last chunk:
 * hashing a 1.75 GB file this way takes 1.1 to 1.2 s instead of 1.6 to 1.8 s.
 */
export async function* readFileChunks(handle: FileHandle, chunkBytes: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const buffers = [new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)];
  let position = 0;
  let turn = 0;
  const readInto = (buffer: Uint8Array) => {
    signal?.throwIfAborted();
    return handle.read(buffer, 0, buffer.length, position);
  };
  let next: Promise<{ bytesRead: number }> | undefined;
  try {
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
