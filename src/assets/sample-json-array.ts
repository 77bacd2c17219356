import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

/** Flush to the file once this many UTF-16 units are buffered (about 64 KiB). */
const CHUNK_CHARS = 64 * 1024;

/**
 * Streams `[\n{...},\n{...}\n]\n` to `target` and returns the bytes written.
 * `pipeline` pulls the next chunk only when the file stream has room (it waits
 * for 'drain'), and on any error destroys the stream before rejecting, so the
 * partial file can be removed.
 */
export async function writeJsonArray(target: string, count: number, lineAt: (index: number) => string): Promise<number> {
  let bytes = 0;
  function* chunks(): Generator<Buffer> {
    let buffer = '[\n';
    for (let index = 0; index < count; index++) {
      buffer += index === 0 ? lineAt(index) : `,\n${lineAt(index)}`;
      if (buffer.length >= CHUNK_CHARS) {
        const chunk = Buffer.from(buffer, 'utf8');
        bytes += chunk.length;
        yield chunk;
        buffer = '';
      }
    }
    buffer += count === 0 ? ']\n' : '\n]\n';
    const chunk = Buffer.from(buffer, 'utf8');
    bytes += chunk.length;
    yield chunk;
  }

  // Written aside and renamed, so a failed or interrupted run never leaves a
  // truncated users.json that the example would then read as its source.
  const partial = `${target}.${randomBytes(4).toString('hex')}.partial`;
  try {
    // Room for 16 chunks: the next ones are built while earlier ones are still
    // being written (with the default 16 KiB, every chunk waited for the disk).
    await pipeline(chunks(), createWriteStream(partial, { highWaterMark: 16 * CHUNK_CHARS }));
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return bytes;
}
