import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';
import { CaptureStream } from './capture-stream.js';

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const FLAKY = path.join(FIXTURES, 'flaky-definitions.mjs');
const TINY = fileURLToPath(new URL('../fixtures/tiny-definitions.ts', import.meta.url));

interface RunJson {
  runId: string;
  status: string;
  trigger: string;
  selection: string;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  pid: number | null;
  hostname: string | null;
  assets: Record<string, number>;
}
interface EventJson {
  seq: number;
  runId: string;
  time: string;
  type: string;
  assetKey: string | null;
  attempt: number | null;
  level: string;
  message: string;
  data: Record<string, unknown> | null;
}
interface MaterializationJson {
  runId: string;
  materializedAt: string;
  dataVersion: string;
  codeVersion: string;
  rows: number | null;
  reasons: string[];
  durationMs: number;
  inputDataVersions: Record<string, string>;
  metadata: Record<string, unknown>;
}

/**
 * One instance, three runs of the example's six tables (its daily-partitioned
 * group left out: it would add a run per day): everything (success); a refresh of
 * the sources with a broken posts.json (failed: posts fails, users runs, the
 * other four are skipped); the same refresh with posts.json restored
 * (success: the sources run, and the rest is cut off early as up to date).
 */
describe('assets runs, logs and history after a scripted sequence of runs', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  const runIds: string[] = [];
  const cli = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await cli(...args, '--json');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(result.stdout) as T;
  };

  beforeAll(async () => {
    workspace = await makeWorkspace();
    const postsFile = path.join(workspace.source, 'posts.json');
    const posts = await readFile(postsFile, 'utf8');
    const materialize = async (expectedCode: number, ...args: string[]) => {
      const result = await cli('materialize', '--json', '--exclude', 'group:daily', ...args);
      expect(result.code).toBe(expectedCode);
      runIds.unshift((JSON.parse(result.stdout) as { runId: string }).runId);
    };
    await materialize(0);
    await writeFile(postsFile, JSON.stringify([{ userId: 1, id: '4x', title: 't', body: 'b' }]));
    await materialize(1, '--refresh', 'group:sources');
    await writeFile(postsFile, posts);
    await materialize(0, '--refresh', 'group:sources');
  });
  afterAll(() => workspace.cleanup());

  it('lists the runs newest first, with their status and what happened to their assets', async () => {
    const { runs, hasMore } = await json<{ runs: RunJson[]; hasMore: boolean }>('runs');
    expect(hasMore).toBe(false);
    expect(runs.map((run) => run.runId)).toEqual(runIds);
    expect(runs.map((run) => [run.status, run.selection, run.assets])).toEqual([
      ['success', '* --exclude group:daily --refresh group:sources', { materialized: 2, 'up-to-date': 4, failed: 0, skipped: 0 }],
      ['failed', '* --exclude group:daily --refresh group:sources', { materialized: 1, 'up-to-date': 0, failed: 1, skipped: 4 }],
      ['success', '* --exclude group:daily', { materialized: 6, 'up-to-date': 0, failed: 0, skipped: 0 }],
    ]);
    for (const run of runs) {
      expect(run).toEqual({
        runId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: expect.any(String),
        trigger: 'cli',
        selection: expect.any(String),
        startedAt: expect.stringMatching(ISO_TIME),
        endedAt: expect.stringMatching(ISO_TIME),
        durationMs: expect.any(Number),
        pid: expect.any(Number),
        hostname: expect.any(String),
        // None was given, and none re-executes another.
        tags: {},
        parentRunId: null,
        assets: expect.any(Object),
        // Steps in this process: no worker of a work pool ran any.
        workers: [],
      });
      expect(run.durationMs).toBe(Date.parse(run.endedAt!) - Date.parse(run.startedAt));
    }
  });

  it('filters runs by --status and stops at --limit, saying there are more', async () => {
    const failed = await json<{ runs: RunJson[]; hasMore: boolean }>('runs', '--status', 'failed');
    expect(failed).toEqual({ runs: [expect.objectContaining({ runId: runIds[1], status: 'failed' })], hasMore: false });
    const limited = await json<{ runs: RunJson[]; hasMore: boolean }>('runs', '--limit', '2');
    expect(limited.runs.map((run) => run.runId)).toEqual(runIds.slice(0, 2));
    expect(limited.hasMore).toBe(true);
    const table = await cli('runs', '--limit', '2');
    expect(table.stderr).toBe('Showing the latest 2 runs; --limit N shows more.\n');
    const bad = await cli('runs', '--status', 'broken');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --status must be one of queued, started, success, failed, canceled, nothing-to-do, got "broken"\./);
  });

  it('prints the runs as a table with short run ids', async () => {
    const result = await cli('runs');
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['run', 'status', 'started', 'duration', 'trigger', 'assets', 'selection']);
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual([
      [runIds[0]!.slice(0, 8), 'success', expect.stringMatching(ISO_TIME), expect.stringMatching(/^\d+(ms|\.\ds)$/), 'cli', '2 materialized, 4 up-to-date', '* --exclude group:daily --refresh group:sources'],
      [runIds[1]!.slice(0, 8), 'failed', expect.stringMatching(ISO_TIME), expect.any(String), 'cli', '1 materialized, 1 failed, 4 skipped', '* --exclude group:daily --refresh group:sources'],
      [runIds[2]!.slice(0, 8), 'success', expect.stringMatching(ISO_TIME), expect.any(String), 'cli', '6 materialized', '* --exclude group:daily'],
    ]);
  });

  it("prints a run's events in order, with the asset and attempt of each, found by a prefix of its id", async () => {
    const failedRun = runIds[1]!;
    const { run, events } = await json<{ run: RunJson; events: EventJson[] }>('logs', failedRun.slice(0, 8));
    expect(run).toMatchObject({ runId: failedRun, status: 'failed', assets: { materialized: 1, 'up-to-date': 0, failed: 1, skipped: 4 } });
    expect(events.map((event) => event.seq)).toEqual([...events.map((event) => event.seq)].sort((a, b) => a - b));
    expect(events[0]).toMatchObject({ type: 'run-start', assetKey: null, attempt: null });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', level: 'error', data: { status: 'failed' } });
    for (const event of events) expect(Object.keys(event).sort()).toEqual(['assetKey', 'attempt', 'data', 'level', 'message', 'runId', 'seq', 'time', 'type']);
    expect(events.every((event) => ISO_TIME.test(event.time))).toBe(true);
    const posts = events.filter((event) => event.assetKey === 'posts').map((event) => [event.type, event.attempt, event.level]);
    expect(posts).toEqual([
      ['step-start', 1, 'info'],
      ['step-failure', 1, 'error'],
    ]);
    expect(events.filter((event) => event.type === 'step-skip').map((event) => event.assetKey).sort()).toEqual(['posts_enriched', 'summary', 'top_authors', 'user_stats']);

    const text = await cli('logs', failedRun.slice(0, 6));
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`Run ${failedRun} failed: 1 materialized, 1 failed, 4 skipped`);
    expect(lines[1]).toMatch(/^ {2}cli, selection \* --exclude group:daily --refresh group:sources, started \S+Z, took \S+$/);
    expect(lines[3]!.split(/\s{2,}/)).toEqual(['time', 'level', 'asset', 'try', 'event', 'message']);
    const failure = lines.findIndex((line) => / posts\s+1\s+step-failure\s+posts failed: posts row 0 \(id "4x"\)/.test(line));
    expect(failure).toBeGreaterThan(3);
    expect(lines[failure]).toMatch(/^\S+Z\s+error\s+posts/);
    expect(lines[failure + 1]).toMatch(/^\s+hint: /);
    // The table's rows are the JSON's events, in the same order.
    expect(lines.slice(4).filter((line) => /^\S+Z/.test(line)).map((line) => line.split(/\s{2,}/)[4])).toEqual(events.map((event) => event.type));
  });

  it('shows the newest run for `latest`', async () => {
    const { run } = await json<{ run: RunJson }>('logs', 'latest');
    expect(run.runId).toBe(runIds[0]);
  });

  it('refuses a run id prefix that matches no run, or several', async () => {
    const unknown = await cli('logs', 'zzzz');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^error: No run id starts with "zzzz"\.\nhint: `assets runs` lists the recorded runs/);

    const storage = await SqliteInstanceStorage.open({ home: workspace.env.STRATA_HOME! });
    try {
      for (const runId of ['abcdef01-0000-4000-8000-000000000001', 'abcdef02-0000-4000-8000-000000000002']) {
        await storage.createRun({ runId, status: 'started', selection: '*', trigger: 'cli', startedAt: new Date(0), endedAt: null, pid: null, hostname: null });
        await storage.finishRun(runId, 'success', new Date(1000));
      }
    } finally {
      await storage.close();
    }
    const ambiguous = await cli('logs', 'abcdef0');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/^error: "abcdef0" is the start of 2 run ids: abcdef02-0000-4000-8000-000000000002 \(success, 1970-01-01T00:00:00\.000Z\), abcdef01-/);
    expect((await json<{ run: RunJson; events: unknown[] }>('logs', 'abcdef01'))).toMatchObject({ run: { runId: 'abcdef01-0000-4000-8000-000000000001', durationMs: 1000 }, events: [] });
  });

  it('lists each materialization of an asset, newest first, with its run, data version, rows, reasons and duration', async () => {
    const { key, materializations, hasMore } = await json<{ key: string; materializations: MaterializationJson[]; hasMore: boolean }>('history', 'posts');
    expect({ key, hasMore }).toEqual({ key: 'posts', hasMore: false });
    // The failed run stored nothing for posts.
    expect(materializations.map((record) => [record.runId, record.reasons, record.rows])).toEqual([
      [runIds[0], ['forced'], 9],
      [runIds[2], ['missing'], 9],
    ]);
    expect(materializations[0]).toEqual({
      runId: runIds[0],
      partition: null,
      materializedAt: expect.stringMatching(ISO_TIME),
      dataVersion: expect.stringMatching(/^[0-9a-f]{64}$/),
      codeVersion: expect.any(String),
      rows: 9,
      reasons: ['forced'],
      durationMs: expect.any(Number),
      inputDataVersions: { '@external': expect.any(String) },
      metadata: expect.objectContaining({ rows: 9, path: path.join(workspace.output, 'posts.csv') }),
    });
    // The restored snapshot is the first one again: the same data version.
    expect(materializations[0]!.dataVersion).toBe(materializations[1]!.dataVersion);

    const limited = await json<{ materializations: MaterializationJson[]; hasMore: boolean }>('history', 'posts', '--limit', '1');
    expect(limited.materializations.map((record) => record.runId)).toEqual([runIds[0]]);
    expect(limited.hasMore).toBe(true);
  });

  it('prints the history as a table, and says when there is none', async () => {
    const result = await cli('history', 'users');
    expect(result.code).toBe(0);
    // The materializations, then (after a blank line) the results of users' checks.
    const [materializations, checks] = result.stdout.trimEnd().split('\n\n');
    const [header, ...rows] = materializations!.split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['materialized', 'run', 'data version', 'rows', 'duration', 'reasons']);
    expect(checks!.split('\n').map((line) => line.split(/\s{2,}/))).toEqual([
      ['check', 'results, newest first'],
      ['unique_id', 'passed, passed, passed'],
      ['not_null_id', 'passed, passed, passed'],
      ['not_null_email', 'passed, passed, passed'],
    ]);
    // users ran in all three runs (the failed one too: only posts failed).
    expect(rows.map((row) => row.split(/\s{2,}/).slice(1, 6))).toEqual([
      [runIds[0]!.slice(0, 8), expect.stringMatching(/^[0-9a-f]{8}…$/), '7', expect.any(String), 'forced'],
      [runIds[1]!.slice(0, 8), expect.stringMatching(/^[0-9a-f]{8}…$/), '7', expect.any(String), 'forced'],
      [runIds[2]!.slice(0, 8), expect.stringMatching(/^[0-9a-f]{8}…$/), '7', expect.any(String), 'missing'],
    ]);
    const unknown = await cli('history', 'post');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: Unknown asset "post"\.\nhint: Did you mean "posts"/);
  });
});

