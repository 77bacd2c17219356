import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('assets sample generate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-sample-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const generate = (...args: string[]) => runCli(['sample', 'generate', ...args], { cwd: dir });
  const bytes = (folder: string) => Promise.all(['users.json', 'posts.json'].map((file) => readFile(path.join(dir, folder, file))));

  it('writes the same bytes for the same seed and different ones for another seed', async () => {
    expect((await generate('--users', '20', '--posts', '300', '--out', 'a', '--seed', '7')).code).toBe(0);
    expect((await generate('--users', '20', '--posts', '300', '--out', 'b', '--seed', '7')).code).toBe(0);
    expect((await generate('--users', '20', '--posts', '300', '--out', 'c', '--seed', '8')).code).toBe(0);
    expect(await bytes('a')).toEqual(await bytes('b'));
    expect((await bytes('a'))[1]).not.toEqual((await bytes('c'))[1]);
    const posts = JSON.parse((await bytes('a'))[1]!.toString('utf8')) as unknown[];
    expect(posts).toHaveLength(300);
  });

  it('reproduces the bundled sample from its documented command', async () => {
    expect((await generate('--users', '10', '--posts', '100', '--out', 'again', '--seed', '1')).code).toBe(0);
    const bundled = await Promise.all(['users.json', 'posts.json'].map((file) => readFile(new URL(`../../data/sample/${file}`, import.meta.url))));
    expect(await bytes('again')).toEqual(bundled);
  });

  it('names the missing flags and exits 2', async () => {
    const result = await generate('--users', '10');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: `assets sample generate` needs --posts, --out\./);
  });

  it('rejects a count that is not a whole number', async () => {
    const result = await generate('--users', 'ten', '--posts', '1', '--out', 'x');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --users must be a whole number >= 0, got "ten"\./);
  });
});
