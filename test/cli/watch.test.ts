import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject } from './project-workspace.js';
import { BIN, type CliRun, FIXTURES, makeWorkspace, runCli } from './run-cli.js';

/** `assets materialize --watch` as a second process, with ways to wait for what it prints. */
function startWatch(args: readonly string[], options: { cwd: string; env?: Record<string, string> }) {
  const child = spawn(process.execPath, [BIN, 'materialize', '--watch', ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  const waiters: { check: () => boolean; resolve: () => void }[] = [];
  const settle = () => {
    for (const waiter of waiters.filter((candidate) => candidate.check())) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((output.stdout += chunk), settle()));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => ((output.stderr += chunk), settle()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, ...output }));
  });
  /** Resolves once `check` holds of the output so far; rejects if the watch exits first. */
  const until = (what: string, check: (out: typeof output) => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (check(output)) return resolve();
      waiters.push({ check: () => check(output), resolve });
      void done.then((run) => reject(new Error(`the watch exited (${run.code ?? run.signal}) before ${what}; stderr:\n${run.stderr}`)));
    });
  const count = (text: string, haystack: string) => haystack.split(text).length - 1;
  return {
    output,
    done,
    /** Resolves once the watch has printed "Watching ..." `times` times (with --verbose: after each cycle). */
    cycles: (times: number) => until(`cycle ${times}`, (out) => count('Watching ', out.stderr) >= times),
    until,
    interrupt: () => child.kill('SIGINT'),
  };
}

/** The rows of a cycle's table on stdout: asset, result, reasons. */
function cycleRows(block: string): string[][] {
  return block
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(/\s{2,}/));
}