describe('assets logs with retries', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeAll(async () => {
    workspace = await makeWorkspace();
  });
  afterAll(() => workspace.cleanup());
  const cli = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });

  it('says so when no run is recorded yet', async () => {
    const result = await cli('logs', 'latest');
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('error: No runs are recorded yet.\nhint: Run `assets materialize` first.\n');
    expect(await cli('runs')).toMatchObject({ code: 0, stdout: 'No runs recorded yet.\n' });
    expect(await cli('history', 'doubled', '--definitions', FLAKY)).toMatchObject({ code: 0, stdout: 'doubled has never been materialized (or its history was wiped).\n' });
  });

  it("shows each attempt's events and the asset's own log lines", async () => {
    expect((await cli('materialize', '--definitions', FLAKY)).code).toBe(0);
    const { events } = JSON.parse((await cli('logs', 'latest', '--json')).stdout) as { events: EventJson[] };
    expect(events.filter((event) => event.assetKey === 'doubled').map((event) => [event.type, event.attempt, event.level, event.message])).toEqual([
      ['step-start', 1, 'info', 'Materializing doubled'],
      ['log', 1, 'info', 'attempt 1 read 2 rows'],
      ['step-retry', 1, 'warn', expect.stringMatching(/^doubled failed \(attempt 1\/2\): doubled failed on attempt 1; attempt 2\/2/)],
      ['step-start', 2, 'info', 'Materializing doubled'],
      ['log', 2, 'info', 'attempt 2 read 2 rows'],
      ['step-success', 2, 'info', 'Materialized doubled: 2 rows'],
    ]);
    const text = await cli('logs', 'latest');
    expect(text.stdout).toMatch(/^\S+Z\s+info\s+doubled\s+2\s+log\s+attempt 2 read 2 rows$/m);
    expect(text.stdout).toMatch(/^\S+Z\s+warn\s+doubled\s+1\s+step-retry\s+doubled failed/m);
  });

  it('counts a failure after the last retry as failed, with its hint', async () => {
    const run = await runCli(['materialize', '--force', '--definitions', FLAKY], { cwd: workspace.dir, env: { ...workspace.env, FLAKY_ALWAYS_FAIL: '1' } });
    expect(run.code).toBe(1);
    const text = await cli('logs', 'latest');
    expect(text.stdout.split('\n')[0]).toMatch(/^Run \S+ failed: 1 materialized, 1 failed$/);
    expect(text.stdout).toMatch(/^\S+Z\s+error\s+doubled\s+2\s+step-failure\s+doubled failed: doubled failed on attempt 2\n\s+hint: It works the second time\.$/m);
  });
});

