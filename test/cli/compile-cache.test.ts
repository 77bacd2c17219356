import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './run-cli.js';

/*
 * The CLI turns on Node's compile cache (Node 22.1 and later) before it
 * imports a project's definitions, and does nothing on a Node without one:
 * the built CLI run with its own temp folder (TMPDIR, where Node keeps the
 * cache by default), on whichever Node runs the suite.
 */
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const hasCompileCache = major > 22 || (major === 22 && minor >= 1);

describe('the compile cache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-compile-cache-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const list = (env: Record<string, string> = {}) =>
    runCli(['list', '--definitions', path.join(FIXTURES, 'diamond-definitions.mjs')], { cwd: dir, env: { TMPDIR: dir, STRATA_HOME: path.join(dir, '.strata'), ...env } });

  it(hasCompileCache ? 'keeps the compiled definitions module in the temp folder, and lists the same twice' : 'is left off on a Node without one, and the CLI works as ever', async () => {
    const first = await list();
    expect(first.code, first.stderr).toBe(0);
    const cache = path.join(dir, 'node-compile-cache');
    expect(existsSync(cache)).toBe(hasCompileCache);
    if (hasCompileCache) expect((await readdir(cache, { recursive: true })).length).toBeGreaterThan(0);
    const second = await list();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it('is left off with NODE_DISABLE_COMPILE_CACHE', async () => {
    const run = await list({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'node-compile-cache'))).toBe(false);
  });
});
