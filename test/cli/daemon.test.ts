import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { BIN, FIXTURES, makeWorkspace, runCli, startCli } from './run-cli.js';

const AUTOMATION = path.join(FIXTURES, 'automation-definitions.mjs');

/**
 * Plays `npx` for the parent-death test: starts the daemon with the file
 * $DAEMON_LOG as its stdout and stderr (so nothing of it depends on this
 * process), prints the daemon's pid, and stays until killed.
 */
const PARENT_SCRIPT = `
const { spawn } = require('node:child_process');
const { openSync } = require('node:fs');
const log = openSync(process.env.DAEMON_LOG, 'a');
const daemon = spawn(process.execPath, [process.env.ASSETS_BIN, 'daemon', '--definitions', process.env.DAEMON_DEFINITIONS], { stdio: ['ignore', log, log] });
process.stdout.write(daemon.pid + '\\n');
setInterval(() => {}, 60000);
`;

/**
 * Whether a process is still running. An exited process its new parent has
 * not reaped yet (a zombie: the init of a container may never reap) counts
 * as exited; /proc says which it is on Linux.
 */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls until `done` holds; fails after a generous cap (this checks that it happens, not how fast). */
async function waitUntil(done: () => boolean | Promise<boolean>, what: string, capMs = 20_000): Promise<void> {
  for (let waited = 0; !(await done()); waited += 100) {
    if (waited >= capMs) throw new Error(`gave up waiting for ${what} after ${capMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface PassJson {
  now: string;
  ticks: { name: string; kind: string; tickTime: string; status: string; runIds: string[]; runs: { runId: string; status: string }[] }[];
}

describe('assets daemon (the real process)', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  /** A daemon a test started through another process: killed here if the test failed before it exited. */
  let orphan: number | undefined;
  afterEach(async () => {
    if (orphan !== undefined && isRunning(orphan)) process.kill(orphan, 'SIGKILL');
    orphan = undefined;
    await workspace.cleanup();
  });
  const assets = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });
  const withInstance = async <T>(read: (storage: SqliteInstanceStorage) => Promise<T>): Promise<T> => {
    const storage = await SqliteInstanceStorage.open({ home: workspace.env.STRATA_HOME! });
    try {
      return await read(storage);
    } finally {
      await storage.close();
    }
  };

  it("runs the README's example on a fresh instance: the first pass starts the schedules and says so, the second runs daily, the day that ended and hourly once each, then nothing", async () => {
    const first = await assets('daemon', '--once', '--now', '2026-01-05T01:59:00Z');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('Nothing was due at 2026-01-05T01:59:00.000Z.\n');
    expect(first.stderr).toContain('Started schedule daily-data-refresh at 2026-01-05T01:59:00.000Z: its first tick is 2026-01-05T02:00:00.000Z (none from before its start runs).\n');
    expect(first.stderr).toContain('Started schedule hourly-refresh at 2026-01-05T01:59:00.000Z: its first tick is 2026-01-05T02:00:00.000Z');
    expect(first.stderr.match(/^Started schedule /gm)).toHaveLength(5);
    expect(await withInstance((storage) => storage.listRuns())).toEqual([]);

    const second = await assets('daemon', '--once', '--now', '2026-01-05T02:00:30Z', '--json');
    expect(second.code).toBe(0);
    const pass = JSON.parse(second.stdout) as PassJson;
    expect(pass.now).toBe('2026-01-05T02:00:30.000Z');
    expect(pass.ticks.map((tick) => [tick.kind, tick.name, tick.tickTime, tick.status, tick.runIds.length])).toEqual([
      ['schedule', 'daily-data-refresh', '2026-01-05T02:00:00.000Z', 'success', 1],
      ['schedule', 'daily-partition-refresh', '2026-01-05T02:00:00.000Z', 'success', 1],
      ['schedule', 'hourly-refresh', '2026-01-05T02:00:00.000Z', 'success', 1],
    ]);
    expect(pass.ticks.flatMap((tick) => tick.runs.map((run) => run.status))).toEqual(['success', 'success', 'success']);
    const runs = await withInstance((storage) => storage.listRuns());
    expect(runs.map((run) => [run.trigger, run.status, run.request?.partition ?? null]).sort()).toEqual([
      ['schedule:daily-data-refresh', 'success', null],
      // The day that ended at the tick: 2026-01-04.
      ['schedule:daily-partition-refresh', 'success', '2026-01-04'],
      ['schedule:hourly-refresh', 'success', null],
    ]);
    expect(second.stderr).not.toContain('Started schedule');

    const third = await assets('daemon', '--once', '--now', '2026-01-05T02:00:30Z');
    expect(third).toMatchObject({ code: 0, stdout: 'Nothing was due at 2026-01-05T02:00:30.000Z.\n' });
    expect(await withInstance((storage) => storage.listRuns())).toHaveLength(3);

    const ticks = JSON.parse((await assets('ticks', '--json')).stdout) as { ticks: { name: string; status: string }[] };
    expect(ticks.ticks.map((tick) => [tick.name, tick.status])).toEqual([
      ['hourly-refresh', 'success'],
      ['daily-partition-refresh', 'success'],
      ['daily-data-refresh', 'success'],
    ]);
    const schedules = await assets('schedules');
    expect(schedules.stdout).toMatch(/^daily-data-refresh .* 2026-01-05T02:00:00\.000Z success$/m);
  });

  it("evaluates ticks at --now, while the pass's runs, events and materializations record the real time", async () => {
    await assets('daemon', '--once', '--now', '2026-01-05T01:59:00Z');
    const before = new Date();
    const pass = await assets('daemon', '--once', '--now', '2026-01-05T02:00:30Z', '--json');
    const after = new Date();
    expect(pass.code).toBe(0);
    const realTime = (time: Date | null) => time !== null && time >= before && time <= after;
    await withInstance(async (storage) => {
      const ticks = await storage.listTicks();
      expect(ticks.map((tick) => [tick.name, tick.tickTime.toISOString(), tick.evaluatedAt.toISOString()]).sort()).toEqual([
        ['daily-data-refresh', '2026-01-05T02:00:00.000Z', '2026-01-05T02:00:30.000Z'],
        ['daily-partition-refresh', '2026-01-05T02:00:00.000Z', '2026-01-05T02:00:30.000Z'],
        ['hourly-refresh', '2026-01-05T02:00:00.000Z', '2026-01-05T02:00:30.000Z'],
      ]);
      const runs = await storage.listRuns();
      expect(runs).toHaveLength(3);
      for (const run of runs) {
        expect(realTime(run.startedAt) && realTime(run.endedAt), `run ${run.runId}: ${run.startedAt.toISOString()} to ${run.endedAt?.toISOString()}`).toBe(true);
        expect((await storage.runEvents(run.runId)).filter((event) => !realTime(event.time))).toEqual([]);
      }
      const materialized = [...(await storage.latestMaterializations()).values()];
      expect(materialized.length).toBeGreaterThan(0);
      expect(materialized.filter((record) => !realTime(record.materializedAt))).toEqual([]);
    });
  });

  it('says so when --now is earlier than where a schedule already is, instead of only "nothing due"', async () => {
    // A daemon ran at the real time (here a pass without --now); a pass "as if" in January comes after it.
    const real = await assets('daemon', '--once');
    expect(real.code).toBe(0);
    const pass = await assets('daemon', '--once', '--now', '2026-01-05T02:00:30Z');
    expect(pass.code).toBe(0);
    expect(pass.stdout).toBe('Nothing was due at 2026-01-05T02:00:30.000Z.\n');
    expect(pass.stderr).toMatch(
      /^note: schedule daily-data-refresh started or last ticked at \S+Z, after --now 2026-01-05T02:00:30\.000Z: a pass runs none of its ticks at or before that time\.$/m,
    );
    expect(pass.stderr.match(/^note: schedule /gm)).toHaveLength(5);
  });

  it('prints a line on stderr as each run ends: its id, job, trigger, outcome, duration and the assets that failed', async () => {
    await assets('daemon', '--once', '--now', '2026-01-05T01:59:00Z');
    const passed = await assets('daemon', '--once', '--now', '2026-01-05T02:00:30Z');
    expect(passed.code).toBe(0);
    expect(passed.stderr).toMatch(/^✓ run [0-9a-f]{8} of job refresh \(schedule:daily-data-refresh\) succeeded in \d+(ms|\.\ds)$/m);
    expect(passed.stderr).toMatch(/^✓ run [0-9a-f]{8} of job refresh \(schedule:hourly-refresh\) succeeded in \d+(ms|\.\ds)$/m);
    expect(passed.stderr).toMatch(/^✓ run [0-9a-f]{8} of job daily-refresh, partition 2026-01-04 \(schedule:daily-partition-refresh\) succeeded in \d+(ms|\.\ds)$/m);

    await writeFile(path.join(workspace.source, 'users.json'), JSON.stringify([{ id: 'not-a-number', name: 'Nobody' }]));
    const failed = await assets('daemon', '--once', '--now', '2026-01-05T03:00:30Z');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^✗ run [0-9a-f]{8} of job refresh \(schedule:hourly-refresh\) failed in \d+(ms|\.\ds): 1 asset failed \(users\)$/m);
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
    expect(result.stderr).toMatch(/^Canceling run [0-9a-f]{8} and stopping \(SIGTERM\): running steps are aborted\./m);
    expect(result.stderr).toMatch(/^- run [0-9a-f]{8} of job slow-job \(sensor:kick\) was canceled in \S+$/m);

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
  it('says "Stopping", not "Canceling", when stopped with no run in flight', async () => {
    const daemon = startCli(['daemon', '--definitions', AUTOMATION], { cwd: workspace.dir, env: workspace.env });
    await daemon.waitForStderr('Daemon started');
    daemon.child.kill('SIGTERM');
    const result = await daemon.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Stopping (SIGTERM): no run in flight.');
    expect(result.stderr).not.toContain('Canceling');
  });

  it('stops by itself, cleanly, when the process that started it is killed, leaving no orphan daemon', async () => {
    const inbox = path.join(workspace.dir, 'inbox');
    await mkdir(inbox);
    const log = path.join(workspace.dir, 'daemon.log');
    const parent = spawn(process.execPath, ['-e', PARENT_SCRIPT], {
      cwd: workspace.dir,
      env: { PATH: process.env.PATH ?? '', ...workspace.env, TEST_INBOX: inbox, DAEMON_LOG: log, ASSETS_BIN: BIN, DAEMON_DEFINITIONS: AUTOMATION },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const daemonPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      parent.on('exit', (code) => reject(new Error(`the parent exited (${code}) before starting the daemon`)));
    });
    orphan = daemonPid;
    const output = () => readFile(log, 'utf8').catch(() => '');
    await waitUntil(async () => (await output()).includes('Daemon started'), 'the daemon to start');

    parent.kill('SIGKILL');
    await waitUntil(() => !isRunning(daemonPid), 'the daemon to exit after its parent was killed');
    const printed = await output();
    expect(printed).toContain(`Stopping: the daemon's parent process (${parent.pid}) exited.\n`);
    expect(printed).toContain('Daemon stopped');
  }, 60_000);
});
