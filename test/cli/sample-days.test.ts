import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const BUNDLED_DAILY = fileURLToPath(new URL('../../data/daily/', import.meta.url));

describe('assets sample generate --days', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-sample-days-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const generate = (...args: string[]) => runCli(['sample', 'generate', ...args], { cwd: dir });
  /** Every file of every day folder, in day order. */
  const files = async (folder: string) => {
    const days = (await readdir(folder)).sort();
    return Promise.all(days.flatMap((day) => ['users.json', 'posts.json'].map(async (file) => [`${day}/${file}`, await readFile(path.join(folder, day, file), 'utf8')])));
  };

  it('reproduces the bundled data/daily from its documented command, and says what it wrote', async () => {
    const result = await generate('--days', '14', '--out', 'data/daily');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(await files(path.join(dir, 'data/daily'))).toEqual(await files(BUNDLED_DAILY));
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`Wrote 14 days, 2026-01-01 to 2026-01-14, to ${path.join(dir, 'data/daily')}`);
    expect(lines[1]).toMatch(/^ {2}2026-01-01 {2}10 users, 100 posts \([\d,]+ bytes\)$/);
    expect(lines[2]).toMatch(/^ {2}2026-01-02 {2}10 users, \d+ posts \([\d,]+ bytes\): \d+ new posts?, \d+ edited$/);
    expect(lines[4]).toMatch(/^ {2}2026-01-04 {2}11 users, .*, 1 user joined$/);
    expect(lines[15]).toMatch(/^in \S+$/);
  });

  it('writes the same bytes twice for the same seed and start, other bytes for another seed', async () => {
    const options = ['--days', '3', '--start', '2026-03-30', '--users', '20', '--posts', '200'];
    expect((await generate(...options, '--out', 'a', '--seed', '5')).code).toBe(0);
    expect((await generate(...options, '--out', 'b', '--seed', '5')).code).toBe(0);
    expect((await generate(...options, '--out', 'c', '--seed', '6')).code).toBe(0);
    expect((await files(path.join(dir, 'a'))).map(([name]) => name)).toEqual([
      '2026-03-30/users.json', '2026-03-30/posts.json', '2026-03-31/users.json', '2026-03-31/posts.json', '2026-04-01/users.json', '2026-04-01/posts.json',
    ]);
    expect(await files(path.join(dir, 'b'))).toEqual(await files(path.join(dir, 'a')));
    expect(await files(path.join(dir, 'c'))).not.toEqual(await files(path.join(dir, 'a')));
  });

  it('needs --out with --days, and --days with --start, and exits 2', async () => {
    const noOut = await generate('--days', '14');
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toBe('error: `assets sample generate --days` needs --out.\nhint: e.g. assets sample generate --days 14 --out data/daily\n');
    const noDays = await generate('--start', '2026-01-01', '--out', 'x');
    expect(noDays.code).toBe(2);
    expect(noDays.stderr).toMatch(/^error: --start needs --days/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects a start that is not a calendar day and a day count below 1', async () => {
    const badStart = await generate('--days', '2', '--start', '2026-02-30', '--out', 'x');
    expect(badStart.code).toBe(2);
    expect(badStart.stderr).toBe('error: --start: "2026-02-30" is not a date in the calendar.\nhint: e.g. --start 2026-01-01\n');
    const noDays = await generate('--days', '0', '--out', 'x');
    expect(noDays.code).toBe(2);
    expect(noDays.stderr).toMatch(/^error: --days must be a whole number >= 1, got "0"\./);
    expect(await readdir(dir)).toEqual([]);
  });
});
