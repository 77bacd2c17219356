import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type SampleDayChanges, SampleDrift } from './sample-drift.js';
import { checkSampleOptions, sampleSnapshotRows } from './sample-generator.js';
import { writeJsonArray } from './sample-json-array.js';
import { consecutiveDays, dayProblem, DEFAULT_FIRST_DAY } from './day-keys.js';

export interface GenerateSampleDaysOptions {
  /** How many days, one snapshot folder each. */
  days: number;
  /** The first day, `YYYY-MM-DD`. Default `2026-01-01`. */
  start?: string;
  /** Users on the first day, ids 1..users. Default 10. */
  users?: number;
  /** Posts on the first day, ids 1..posts. Default 100. */
  posts?: number;
  /** Folder for the `<YYYY-MM-DD>/` folders; created if missing. */
  outDir: string;
  /** Same seed and options give byte-identical files. Default 1. */
  seed?: number;
}

/** One day written: its folder, what it holds, and what changed against the day before (zeros on the first day). */
export interface SampleDay extends SampleDayChanges {
  readonly day: string;
  readonly dir: string;
  readonly users: number;
  readonly posts: number;
  readonly usersBytes: number;
  readonly postsBytes: number;
}

/**
 * Writes `<outDir>/<YYYY-MM-DD>/users.json` and `posts.json` for `days`
 * consecutive days: the first day is the snapshot `generateSample` writes for
 * the same users, posts and seed; each later day drifts from the one before
 * (new posts, edited titles and bodies, now and then a user who joins: see
 * `SampleDrift`). The files have the shape and layout of `generateSample`'s,
 * and each appears whole or not at all. Unlike `generateSample`, the day's
 * rows are held in memory (as their JSON lines): meant for samples of up to
 * a few hundred thousand posts.
 *
 * @example
 * await generateSampleDays({ days: 14, outDir: 'data/daily' }); // 2026-01-01 .. 2026-01-14
 */
export async function generateSampleDays(options: GenerateSampleDaysOptions): Promise<SampleDay[]> {
  const { days, users = 10, posts = 100, seed = 1, start = DEFAULT_FIRST_DAY } = options;
  checkSampleOptions('generateSampleDays', users, posts, seed);
  if (!Number.isSafeInteger(days) || days < 1) throw new RangeError(`generateSampleDays: days must be a whole number >= 1, got ${String(days)}.`);
  const problem = dayProblem(start);
  if (problem !== undefined) throw new RangeError(`generateSampleDays: start: ${problem}.`);
  const dayKeys = consecutiveDays(start, days);

  const rows = sampleSnapshotRows(users, seed);
  const userLines = Array.from({ length: users }, (_, index) => JSON.stringify(rows.user(index + 1)));
  const postAuthors = Array.from({ length: posts }, () => rows.nextAuthor());
  const postLines = postAuthors.map((userId, index) => rows.postLine(index + 1, userId));
  const drift = new SampleDrift({ userLines, postLines, postAuthors }, seed);

  const outDir = path.resolve(options.outDir);
  const written: SampleDay[] = [];
  for (const [index, day] of dayKeys.entries()) {
    const changes = index === 0 ? { newPosts: 0, editedPosts: 0, joinedUsers: 0 } : drift.advance();
    const dir = path.join(outDir, day);
    await mkdir(dir, { recursive: true });
    const usersBytes = await writeJsonArray(path.join(dir, 'users.json'), drift.userLines.length, (row) => drift.userLines[row]!);
    const postsBytes = await writeJsonArray(path.join(dir, 'posts.json'), drift.postLines.length, (row) => drift.postLines[row]!);
    written.push({ day, dir, users: drift.userLines.length, posts: drift.postLines.length, usersBytes, postsBytes, ...changes });
  }
  return written;
}
