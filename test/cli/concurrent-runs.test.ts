import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { FIXTURES, makeWorkspace, startCli } from './run-cli.js';

const DEFINITIONS = path.join(FIXTURES, 'interruptible-definitions.mjs');

interface MaterializeJson {
  status: string;
  assets: { key: string; action: string }[];
}

/** Two real `assets materialize` processes on one instance, started together. */
describe('concurrent runs', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());

  const start = (extra: Record<string, string> = {}, ...args: string[]) =>
    startCli(['materialize', '--json', '--definitions', DEFINITIONS, ...args], { cwd: workspace.dir, env: { ...workspace.env, TEST_MODE: 'delay', ...extra } });

  async function history() {
    const storage = await SqliteInstanceStorage.open({ home: workspace.env.STRATA_HOME! });
    try {
      return {
        base: (await storage.materializationHistory('base')).length,
        slow: (await storage.materializationHistory('slow')).length,
        leases: (await storage.acquireAssetLease({ assetKey: 'slow', runId: 'probe', pid: 1, hostname: 'probe', now: new Date(), ttlMs: 1 })).acquired,
      };
    } finally {
      await storage.close();
    }
  }

  it('never materialize the same asset twice: the second run waits, then finds it up to date', async () => {
    const first = start();
    const second = start();
    const [a, b] = await Promise.all([first.done, second.done]);
    expect([a.code, b.code]).toEqual([0, 0]);
    for (const run of [a, b]) expect(run.stderr).not.toMatch(/SQLITE_BUSY|database is locked/);
    const actions = [a, b].map((run) => (JSON.parse(run.stdout) as MaterializeJson).assets.map((asset) => `${asset.key}:${asset.action}`).sort());
    // Each asset was materialized by exactly one of the runs; the other found it done.
    const materialized = actions.flat().filter((entry) => entry.endsWith(':materialized')).sort();
    expect(materialized).toEqual(['base:materialized', 'slow:materialized']);
    expect(await history()).toEqual({ base: 1, slow: 1, leases: true });
    expect(a.stderr + b.stderr).toMatch(/Waiting for (base|slow): run [0-9a-f-]+ is materializing it/);
  });

  it('gives up waiting after --lock-timeout with an error naming the holder', async () => {
    const first = start({ TEST_DELAY_MS: '4000' });
    await first.waitForStderr('SLOW_STARTED');
    const second = start({}, '--select', 'slow', '--force', '--lock-timeout', '300ms');
    const blocked = await second.done;
    expect(blocked.code).toBe(1);
    const slow = (JSON.parse(blocked.stdout) as { assets: { key: string; action: string; error: { message: string } }[] }).assets[0]!;
    expect(slow.action).toBe('failed');
    expect(slow.error.message).toMatch(/^Timed out waiting for "slow": run [0-9a-f-]+ \(process \d+ on .+\) has been materializing it since /);
    expect((await first.done).code).toBe(0);
  });

  it('takes over the lease of a run whose process was killed', async () => {
    const doomed = start({ TEST_MODE: 'hang' });
    await doomed.waitForStderr('SLOW_STARTED');
    doomed.child.kill('SIGKILL');
    await doomed.done;
    const next = start({ TEST_DELAY_MS: '10' });
    const result = await next.done;
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as MaterializeJson).assets.find((asset) => asset.key === 'slow')!.action).toBe('materialized');
  });
});
