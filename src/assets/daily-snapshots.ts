import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { JsonSource, type JsonSourceReadOptions, type Observation, projectRoot, resource, SourceError, Table } from 'strata-assets';
import { dayProblem } from './day-keys.js';
import { cleanPostBatches, postPayload, type PostRow } from './post-rows.js';
import { cleanUsers, userColumns, userPayload, type UserRow } from './user-rows.js';

/** The bundled daily snapshots, 2026-01-01 to 2026-01-14 (works from src/ and dist/). */
export const BUNDLED_DAILY = fileURLToPath(new URL('../../data/daily/', import.meta.url));

const GENERATE_HINT = 'Write daily snapshots with `assets sample generate --days N --start YYYY-MM-DD --out <folder>`';
const USER_COLUMN_NAMES = Object.keys(userColumns.shape) as (keyof UserRow & string)[];

/**
 * A folder of daily snapshots, `<folder>/<YYYY-MM-DD>/users.json` and
 * `posts.json` (what `assets sample generate --days` writes). Each day is read
 * with a `JsonSource` on its folder, so rows stream, and bad rows and files
 * fail as the `users` and `posts` sources do; they are cleaned exactly as
 * those assets clean them.
 *
 * @example
 * const posts = await new DailySnapshots('data/daily').readPosts('2026-01-05');
 */
export class DailySnapshots {
  /** The folder, absolute. */
  readonly folder: string;

  /** `folder`: a local folder (relative to the project root, `projectRoot()`) or a `file:` URL. */
  constructor(folder: string) {
    this.folder = folder.startsWith('file:') ? fileURLToPath(folder) : path.resolve(projectRoot(), folder);
  }

  /** The day's cleaned posts, as `posts` has them: sorted by id, the first of duplicate ids kept. */
  async readPosts(day: string, options: JsonSourceReadOptions = {}): Promise<Table<PostRow>> {
    const source = await this.source(day, 'posts');
    return cleanPostBatches(source.readBatches('posts', postPayload, options));
  }

  /** The day's cleaned users, as `users` has them. */
  async readUsers(day: string, options: JsonSourceReadOptions = {}): Promise<Table<UserRow>> {
    const source = await this.source(day, 'users');
    return Table.fromRows(cleanUsers(await source.readRows('users', userPayload, options)), USER_COLUMN_NAMES);
  }

  /** The content hash of the day's `users.json` or `posts.json`, for an asset's `observe`. */
  async observe(day: string, name: 'users' | 'posts', options: JsonSourceReadOptions = {}): Promise<Observation> {
    return (await this.source(day, name)).observe(name, options);
  }

  /**
   * The source of one day's folder, once `<day>/<name>.json` is there. A day
   * that is not `YYYY-MM-DD` never reaches a path; a missing day or file fails
   * here, naming the days there are and the command that writes them, rather
   * than in the JsonSource, whose hints would ask for another source URL.
   */
  private async source(day: string, name: 'users' | 'posts'): Promise<JsonSource> {
    const problem = dayProblem(day);
    if (problem !== undefined) {
      throw new SourceError(`Cannot read the daily snapshot "${day}" in ${this.folder}: ${problem}.`, {
        hint: 'Daily snapshots are named by their day, YYYY-MM-DD: read them with a daily partition key.',
      });
    }
    const dayFolder = path.join(this.folder, day);
    const file = path.join(dayFolder, `${name}.json`);
    if (await exists(file)) return new JsonSource({ url: dayFolder });
    const hint = `${GENERATE_HINT}, or set the folder of daily snapshots (the daily_snapshots resource, STRATA_DAILY_DIR) to one that has this day.`;
    if (await exists(dayFolder)) throw new SourceError(`The daily snapshot ${day} has no ${name}.json: no file ${file}.`, { hint });
    throw new SourceError(`No daily snapshot for ${day}: ${dayFolder} is not a folder (${await this.describeDays()}).`, { hint });
  }

  /** What the folder holds, for the error about a missing day. */
  private async describeDays(): Promise<string> {
    let entries: string[];
    try {
      entries = await readdir(this.folder);
    } catch (error) {
      if (isMissing(error)) return `the folder ${this.folder} does not exist`;
      throw error;
    }
    const days = entries.filter((entry) => dayProblem(entry) === undefined).sort();
    if (days.length === 0) return `${this.folder} has no day folders`;
    return days.length === 1 ? `${this.folder} has only ${days[0]}` : `${this.folder} has ${days.length} days, ${days[0]} to ${days.at(-1)}`;
  }
}

/** Whether `target` exists; a file that cannot be read for another reason fails when it is read, with the JsonSource's message. */
async function exists(target: string): Promise<boolean> {
  try {
    await stat(target);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * The folder of daily snapshots the daily assets read (`dir`, STRATA_DAILY_DIR;
 * default the bundled `data/daily`).
 */
export const dailySnapshots = resource({
  key: 'daily_snapshots',
  description: 'Folder of daily snapshots, <dir>/<YYYY-MM-DD>/users.json and posts.json (STRATA_DAILY_DIR; default: the bundled data/daily)',
  config: z.object({ dir: z.string().default(BUNDLED_DAILY) }),
  env: { dir: 'STRATA_DAILY_DIR' },
  create: ({ config }) => new DailySnapshots(config.dir),
});
