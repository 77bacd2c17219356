import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateSample } from '../../src/assets/sample-generator.js';
import { generateSampleDays, type GenerateSampleDaysOptions } from '../../src/assets/sample-days.js';
import { postPayload } from '../../src/assets/post-rows.js';
import { userPayload } from '../../src/assets/user-rows.js';

const BUNDLED_DAILY = fileURLToPath(new URL('../../data/daily/', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'strata-sample-days-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

type Post = z.infer<typeof postPayload>;
type User = z.infer<typeof userPayload>;

/** Every file of every day folder under `outDir`, in day order, as text and as the example's payloads. */
async function readDays(outDir: string): Promise<{ day: string; usersText: string; postsText: string; users: User[]; posts: Post[] }[]> {
  const days = (await readdir(outDir)).sort();
  return Promise.all(
    days.map(async (day) => {
      const usersText = await readFile(path.join(outDir, day, 'users.json'), 'utf8');
      const postsText = await readFile(path.join(outDir, day, 'posts.json'), 'utf8');
      return {
        day,
        usersText,
        postsText,
        // The example's own payload schemas: every day is a snapshot the pipeline can read.
        users: z.array(userPayload).parse(JSON.parse(usersText)),
        posts: z.array(postPayload).parse(JSON.parse(postsText)),
      };
    }),
  );
}

async function generate(name: string, options: Omit<GenerateSampleDaysOptions, 'outDir'>) {
  const outDir = path.join(dir, name);
  const written = await generateSampleDays({ ...options, outDir });
  return { written, days: await readDays(outDir) };
}

describe('generateSampleDays', () => {
  it('writes byte-identical days for the same seed, and other days for another seed', async () => {
    const first = await generate('first', { days: 6, seed: 3 });
    const second = await generate('second', { days: 6, seed: 3 });
    const other = await generate('other', { days: 6, seed: 4 });
    expect(second.days.map((day) => [day.usersText, day.postsText])).toEqual(first.days.map((day) => [day.usersText, day.postsText]));
    expect(other.days.at(-1)!.postsText).not.toBe(first.days.at(-1)!.postsText);
  });

  it('names one folder per day from the start, and reports what each holds', async () => {
    const { written, days } = await generate('named', { days: 4, start: '2026-02-27' });
    expect(days.map((day) => day.day)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(written.map((day) => [day.day, day.users, day.posts])).toEqual(days.map((day) => [day.day, day.users.length, day.posts.length]));
    expect(written.map((day) => day.usersBytes)).toEqual(days.map((day) => Buffer.byteLength(day.usersText)));
    expect(written[0]).toMatchObject({ newPosts: 0, editedPosts: 0, joinedUsers: 0 });
  });

  it('starts from the snapshot generateSample writes for the same counts and seed', async () => {
    const { days } = await generate('days', { days: 2, users: 25, posts: 300, seed: 9 });
    const snapshot = await generateSample({ users: 25, posts: 300, seed: 9, outDir: path.join(dir, 'snapshot') });
    expect(days[0]!.usersText).toBe(await readFile(snapshot.usersPath, 'utf8'));
    expect(days[0]!.postsText).toBe(await readFile(snapshot.postsPath, 'utf8'));
  });

  it('only adds posts, with the next ids, and keeps every earlier post id from day to day', async () => {
    const { written, days } = await generate('growth', { days: 14 });
    for (let index = 1; index < days.length; index++) {
      const [before, after] = [days[index - 1]!, days[index]!];
      expect(after.posts.map((post) => post.id)).toEqual(Array.from({ length: after.posts.length }, (_, row) => row + 1));
      expect(after.posts.length - before.posts.length).toBe(written[index]!.newPosts);
      expect(written[index]!.newPosts).toBeGreaterThan(0);
      // An earlier post keeps its author; only its text may change.
      expect(after.posts.slice(0, before.posts.length).map((post) => post.userId)).toEqual(before.posts.map((post) => post.userId));
    }
  });

  it('edits a few titles and bodies of existing posts each day', async () => {
    const { written, days } = await generate('edits', { days: 14 });
    let titlesChanged = 0;
    let bodiesChanged = 0;
    for (let index = 1; index < days.length; index++) {
      const [before, after] = [days[index - 1]!, days[index]!];
      const changed = before.posts.filter((post, row) => post.title !== after.posts[row]!.title || post.body !== after.posts[row]!.body);
      expect(changed.length).toBeGreaterThanOrEqual(1);
      // A post may be edited twice in a day: it then counts once here.
      expect(changed.length).toBeLessThanOrEqual(written[index]!.editedPosts);
      titlesChanged += before.posts.filter((post, row) => post.title !== after.posts[row]!.title).length;
      bodiesChanged += before.posts.filter((post, row) => post.body !== after.posts[row]!.body).length;
    }
    expect(titlesChanged).toBeGreaterThan(0);
    expect(bodiesChanged).toBeGreaterThan(0);
  });

  it('lets a user join now and then, with the next id, who then writes posts', async () => {
    const { written, days } = await generate('joins', { days: 14 });
    const first = days[0]!.users.map((user) => user.id);
    expect(first).toEqual(Array.from({ length: 10 }, (_, index) => index + 1));
    const joinDays = written.filter((day) => day.joinedUsers > 0).map((day) => day.day);
    expect(joinDays).toEqual(['2026-01-04', '2026-01-09', '2026-01-14']);
    const last = days.at(-1)!;
    expect(last.users.map((user) => user.id)).toEqual(Array.from({ length: 13 }, (_, index) => index + 1));
    // Users already there stay exactly as they were.
    expect(last.users.slice(0, 10)).toEqual(days[0]!.users);
    expect(last.posts.some((post) => post.userId > 10)).toBe(true);
    expect(last.posts.every((post) => post.userId <= 13)).toBe(true);
  });

  it('keeps a sample without posts without posts, and users joining it', async () => {
    const { days } = await generate('empty', { days: 5, users: 0, posts: 0 });
    expect(days.map((day) => [day.users.length, day.posts.length])).toEqual([[0, 0], [0, 0], [0, 0], [1, 0], [1, 0]]);
  });

  it('rejects a day count below 1 and a start that is not a calendar day', async () => {
    const outDir = path.join(dir, 'rejected');
    await expect(generateSampleDays({ days: 0, outDir })).rejects.toThrow(/days must be a whole number >= 1/);
    await expect(generateSampleDays({ days: 2, start: '2026-13-01', outDir })).rejects.toThrow(/"2026-13-01" is not a date in the calendar/);
    await expect(generateSampleDays({ days: 2, start: '01/02/2026', outDir })).rejects.toThrow(/expected a day as YYYY-MM-DD/);
    await expect(generateSampleDays({ days: 2, users: 0, posts: 3, outDir })).rejects.toThrow(/at least one user/);
  });

  it('matches the committed data/daily (14 days from 2026-01-01, 10 users, 100 posts, seed 1)', async () => {
    const { days } = await generate('again', { days: 14 });
    const committed = await readDays(BUNDLED_DAILY);
    // A failure here means the generator changed: regenerate data/daily with `assets sample generate --days 14 --out data/daily`.
    expect(committed.map((day) => [day.day, day.usersText, day.postsText])).toEqual(days.map((day) => [day.day, day.usersText, day.postsText]));
  });
});
