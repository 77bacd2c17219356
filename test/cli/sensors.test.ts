import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

const AUTOMATION = path.join(FIXTURES, 'automation-definitions.mjs');
const TAGGED = path.join(FIXTURES, 'tagged-automation-definitions.mjs');

describe('assets sensors, sensor and ticks', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let inbox: string;
  beforeEach(async () => {
    workspace = await makeWorkspace();
    inbox = path.join(workspace.dir, 'inbox');
    await mkdir(inbox);
  });
  afterEach(() => workspace.cleanup());
  const assets = (...args: string[]) => runCli([...args, '--definitions', AUTOMATION], { cwd: workspace.dir, env: { ...workspace.env, TEST_INBOX: inbox } });

  it('lists the sensors with their job, interval and status', async () => {
    const table = await assets('sensors');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^failing\s+refresh\s+60s\s+stopped\s+-\s+-\s*$/m);
    expect(table.stdout).toMatch(/^inbox\s+refresh\s+60s\s+running\s+-\s+-\s+Runs job refresh when files matching \*\.json appear or change\.$/m);
    const json = JSON.parse((await assets('sensors', '--json')).stdout) as { sensors: { name: string; status: string; statusSetBy: string; intervalSeconds: number }[] };
    expect(json.sensors.map((sensor) => [sensor.name, sensor.status, sensor.statusSetBy, sensor.intervalSeconds])).toEqual([
      ['failing', 'stopped', 'definition', 60],
      ['inbox', 'running', 'definition', 60],
      ['kick', 'stopped', 'definition', 1],
    ]);
  });

  it('shows the requests of a dry-run tick and stores nothing', async () => {
    await writeFile(path.join(inbox, 'snapshot.json'), '[]');
    const dry = await assets('sensor', 'tick', 'inbox', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^request\s+run key\s+daemon would\njob refresh\s+files:[0-9a-f]{16}\s+launch it\nNew cursor: \{"files":\{"snapshot\.json":"[\d.]+:2"\}\}\n$/);
    expect(dry.stderr).toContain('Dry run: nothing was launched or stored.');
    const json = JSON.parse((await assets('sensor', 'tick', 'inbox', '--dry-run', '--json')).stdout) as { skip: string | null; runRequests: { job: string; verdict: string }[] };
    expect(json).toMatchObject({ skip: null, runRequests: [{ job: 'refresh', select: null, verdict: 'launch', reason: null }] });
    expect(JSON.parse((await assets('ticks', '--json')).stdout)).toEqual({ ticks: [], hasMore: false });
  });

  it('says in a dry run that the daemon would queue the run under STRATA_MAX_CONCURRENT_RUNS, waiting while runs in flight fill it, as the tick then queues it', async () => {
    await writeFile(path.join(inbox, 'snapshot.json'), '[]');
    const limited = (...args: string[]) => runCli([...args, '--definitions', AUTOMATION], { cwd: workspace.dir, env: { ...workspace.env, TEST_INBOX: inbox, STRATA_MAX_CONCURRENT_RUNS: '1' } });
    const storage = await SqliteInstanceStorage.open({ home: workspace.env.STRATA_HOME! });
    try {
      // A run in flight: this test's own process, so nothing takes it for abandoned.
      await storage.createRun({ runId: 'in-flight', status: 'started', selection: '*', trigger: 'cli', startedAt: new Date(), endedAt: null, pid: process.pid, hostname: hostname() });
    } finally {
      await storage.close();
    }
    const reason = 'at most 1 concurrent run, 1 started and 0 queued before it: it waits for a run to end';
    const dry = await limited('sensor', 'tick', 'inbox', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`^job refresh\\s+files:[0-9a-f]{16}\\s+queue it: ${reason}$`, 'm'));
    const json = JSON.parse((await limited('sensor', 'tick', 'inbox', '--dry-run', '--json')).stdout) as { runRequests: { verdict: string; reason: string }[] };
    expect(json.runRequests).toEqual([{ job: 'refresh', select: null, runKey: expect.any(String), verdict: 'queue', reason }]);

    const ticked = await limited('sensor', 'tick', 'inbox', '--json');
    expect(ticked.code, ticked.stderr).toBe(0);
    expect(ticked.stderr).toContain(`queued run`);
    expect(ticked.stderr).toContain(reason);
    const runs = JSON.parse((await limited('runs', '--json')).stdout) as { runs: { runId: string; status: string }[] };
    expect(runs.runs.map((run) => run.status)).toEqual(['queued', 'started']);
  });

  it('says in a dry run that a request of fresh assets has nothing to do, as the tick then finds', async () => {
    // Sensor `poke` asks for `letters`, which is materialized and unchanged since.
    const poke = (...args: string[]) => runCli([...args, '--definitions', TAGGED], { cwd: workspace.dir, env: workspace.env });
    expect((await poke('materialize', '--select', 'letters')).code).toBe(0);
    const dry = await poke('sensor', 'tick', 'poke', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^select "letters"\s+poke-1\s+drop it: select "letters": nothing to do, every selected asset is up to date$/m);
    const preview = JSON.parse((await poke('sensor', 'tick', 'poke', '--dry-run', '--json')).stdout) as { runRequests: { verdict: string; reason: string }[] };
    expect(preview.runRequests).toMatchObject([{ verdict: 'nothing-to-do' }]);

    const ticked = await poke('sensor', 'tick', 'poke', '--json');
    expect(ticked.code).toBe(0);
    const { tick } = JSON.parse(ticked.stdout) as { tick: { status: string; runIds: string[]; skipReason: string } };
    expect(tick).toMatchObject({ status: 'skipped', runIds: [], skipReason: preview.runRequests[0]!.reason });
  });

  it('ticks a sensor by hand: launches its run once, then skips until a file changes', async () => {
    await writeFile(path.join(inbox, 'snapshot.json'), '[]');
    const first = await assets('sensor', 'tick', 'inbox', '--json');
    expect(first.code).toBe(0);
    const { tick } = JSON.parse(first.stdout) as { tick: { status: string; runIds: string[]; runs: { status: string }[]; cursor: string } };
    expect(tick).toMatchObject({ status: 'success', runs: [{ status: 'success' }] });
    expect(tick.runIds).toHaveLength(1);
    const second = await assets('sensor', 'tick', 'inbox');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/sensor\s+inbox\s+skipped\s+-\s+no new or changed file matches \*\.json in /);
    const dry = JSON.parse((await assets('sensor', 'tick', 'inbox', '--dry-run', '--json')).stdout) as { skip: string };
    expect(dry.skip).toMatch(/^no new or changed file matches/);
  });

  it('records a failing sensor as a failed tick and exits 1', async () => {
    const result = await assets('sensor', 'tick', 'failing');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/sensor\s+failing\s+failed\s+-\s+Sensor "failing" failed: cannot reach the inbox service/);
    const ticks = JSON.parse((await assets('ticks', 'failing', '--json')).stdout) as { ticks: { status: string; error: string }[] };
    expect(ticks.ticks).toMatchObject([{ status: 'failed', error: 'Sensor "failing" failed: cannot reach the inbox service' }]);
  });

  it('starts and stops a sensor in the instance', async () => {
    expect((await assets('sensor', 'start', 'failing')).stdout).toBe('Started sensor failing.\n');
    expect((await assets('sensor', 'start', 'failing')).stdout).toBe('Sensor failing was already running.\n');
    expect((await assets('sensor', 'stop', 'inbox')).stdout).toBe('Stopped sensor inbox.\n');
    const json = JSON.parse((await assets('sensors', '--json')).stdout) as { sensors: { name: string; status: string; statusSetBy: string }[] };
    expect(json.sensors.map((sensor) => [sensor.name, sensor.status, sensor.statusSetBy])).toEqual([
      ['failing', 'running', 'instance'],
      ['inbox', 'stopped', 'instance'],
      ['kick', 'stopped', 'definition'],
    ]);
  });

  it('rejects an unknown sensor or tick name, and tick flags on other actions', async () => {
    const sensor = await assets('sensor', 'tick', 'inbx');
    expect(sensor.code).toBe(2);
    expect(sensor.stderr).toContain('Unknown sensor "inbx".');
    expect(sensor.stderr).toContain('"inbox"');
    const ticks = await assets('ticks', 'inbx');
    expect(ticks.code).toBe(2);
    expect(ticks.stderr).toContain('Unknown schedule or sensor "inbx".');
    const flag = await assets('sensor', 'stop', 'inbox', '--dry-run');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--dry-run only applies to `assets sensor tick`.');
  });
});
