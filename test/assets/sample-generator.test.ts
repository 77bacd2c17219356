import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateSample } from '../../src/assets/sample-generator.js';

// The exact JSONPlaceholder shapes: strict objects, so an extra or missing key fails.
const coordinate = z.string().regex(/^-?\d{1,3}\.\d{4}$/);
const userSchema = z.strictObject({
  id: z.number().int().positive(),
  name: z.string().min(1),
  username: z.string().regex(/^[A-Za-z0-9._]+$/),
  email: z.string().regex(/^\s*[^\s@]+@[^\s@]+\.[A-Za-z]+\s*$/),
  address: z.strictObject({
    street: z.string().min(1),
    suite: z.string().min(1),
    city: z.string().min(1),
    zipcode: z.string().regex(/^\d{5}(-\d{4})?$/),
    geo: z.strictObject({ lat: coordinate, lng: coordinate }),
  }),
  phone: z.string().regex(/^[\d()\-. x]+$/),
  website: z.string().regex(/^[a-z0-9]+\.[a-z]+$/),
  company: z.strictObject({ name: z.string().min(1), catchPhrase: z.string().min(1), bs: z.string().min(1) }),
});
const postSchema = z.strictObject({
  userId: z.number().int().positive(),
  id: z.number().int().positive(),
  title: z.string().min(1),
  body: z.string().min(1),
});
type Post = z.infer<typeof postSchema>;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'strata-sample-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function generate(users: number, posts: number, seed?: number, name = 'out') {
  const outDir = path.join(dir, name);
  const result = await generateSample({ users, posts, outDir, ...(seed === undefined ? {} : { seed }) });
  const usersText = await readFile(result.usersPath, 'utf8');
  const postsText = await readFile(result.postsPath, 'utf8');
  return {
    result,
    usersText,
    postsText,
    users: z.array(userSchema).parse(JSON.parse(usersText)),
    posts: z.array(postSchema).parse(JSON.parse(postsText)),
  };
}

function postCounts(posts: readonly Post[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const post of posts) counts.set(post.userId, (counts.get(post.userId) ?? 0) + 1);
  return counts;
}

