import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli, type RunningCli, startCli } from '../cli/run-cli.js';
import { startTestPostgres, type TestPostgres } from '../storage/embedded-postgres.js';

interface AssetJson {
  readonly key: string;
  readonly action: string;
}
interface PartitionsJson {
  readonly partitions: readonly { partition: string; status: string; runId: string | null }[];
}
interface BackfillJson {
  readonly status: string;
  readonly total: number;
  readonly counts: { readonly materialized: number };
  readonly partitions: readonly { partition: string; runId: string | null; status: string; assets: readonly AssetJson[] }[];
}
interface StoredEvent {
  readonly type: string;
  readonly assetKey: string | null;
  readonly message: string;
}

const SELECTION = '+user_stats_daily';

/**
 * Partition runs on the work pool: the example's daily assets (one CSV file
 * per day, in a folder every worker of this host sees) materialized by a
 * coordinator on Postgres whose steps an `assets worker` process runs, each
 * step storing its run's day.
 */
describe('partition runs on the queue executor', () => {
  let postgres: TestPostgres;
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let env: Record<string, string>;
  let worker: RunningCli & { readonly name: string };
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(() => postgres.stop());
  beforeEach(async () => {
    workspace = await makeWorkspace();
    env = {
      ...workspace.env,
      STRATA_DATABASE_URL: postgres.connectionString,
      STRATA_DATABASE_SCHEMA: postgres.uniqueSchema('partitions'),
      STRATA_OUTPUT_SHARED: 'true',
    };
    const started = startCli(['worker', '--concurrency', '2'], { cwd: workspace.dir, env });
    worker = Object.assign(started, { name: `${hostname()}:${started.child.pid}` });
    await worker.waitForStderr('is taking steps');
  });
  afterEach(async () => {
    worker.child.kill('SIGKILL');
    await workspace.cleanup();
  });

  const cli = (args: string[]) => runCli(args, { cwd: workspace.dir, env });
  async function json<T>(args: string[]): Promise<T> {
    const result = await cli([...args, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  }
  /** Each step success of the run: every one must name the worker process. */
  async function successesOf(runId: string): Promise<StoredEvent[]> {
    const { events } = await json<{ events: StoredEvent[] }>(['logs', runId]);
    return events.filter((event) => event.type === 'step-success');
  }
  /** The files the daily assets stored, relative to the output folder, with their bytes. */
  async function dailyFiles(output: string): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    for (const key of ['posts_daily', 'user_stats_daily']) {
      for (const file of (await readdir(path.join(output, key))).sort()) files[`${key}/${file}`] = await readFile(path.join(output, key, file), 'utf8');
    }
    return files;
  }
  /** The same command on a SQLite instance with the in-process executor, for the files it stores. */
  async function inProcess(args: string[]): Promise<Record<string, string>> {
    const alone = await makeWorkspace();
    try {
      const result = await runCli(args, { cwd: alone.dir, env: alone.env });
      expect(result.code, result.stderr).toBe(0);
      return await dailyFiles(alone.output);
    } finally {
      await alone.cleanup();
    }
  }

  it("runs a partition's steps on a worker, storing that day's files as an in-process run does and recording the partition", async () => {
    const args = ['materialize', '--select', SELECTION, '--partition', '2026-01-03'];
    const run = await json<{ runId: string; status: string; tags: Record<string, string>; assets: AssetJson[] }>([...args, '--executor', 'queue']);
    expect(run.status).toBe('success');
    expect(run.tags['strata/partition']).toBe('2026-01-03');
    expect(run.assets.map((entry) => `${entry.key}:${entry.action}`)).toEqual(['posts_daily:materialized', 'user_stats_daily:materialized']);

    const successes = await successesOf(run.runId);
    expect(successes.map((event) => event.assetKey)).toEqual(['posts_daily', 'user_stats_daily']);
    for (const success of successes) expect(success.message).toMatch(new RegExp(` on worker ${worker.name}$`));

    const files = await dailyFiles(workspace.output);
    expect(Object.keys(files)).toEqual(['posts_daily/2026-01-03.csv', 'user_stats_daily/2026-01-03.csv']);
    expect(files).toEqual(await inProcess(args));
    for (const key of ['posts_daily', 'user_stats_daily']) {
      const { partitions } = await json<PartitionsJson>(['partitions', key, '--status', 'fresh']);
      expect(partitions.map((partition) => [partition.partition, partition.runId])).toEqual([['2026-01-03', run.runId]]);
    }
  }, 60_000);

  it('runs each partition run of a backfill on the worker, the default executor on Postgres', async () => {
    const args = ['backfill', SELECTION, '--from', '2026-01-04', '--to', '2026-01-06'];
    const backfill = await json<BackfillJson>(args);
    expect(backfill.status).toBe('completed');
    expect(backfill.total).toBe(6);
    expect(backfill.counts.materialized).toBe(6);
    expect(backfill.partitions.map((partition) => partition.partition)).toEqual(['2026-01-04', '2026-01-05', '2026-01-06']);
    for (const partition of backfill.partitions) {
      const successes = await successesOf(partition.runId!);
      expect(successes.map((event) => event.assetKey)).toEqual(['posts_daily', 'user_stats_daily']);
      for (const success of successes) expect(success.message).toMatch(new RegExp(` on worker ${worker.name}$`));
    }

    const files = await dailyFiles(workspace.output);
    expect(Object.keys(files)).toHaveLength(6);
    expect(files).toEqual(await inProcess(args));
    const { partitions } = await json<PartitionsJson>(['partitions', 'user_stats_daily', '--status', 'fresh']);
    expect(partitions.map((partition) => [partition.partition, partition.runId])).toEqual(backfill.partitions.map((partition) => [partition.partition, partition.runId]));
  }, 60_000);
});
