import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { SampleAuthors } from './sample-authors.js';
import { writeJsonArray } from './sample-json-array.js';
import { SampleRandom } from './sample-random.js';
import { samplePostLine } from './sample-post.js';
import { type SampleUser, sampleUser } from './sample-user.js';

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
  checkSampleOptions('generateSample', options.users, options.posts, seed);

  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const usersPath = path.join(outDir, 'users.json');
  const postsPath = path.join(outDir, 'posts.json');

  const rows = sampleSnapshotRows(options.users, seed);
  const usersBytes = await writeJsonArray(usersPath, options.users, (index) => JSON.stringify(rows.user(index + 1)));
  const postsBytes = await writeJsonArray(postsPath, options.posts, (index) => rows.postLine(index + 1, rows.nextAuthor()));

  return { usersPath, postsPath, usersBytes, postsBytes };
}

/** The rows of a snapshot, drawn from the seed: each to be asked for once, in id order (users and posts apart). */
export interface SampleSnapshotRows {
  /** User `id`, as JSONPlaceholder sends it. */
  user(id: number): SampleUser;
  /** The author of the next post. */
  nextAuthor(): number;
  /** Post `id` by `userId`, as its JSON line. */
  postLine(id: number, userId: number): string;
}

/** The seeded streams of a snapshot of `users` users, shared by `generateSample` and the daily snapshots' first day. */
export function sampleSnapshotRows(users: number, seed: number): SampleSnapshotRows {
  const userRandom = new SampleRandom(seed, USERS_STREAM);
  const postRandom = new SampleRandom(seed, POSTS_STREAM);
  const authors = new SampleAuthors(users, new SampleRandom(seed, AUTHORS_STREAM));
  return {
    user: (id) => sampleUser(id, userRandom),
    nextAuthor: () => authors.next(),
    postLine: (id, userId) => samplePostLine(id, userId, postRandom),
  };
}

/** Throws a RangeError, naming `caller`, for counts or a seed a snapshot cannot have. */
export function checkSampleOptions(caller: string, users: number, posts: number, seed: number): void {
  checkCount(caller, 'users', users);
  checkCount(caller, 'posts', posts);
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`${caller}: seed must be an integer, got ${String(seed)}.`);
  }
  if (users === 0 && posts > 0) {
    throw new RangeError(`${caller}: ${posts} posts need at least one user to write them; pass users >= 1 or posts = 0.`);
  }
}

function checkCount(caller: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${caller}: ${name} must be a whole number >= 0, got ${String(value)}.`);
  }
}
