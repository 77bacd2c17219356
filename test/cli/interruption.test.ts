import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runCli, startCli } from './run-cli.js';

const DEFINITIONS = path.join(FIXTURES, 'interruptible-definitions.mjs');

interface StatusJson {
  assets: { key: string; status: string; reasons: string[] }[];
}

/**
 * Ctrl-C, SIGTERM and SIGKILL in the middle of a run, on the real CLI. After
 * each, every output must be the previous complete version or the new complete
 * version, and the instance must plan the next run correctly.
 */
describe('interrupting a run', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());

  const env = (mode: string, value: string, extra: Record<string, string> = {}) => ({ ...workspace.env, TEST_MODE: mode, TEST_VALUE: value, ...extra });
  const materialize = (mode: string, value: string, ...args: string[]) =>
    runCli(['materialize', '--definitions', DEFINITIONS, ...args], { cwd: workspace.dir, env: env(mode, value) });
  const start = (mode: string, value: string, ...args: string[]) =>
    startCli(['materialize', '--definitions', DEFINITIONS, ...args], { cwd: workspace.dir, env: env(mode, value) });
  const slowCsv = () => readFile(path.join(workspace.output, 'slow.csv'), 'utf8');
  const status = async () => {
    const result = await runCli(['status', '--json', '--definitions', DEFINITIONS], { cwd: workspace.dir, env: env('quick', '1') });
    return Object.fromEntries((JSON.parse(result.stdout) as StatusJson).assets.map((asset) => [asset.key, asset.reasons]));
  };
  const runs = async () => {
    const { SqliteInstanceStorage } = await import('../../src/storage/sqlite-instance-storage.js');
    const storage = await SqliteInstanceStorage.open({ home: workspace.env.STRATA_HOME! });
    try {
      return (await storage.listRuns()).map((run) => run.status);
    } finally {
      await storage.close();
    }
  };
  const tempFiles = async () => (await readdir(workspace.output)).filter((name) => name.endsWith('.tmp'));

  /** A first complete run, whose slow.csv the interrupted runs must not spoil. */
  async function materializeVersionOne(): Promise<string> {
    expect((await materialize('quick', '1')).code).toBe(0);
    return slowCsv();
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`cancels on ${signal}: the in-flight step is aborted, the run recorded canceled, exit 130, previous output kept`, async () => {
      const previous = await materializeVersionOne();
      const running = start('wait', '2', '--force');
      await running.waitForStderr('SLOW_STARTED');
      running.child.kill(signal);
      const result = await running.done;
      expect(result.code).toBe(130);
      expect(result.stdout).toMatch(/^slow\s+failed/m);
      expect(result.stdout).toMatch(new RegExp(`slow: canceled: canceled by ${signal}`));
      expect(await slowCsv()).toBe(previous);
      expect(await runs()).toEqual(['canceled', 'success']);
    });
  }

  it('cancels on Ctrl-C while the run is still being planned: exit 130, no run recorded, no internal error', async () => {
    const previous = await materializeVersionOne();
    const running = start('observe-wait', '2', '--force');
    await running.waitForStderr('OBSERVING');
    running.child.kill('SIGINT');
    const result = await running.done;
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 130, stderr: expect.stringContaining('Canceled by SIGINT: stopped before it finished.') });
    expect(result.stderr).not.toContain('internal error');
    expect(await slowCsv()).toBe(previous);
    expect(await runs()).toEqual(['success']);
  });

  it('exits at once on a second Ctrl-C, still leaving no partial output', async () => {
    const previous = await materializeVersionOne();
    const running = start('hang', '2', '--force');
    await running.waitForStderr('SLOW_STARTED');
    running.child.kill('SIGINT');
    await running.waitForStderr('Press Ctrl-C again to exit at once');
    running.child.kill('SIGINT');
    const result = await running.done;
    expect(result.code).toBe(130);
    expect(await slowCsv()).toBe(previous);
    expect(await tempFiles()).toEqual([]);
  });

  it('survives SIGKILL before the write: previous output kept, the run marked failed, the next run plans it again', async () => {
    const previous = await materializeVersionOne();
    const running = start('hang', '2', '--force');
    await running.waitForStderr('SLOW_STARTED');
    running.child.kill('SIGKILL');
    expect((await running.done).signal).toBe('SIGKILL');
    expect(await slowCsv()).toBe(previous);
    // base was materialized before the kill; slow must now catch up with it.
    expect(await status()).toEqual({ base: [], slow: ['upstream-changed'] });
    // That command also noticed the dead process and failed its run.
    expect(await runs()).toEqual(['failed', 'success']);
  });

  it('survives SIGKILL during the write: the previous file stays whole', async () => {
    const previous = await materializeVersionOne();
    const running = startCli(['materialize', '--force', '--definitions', DEFINITIONS], { cwd: workspace.dir, env: env('big', '2', { TEST_ROWS: '1500000' }) });
    await running.waitForStderr('SLOW_STARTED');
    // Kill as soon as the temp file of the new slow.csv exists, i.e. mid-write.
    const giveUp = Date.now() + 60_000;
    while ((await tempFiles()).length === 0) {
      if (Date.now() > giveUp) throw new Error('the write never started');
      await new Promise((resolve) => setImmediate(resolve));
    }
    running.child.kill('SIGKILL');
    await running.done;
    expect(await slowCsv()).toBe(previous);
    expect((await materialize('quick', '1')).code).toBe(0);
    expect(await runs()).toEqual(['success', 'failed', 'success']);
  });

  it('survives SIGKILL after the write but before the record: the new file is whole and the next run redoes it', async () => {
    await materializeVersionOne();
    const running = start('stored-hang', '2', '--force');
    await running.waitForStderr('STORED');
    running.child.kill('SIGKILL');
    await running.done;
    const written = await slowCsv();
    expect(written).toBe('n,text\n2000,row 0 of version 2\n2001,row 1 of version 2\n2002,row 2 of version 2\n');
    // The stored file no longer matches the last recorded materialization.
    expect((await status()).slow).toEqual(['upstream-changed', 'output-modified']);
    const rerun = await runCli(['materialize', '--json', '--definitions', DEFINITIONS], { cwd: workspace.dir, env: env('quick', '2') });
    expect(JSON.parse(rerun.stdout).assets.map((asset: { key: string; action: string }) => [asset.key, asset.action])).toEqual([['slow', 'materialized']]);
    expect(await runs()).toEqual(['success', 'failed', 'success']);
  });
});
