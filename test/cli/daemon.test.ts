import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { FIXTURES, makeWorkspace, runCli, startCli } from './run-cli.js';

const AUTOMATION = path.join(FIXTURES, 'automation-definitions.mjs');

interface PassJson {
  now: string;
  ticks: { name: string; kind: string; tickTime: string; status: string; runIds: string[]; runs: { runId: string; status: string }[] }[];
}

describe('assets daemon (the real process)', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());
  const assets = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });
  const withInstance = async <T>(read: (storage: SqliteInstanceStorage) => Promise<T>): Promise<T> => {
    const storage = await SqliteInstanceStorage.open({ home: workspace.env.STRATA_HOME! });
    try {
      return await read(storage);
    } finally {
      await storage.close();
    }
  };

  it('in a fresh folder: starts the schedules at 01:59, runs daily and hourly once each at 02:00:30, then nothing', async () => {
    const first = await assets('daemon', '--once', '--now', '2026-01-05T01:59:00Z');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('Nothing was due at 2026-01-05T01:59:00.000Z.\n');
    expect(await withInstance((storage) => storage.listRuns())).toEqual([]);

    const second = await assets('daemon', '--once', '--now', '2026-01-05T02:00:30Z', '--json');
    expect(second.code).toBe(0);
    const pass = JSON.parse(second.stdout) as PassJson;
    expect(pass.now).toBe('2026-01-05T02:00:30.000Z');
    expect(pass.ticks.map((tick) => [tick.kind, tick.name, tick.tickTime, tick.status, tick.runIds.length])).toEqual([
      ['schedule', 'daily-data-refresh', '2026-01-05T02:00:00.000Z', 'success', 1],
      ['schedule', 'hourly-refresh', '2026-01-05T02:00:00.000Z', 'success', 1],
    ]);
    expect(pass.ticks.flatMap((tick) => tick.runs.map((run) => run.status))).toEqual(['success', 'success']);
    const runs = await withInstance((storage) => storage.listRuns());
    expect(runs.map((run) => [run.trigger, run.status, run.startedAt.toISOString()]).sort()).toEqual([
      ['schedule:daily-data-refresh', 'success', '2026-01-05T02:00:30.000Z'],
      ['schedule:hourly-refresh', 'success', '2026-01-05T02:00:30.000Z'],
    ]);

    const third = await assets('daemon', '--once', '--now', '2026-01-05T02:00:30Z');
    expect(third).toMatchObject({ code: 0, stdout: 'Nothing was due at 2026-01-05T02:00:30.000Z.\n' });
    expect(await withInstance((storage) => storage.listRuns())).toHaveLength(2);

    const ticks = JSON.parse((await assets('ticks', '--json')).stdout) as { ticks: { name: string; status: string }[] };
    expect(ticks.ticks.map((tick) => [tick.name, tick.status])).toEqual([
      ['hourly-refresh', 'success'],
      ['daily-data-refresh', 'success'],
    ]);
    const schedules = await assets('schedules');
    expect(schedules.stdout).toMatch(/^daily-data-refresh .* 2026-01-05T02:00:00\.000Z success$/m);
  });

  it('prints the ticks of a pass as a table', async () => {
    await assets('daemon', '--once', '--now', '2026-01-05T08:59:00Z');
    const pass = await assets('daemon', '--once', '--now', '2026-01-05T09:00:05Z');
    expect(pass.code).toBe(0);
    expect(pass.stdout).toMatch(/^tick\s+kind\s+name\s+status\s+runs\s+reason\n/);
    expect(pass.stdout).toMatch(/^2026-01-05T09:00:00\.000Z\s+schedule\s+business-hours-refresh\s+success\s+[0-9a-f]{8} success\s*$/m);
    expect(pass.stdout).toMatch(/^2026-01-05T09:00:00\.000Z\s+schedule\s+hourly-refresh\s+success\s+[0-9a-f]{8} success\s*$/m);
  });

  it('rejects --now and --json without --once, and a --now without an offset', async () => {
    const now = await assets('daemon', '--now', '2026-01-05T02:00:30Z');
    expect(now.code).toBe(2);
    expect(now.stderr).toContain('error: --now can only be used with --once.');
    const json = await assets('daemon', '--json');
    expect(json.code).toBe(2);
    expect(json.stderr).toContain('error: --json can only be used with --once.');
    const local = await assets('daemon', '--once', '--now', '2026-01-05 02:00');
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('--now must be an ISO 8601 time with a UTC offset');
  });

  it('stops cleanly on SIGTERM while a run is in flight: the run is recorded canceled, the tick kept, exit 0', async () => {
    const inbox = path.join(workspace.dir, 'inbox');
    await mkdir(inbox);
    const env = { ...workspace.env, TEST_INBOX: inbox };
    const start = await runCli(['sensor', 'start', 'kick', '--definitions', AUTOMATION], { cwd: workspace.dir, env });
    expect(start.code).toBe(0);

    const daemon = startCli(['daemon', '--definitions', AUTOMATION], { cwd: workspace.dir, env });
    await daemon.waitForStderr('SLOW_STARTED');
    daemon.child.kill('SIGTERM');
    const result = await daemon.done;
    expect(result.code).toBe(0);
    expect(result.signal).toBeNull();
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Daemon stopped');

    await withInstance(async (storage) => {
      const [kick] = await storage.listTicks({ name: 'kick' });
      expect(kick).toMatchObject({ kind: 'sensor', status: 'success' });
      const run = await storage.getRun(kick!.runIds[0]!);
      expect(run).toMatchObject({ status: 'canceled', trigger: 'sensor:kick' });
      expect(await storage.runsWithStatus('started')).toEqual([]);
      expect(await storage.launchedRunKeys('sensor:kick', ['kick-1'])).toEqual(new Set(['kick-1']));
    });

    // Evaluated again, the sensor's request is dropped: its run key was launched.
    const again = await runCli(['sensor', 'tick', 'kick', '--json', '--definitions', AUTOMATION], { cwd: workspace.dir, env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ tick: { status: 'skipped', runIds: [], skipReason: 'job slow-job: run key "kick-1" was already launched' } });
  });
});
