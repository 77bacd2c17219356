import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SampleAuthors } from './sample-authors.js';
import { SampleRandom } from './sample-random.js';
import { samplePostLine } from './sample-post.js';
import { sampleUser } from './sample-user.js';

export interface GenerateSampleOptions {
  /** How many users, ids 1..users. */
  users: number;
  /** How many posts, ids 1..posts, each by an existing user. */
  posts: number;
  /** Folder for `users.json` and `posts.json`; created if missing. */
  outDir: string;
  /** Same seed and counts give byte-identical files. Default 1. */
  seed?: number;
}

export interface GenerateSampleResult {
  usersPath: string;
  postsPath: string;
  usersBytes: number;
  postsBytes: number;
}

// Independent random streams, so e.g. post texts never shift when the author
// distribution changes how many numbers it draws.
const USERS_STREAM = 1;
const POSTS_STREAM = 2;
const AUTHORS_STREAM = 3;

/** Flush to the file once this many UTF-16 units are buffered (about 64 KiB). */
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes a JSONPlaceholder-shaped `users.json` and `posts.json` into `outDir`,
 * deterministically from the seed, with text that exercises the example's
 * cleaning rules. Each file is a JSON array with one compact object per line,
 * streamed in 64 KiB chunks: memory does not grow with the number of posts.
 * Each file appears whole or not at all (written aside, then renamed).
 *
 * @example
 * const { postsBytes } = await generateSample({ users: 10_000, posts: 1_000_000, outDir: 'bench/data' });
 */
export async function generateSample(options: GenerateSampleOptions): Promise<GenerateSampleResult> {
  const seed = options.seed ?? 1;
  checkCount('users', options.users);
  checkCount('posts', options.posts);
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`generateSample: seed must be an integer, got ${String(seed)}.`);
  }
  if (options.users === 0 && options.posts > 0) {
    throw new RangeError(
      `generateSample: ${options.posts} posts need at least one user to write them; pass users >= 1 or posts = 0.`,
    );
  }

  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const usersPath = path.join(outDir, 'users.json');
  const postsPath = path.join(outDir, 'posts.json');

  const userRandom = new SampleRandom(seed, USERS_STREAM);
  const usersBytes = await writeJsonArray(usersPath, options.users, (index) =>
    JSON.stringify(sampleUser(index + 1, userRandom)),
  );

  const postRandom = new SampleRandom(seed, POSTS_STREAM);
  const authors = new SampleAuthors(options.users, new SampleRandom(seed, AUTHORS_STREAM));
  const postsBytes = await writeJsonArray(postsPath, options.posts, (index) =>
    samplePostLine(index + 1, authors.next(), postRandom),
  );

  return { usersPath, postsPath, usersBytes, postsBytes };
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`generateSample: ${name} must be a whole number >= 0, got ${String(value)}.`);
  }
}

/**
 * Streams `[\n{...},\n{...}\n]\n` to `target` and returns the bytes written.
 * `pipeline` pulls the next chunk only when the file stream has room (it waits
 * for 'drain'), and on any error destroys the stream before rejecting, so the
 * partial file can be removed.
 */
async function writeJsonArray(target: string, count: number, lineAt: (index: number) => string): Promise<number> {
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