describe('assets materialize --watch', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('materializes what is stale, re-runs after a source file changes, prints nothing for an irrelevant change, and stops on Ctrl-C with 0', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(workspace.cleanup);
    const watch = startWatch(['--verbose'], { cwd: workspace.dir, env: workspace.env });

    await watch.cycles(1);
    // The six tables, user_trends, and the 14 days of posts_daily and user_stats_daily, each day a run of its own before them.
    expect(watch.output.stdout).toMatch(/^\d\d:\d\d:\d\d start: run [0-9a-f]{8} success \(35 materialized, 0 up to date, 0 failed, 0 skipped\)\n/);
    expect(watch.output.stdout).toContain('user_stats_daily [2026-01-14]  materialized');

    const postsFile = path.join(workspace.source, 'posts.json');
    const posts = JSON.parse(await readFile(postsFile, 'utf8')) as { body: string }[];
    posts[0]!.body = 'a body edited while watching';
    await writeFile(postsFile, JSON.stringify(posts, null, 2));
    await watch.until('the re-run after the edit', (out) => /source\/posts\.json changed: run [0-9a-f]{8} success/.test(out.stdout));
    await watch.cycles(2);
    const rerun = watch.output.stdout.slice(watch.output.stdout.indexOf('source/posts.json changed'));
    expect(rerun).toMatch(/^source\/posts\.json changed: run [0-9a-f]{8} success \(5 materialized, 0 up to date, 0 failed, 0 skipped\)\n/);
    expect(cycleRows(rerun)).toEqual([
      ['posts', 'materialized', 'upstream-changed'],
      ['posts_enriched', 'materialized', 'upstream-planned'],
      ['user_stats', 'materialized', 'upstream-planned'],
      ['summary', 'materialized', 'upstream-planned'],
      ['top_authors', 'materialized', 'upstream-planned'],
    ]);

    // A file nobody reads, and a source rewritten with the same content: nothing is stale, so stdout stays as it was.
    const printed = watch.output.stdout;
    await writeFile(path.join(workspace.source, 'notes.txt'), 'not a source\n');
    const usersFile = path.join(workspace.source, 'users.json');
    await writeFile(usersFile, await readFile(usersFile));
    await watch.until('the check after the rewrite', (out) => out.stderr.includes('source/users.json changed: nothing is stale'));
    expect(watch.output.stdout).toBe(printed);
    expect(watch.output.stderr).not.toContain('notes.txt');

    watch.interrupt();
    const run = await watch.done;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Stopping the watch (SIGINT).');
  });

  it('re-imports an edited helper module: the asset reaching it re-runs code-changed with the new code', async () => {
    const project = await makeProject('helper-project');
    cleanups.push(project.cleanup);
    const watch = startWatch([], { cwd: project.dir });
    await watch.cycles(1);
    expect(watch.output.stdout).toContain('start: run');
    const scaledCsv = () => readFile(path.join(project.dir, 'output', 'scaled.csv'), 'utf8');
    expect(await scaledCsv()).toBe('n\n1\n2\n3\n');

    const helper = path.join(project.dir, 'helper.mjs');
    await writeFile(helper, (await readFile(helper, 'utf8')).replace('FACTOR = 1', 'FACTOR = 2'));
    await watch.until('the re-run after the helper edit', (out) => out.stdout.includes('helper.mjs changed: run'));
    const rerun = watch.output.stdout.slice(watch.output.stdout.indexOf('helper.mjs changed'));
    expect(cycleRows(rerun)).toEqual([['scaled', 'materialized', 'code-changed']]);
    expect(await scaledCsv()).toBe('n\n2\n4\n6\n');

    watch.interrupt();
    expect((await watch.done).code).toBe(0);
  });

  it('keeps watching through a module that does not load, and runs once it is fixed', async () => {
    const project = await makeProject('helper-project');
    cleanups.push(project.cleanup);
    const watch = startWatch([], { cwd: project.dir });
    await watch.cycles(1);
    const helper = path.join(project.dir, 'helper.mjs');
    const original = await readFile(helper, 'utf8');
    await writeFile(helper, `${original}\nexport const = ;\n`);
    await watch.until('the load error', (out) => out.stderr.includes('error:'));
    await writeFile(helper, original.replace('FACTOR = 1', 'FACTOR = 3'));
    await watch.until('the re-run after the fix', (out) => out.stdout.includes('helper.mjs changed: run'));
    expect(await readFile(path.join(project.dir, 'output', 'scaled.csv'), 'utf8')).toBe('n\n3\n6\n9\n');
    watch.interrupt();
    expect((await watch.done).code).toBe(0);
  });

  it('cancels a run in progress on Ctrl-C and exits 130, as a canceled materialize does', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(workspace.cleanup);
    const watch = startWatch(['--definitions', path.join(FIXTURES, 'interruptible-definitions.mjs')], { cwd: workspace.dir, env: { ...workspace.env, TEST_MODE: 'wait' } });
    await watch.until('the slow step starts', (out) => out.stderr.includes('SLOW_STARTED'));
    watch.interrupt();
    const run = await watch.done;
    expect(run.code).toBe(130);
    expect(run.stdout).toMatch(/start: run [0-9a-f]{8} canceled \(1 materialized, 0 up to date, 1 failed, 0 skipped\)\n/);
    expect(run.stdout).toContain('slow: canceled: the watch was stopped\n');
  });

  it('keeps watching a state selection that selects nothing, and runs what a change makes stale', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(workspace.cleanup);
    expect((await runCli(['materialize'], { cwd: workspace.dir, env: workspace.env })).code).toBe(0);
    const watch = startWatch(['--select', 'status:stale'], { cwd: workspace.dir, env: workspace.env });
    await watch.cycles(1);
    expect(watch.output.stdout).toBe('');
    // The modules and the source files: what can make an asset stale.
    expect(watch.output.stderr).toMatch(/Watching \d+ files for changes/);
    expect(watch.output.stderr).not.toContain('Watching 0 files');

    const postsFile = path.join(workspace.source, 'posts.json');
    const posts = JSON.parse(await readFile(postsFile, 'utf8')) as { body: string }[];
    posts[0]!.body = 'a body edited while watching';
    await writeFile(postsFile, JSON.stringify(posts, null, 2));
    await watch.until('the run after the edit', (out) => /source\/posts\.json changed: run [0-9a-f]{8} success/.test(out.stdout));
    expect(cycleRows(watch.output.stdout).map((row) => row[0])).toContain('posts');

    watch.interrupt();
    const run = await watch.done;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Stopping the watch (SIGINT).');
  });

  it('names the checks that failed a cycle, also when they ran without their asset', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(workspace.cleanup);
    const env = { ...workspace.env, CHECKED_SOURCE: path.join(workspace.dir, 'accounts.json') };
    await writeFile(env.CHECKED_SOURCE, JSON.stringify([{ id: 1, email: 'a@x.io', plan: 'free', age: 34 }, { id: 2, email: 'b@x.io', plan: 'pro', age: 51 }, { id: 3, email: 'c@x.io', plan: 'pro', age: 19 }]));
    const definitions = ['--definitions', path.join(FIXTURES, 'checked-definitions.mjs')];
    expect((await runCli(['materialize', ...definitions], { cwd: workspace.dir, env })).code).toBe(0);
    // A stricter row count: the check's code changed, no asset's did.
    const watch = startWatch(['--no-color', ...definitions], { cwd: workspace.dir, env: { ...env, CHECKED_MAX_ACCOUNTS: '2' } });
    await watch.cycles(1);
    expect(watch.output.stdout).toMatch(/^\d\d:\d\d:\d\d start: run [0-9a-f]{8} failed \(0 materialized, 0 up to date, 0 failed, 0 skipped\)\n/);
    expect(watch.output.stdout).toMatch(/accounts\.row_count +failed +1 +error, blocking/);
    expect(watch.output.stdout).toContain('Checks: 0 passed, 0 warned, 1 failed, 0 could not run.');
    watch.interrupt();
    expect((await watch.done).code).toBe(0);
  });

  it('rejects flags that decide a single run', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(workspace.cleanup);
    const watch = startWatch(['--force'], { cwd: workspace.dir, env: workspace.env });
    const run = await watch.done;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: --watch cannot be combined with --force.');
  });
});