describe('generateSample', () => {
  it('writes byte-identical files for the same seed and counts', async () => {
    const first = await generate(30, 400, 7, 'first');
    const second = await generate(30, 400, 7, 'second');
    expect(second.usersText).toBe(first.usersText);
    expect(second.postsText).toBe(first.postsText);
  });

  it('uses seed 1 when no seed is given', async () => {
    const implicit = await generate(10, 50, undefined, 'implicit');
    const explicit = await generate(10, 50, 1, 'explicit');
    expect(implicit.postsText).toBe(explicit.postsText);
  });

  it('writes different data for a different seed', async () => {
    const first = await generate(30, 400, 1, 'first');
    const second = await generate(30, 400, 2, 'second');
    expect(second.usersText).not.toBe(first.usersText);
    expect(second.postsText).not.toBe(first.postsText);
  });

  it('writes JSONPlaceholder-shaped users and posts with ids 1..N', async () => {
    const { users, posts } = await generate(25, 300);
    expect(users.map((user) => user.id)).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    expect(posts.map((post) => post.id)).toEqual(Array.from({ length: 300 }, (_, index) => index + 1));
  });

  it('writes one compact object per line and reports the exact byte sizes', async () => {
    const { result, usersText, postsText } = await generate(12, 40);
    for (const text of [usersText, postsText]) {
      const lines = text.split('\n');
      expect(lines[0]).toBe('[');
      expect(lines.slice(-2)).toEqual([']', '']);
      const records = lines.slice(1, -2);
      records.forEach((line, index) => {
        const json = index < records.length - 1 ? line.replace(/,$/, '') : line;
        expect(JSON.stringify(JSON.parse(json))).toBe(json);
      });
    }
    expect(result.usersBytes).toBe((await stat(result.usersPath)).size);
    expect(result.postsBytes).toBe((await stat(result.postsPath)).size);
  });

  it('gives every post an existing author and leaves some users without posts', async () => {
    const { users, posts } = await generate(20, 100);
    const ids = new Set(users.map((user) => user.id));
    expect(posts.every((post) => ids.has(post.userId))).toBe(true);
    const counts = postCounts(posts);
    expect(users.filter((user) => !counts.has(user.id)).length).toBeGreaterThanOrEqual(1);
  });

  it('leaves about 5% of a large user base without posts even when posts abound', async () => {
    const { users, posts } = await generate(200, 20_000);
    const counts = postCounts(posts);
    const silent = users.filter((user) => !counts.has(user.id)).length;
    expect(silent).toBeGreaterThanOrEqual(10);
    expect(silent).toBeLessThan(20);
  });

  it('spreads posts unevenly so some authors write far more than others', async () => {
    const { posts } = await generate(100, 10_000);
    const counts = [...postCounts(posts).values()].sort((a, b) => b - a);
    const median = counts[Math.floor(counts.length / 2)] ?? 0;
    expect(counts[0]).toBeGreaterThan(3 * median);
  });

  it('puts the awkward text features in the default 10-user, 100-post sample', async () => {
    const { users, posts } = await generate(10, 100);
    const texts = [...users.flatMap((user) => [user.name, user.company.name]), ...posts.flatMap((post) => [post.title, post.body])];
    expect(posts.some((post) => post.body.includes('\n'))).toBe(true);
    expect(texts.some((text) => text.includes(','))).toBe(true);
    expect(texts.some((text) => text.includes('"'))).toBe(true);
    expect(users.some((user) => /[^\x00-\x7f]/.test(user.name))).toBe(true);
    expect(users.some((user) => user.address.zipcode.startsWith('0'))).toBe(true);
    expect(users.some((user) => /[A-Z]/.test(user.email))).toBe(true);
    // Astral code points take two UTF-16 units: lengths in code points differ.
    expect(posts.some((post) => [...post.title].length < post.title.length)).toBe(true);
    expect(texts.some((text) => text !== text.trim())).toBe(true);
    expect(texts.some((text) => /\t| {2,}/.test(text.trim()))).toBe(true);
    const counts = postCounts(posts);
    expect(users.filter((user) => !counts.has(user.id)).length).toBeGreaterThanOrEqual(1);
  });

  it('puts the awkward text features in small samples whatever the seed', async () => {
    for (const seed of [2, 3, 99]) {
      const { users, posts } = await generate(10, 100, seed, `seed-${seed}`);
      expect(users.some((user) => /[^\x00-\x7f]/.test(user.name))).toBe(true);
      expect(users.some((user) => user.address.zipcode.startsWith('0'))).toBe(true);
      expect(posts.some((post) => [...post.title].length < post.title.length)).toBe(true);
    }
  });

  it('matches the committed data/sample (10 users, 100 posts, seed 1)', async () => {
    const committed = fileURLToPath(new URL('../../data/sample/', import.meta.url));
    const { usersText, postsText } = await generate(10, 100, 1);
    // A failure here means the generator changed: regenerate data/sample with it.
    expect(await readFile(path.join(committed, 'users.json'), 'utf8')).toBe(usersText);
    expect(await readFile(path.join(committed, 'posts.json'), 'utf8')).toBe(postsText);
  });

  it('writes empty arrays when asked for nothing', async () => {
    const { usersText, postsText } = await generate(0, 0);
    expect(usersText).toBe('[\n]\n');
    expect(postsText).toBe('[\n]\n');
  });

  it('creates a missing output folder', async () => {
    const { result } = await generate(3, 5, 1, path.join('nested', 'deeper'));
    expect(path.dirname(result.usersPath)).toBe(path.join(dir, 'nested', 'deeper'));
  });

  it('rejects posts without users and counts that are not whole numbers', async () => {
    const outDir = path.join(dir, 'rejected');
    await expect(generateSample({ users: 0, posts: 5, outDir })).rejects.toThrow(/at least one user/);
    await expect(generateSample({ users: -1, posts: 0, outDir })).rejects.toThrow(/users must be a whole number/);
    await expect(generateSample({ users: 5, posts: 2.5, outDir })).rejects.toThrow(/posts must be a whole number/);
    await expect(generateSample({ users: 5, posts: 5, outDir, seed: 0.5 })).rejects.toThrow(/seed must be an integer/);
  });

  it('leaves no partial file behind when the target cannot be written', async () => {
    const outDir = path.join(dir, 'blocked');
    // A folder where users.json should go: the final rename fails.
    await mkdir(path.join(outDir, 'users.json'), { recursive: true });
    await expect(generateSample({ users: 5, posts: 5, outDir })).rejects.toThrow();
    expect(await readdir(outDir)).toEqual(['users.json']);
  });

  it('fails when the output folder is a file', async () => {
    const outDir = path.join(dir, 'a-file');
    await writeFile(outDir, 'not a folder');
    await expect(generateSample({ users: 5, posts: 5, outDir })).rejects.toMatchObject({
      code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/),
    });
  });

  it('generates 200k posts by streaming them', async () => {
    const outDir = path.join(dir, 'big');
    const result = await generateSample({ users: 2_000, posts: 200_000, outDir });
    const posts = JSON.parse(await readFile(result.postsPath, 'utf8')) as Post[];
    expect(posts).toHaveLength(200_000);
    expect(posts.at(-1)?.id).toBe(200_000);
    expect(posts.every((post) => post.userId >= 1 && post.userId <= 2_000)).toBe(true);
    expect((await readdir(outDir)).sort()).toEqual(['posts.json', 'users.json']);
  });
});
