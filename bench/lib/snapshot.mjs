import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { measureOk } from './measure.mjs';
import { BENCH_TMP, BIN, ROOT } from './paths.mjs';

/**
 * The snapshot of `users` users and `posts` posts, generated once with
 * `assets sample generate` and kept under the OS temp folder for later runs
 * (the 5M-post one takes a while and is 1.75 GB). The cache key includes a
 * hash of the built generator, so a change to it regenerates the data instead
 * of benchmarking stale files. A `snapshot.json` written last marks a
 * complete snapshot; a folder without it is regenerated.
 *
 * Resolves `{ dir, users, posts, usersBytes, postsBytes, generatedMs }`,
 * where `generatedMs` is null when the cached snapshot was reused.
 */
export async function ensureSnapshot({ users, posts, method, log }) {
  const dir = path.join(BENCH_TMP, 'snapshots', `u${users}-p${posts}-seed1-${await generatorHash()}`);
  const marker = path.join(dir, 'snapshot.json');
  if (existsSync(marker)) {
    return { dir, ...JSON.parse(await readFile(marker, 'utf8')), generatedMs: null };
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  log(`generating ${users.toLocaleString('en-US')} users / ${posts.toLocaleString('en-US')} posts into ${dir}`);
  const generation = await measureOk('assets sample generate', process.execPath, [BIN, 'sample', 'generate', '--users', String(users), '--posts', String(posts), '--seed', '1', '--out', dir], { method });
  const bytes = /\(([\d,]+) bytes\)[\s\S]*\(([\d,]+) bytes\)/.exec(generation.stdout);
  const info = {
    users,
    posts,
    usersBytes: bytes === null ? null : Number(bytes[1].replaceAll(',', '')),
    postsBytes: bytes === null ? null : Number(bytes[2].replaceAll(',', '')),
    generationMs: generation.wallMs,
    generationPeakRssBytes: generation.peakRssBytes,
  };
  await writeFile(marker, `${JSON.stringify(info, null, 2)}\n`);
  return { dir, ...info, generatedMs: generation.wallMs };
}

async function generatorHash() {
  const folder = path.join(ROOT, 'dist', 'assets');
  const files = (await readdir(folder)).filter((name) => name.startsWith('sample-') && name.endsWith('.js')).sort();
  const hash = createHash('sha256');
  for (const name of files) hash.update(name).update(await readFile(path.join(folder, name)));
  return hash.digest('hex').slice(0, 8);
}