describe('assets runs, logs and history on a terminal (in-process)', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'strata-runs-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  const run = async (args: string[], now: Date) => {
    const stdout = new CaptureStream(true);
    const io: CliIO = { stdout, stderr: new CaptureStream(true), env: { STRATA_HOME: home, NO_COLOR: '1' }, cwd: home, now: () => now, signal: new AbortController().signal };
    const code = await main(args, io);
    return { code, stdout: stdout.text };
  };

  it('shows how long ago runs started, and each event as the time since its run started', async () => {
    const started = new Date('2030-01-01T10:00:00.000Z');
    expect((await run(['materialize', '--definitions', TINY], started)).code).toBe(0);
    const later = new Date(started.getTime() + 5 * 60_000);
    expect((await run(['runs'], later)).stdout.split('\n')[1]).toMatch(/^[0-9a-f]{8}\s+success\s+5 min ago\s+0ms\s+cli\s+2 materialized\s+\*$/);
    const logs = (await run(['logs', 'latest'], later)).stdout.split('\n');
    expect(logs[1]).toBe('  cli, selection *, started 5 min ago, took 0ms');
    expect(logs.slice(4, -1).every((line) => line.startsWith('+0ms  '))).toBe(true);
    expect((await run(['history', 'numbers', '--definitions', TINY], later)).stdout.split('\n')[1]).toMatch(/^5 min ago\s+[0-9a-f]{8}\s+[0-9a-f]{8}…\s+3\s+\d+ms\s+missing$/);
  });
});
