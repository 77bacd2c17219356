import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, startCli } from './run-cli.js';

/*
 * Backfills end to end: the built CLI on partitioned-definitions.mjs
 * (sales_daily reads one JSON file per day from 2026-01-01 to 2026-01-07,
 * totals_daily sums it), one SQLite instance and real CSV files per test.
 * PARTITIONED_DELAY_MS slows each day down where a test stops a backfill
 * mid-way; what it waits for is output, never time.
 */
const DEFINITIONS = path.join(FIXTURES, 'partitioned-definitions.mjs');
const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07'];
const SELECTION = 'sales_daily, totals_daily';
/** For the tests that stop a backfill slowed down by PARTITIONED_DELAY_MS and start it again: several processes, more than the default on a busy machine. */
const SLOW_TEST_MS = 90_000;

type Counts = Readonly<Record<'pending' | 'running' | 'materialized' | 'up-to-date' | 'failed' | 'skipped' | 'canceled', number>>;
interface BackfillJson {
  readonly id: string | null;
  readonly status: string;
  readonly total: number;
  readonly done: number;
  readonly counts: Counts;
  readonly partitions: readonly { partition: string; runId: string | null; status: string; assets: readonly { key: string; action: string }[] }[];
}
interface StatusJson extends Omit<BackfillJson, 'partitions'> {
  readonly targets: readonly { assetKey: string; partition: string; status: string; runId: string | null }[];
}
interface RunsJson {
  readonly runs: readonly { runId: string; status: string; tags: Readonly<Record<string, string>> }[];
}

async function makeInstance() {
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-backfill-'));
  const source = path.join(dir, 'days');
  await mkdir(source);
  for (const [index, day] of DAYS.entries()) await writeFile(path.join(source, `${day}.json`), JSON.stringify([{ id: index + 1, amount: (index + 1) * 10 }]));
  const env = { STRATA_HOME: path.join(dir, '.strata'), STRATA_OUTPUT_DIR: path.join(dir, 'output'), PARTITIONED_SOURCE: source };
  return {
    dir,
    env,
    cli: (args: readonly string[], extra: Record<string, string> = {}) => runCli([...args, '--definitions', DEFINITIONS], { cwd: dir, env: { ...env, ...extra } }),
    start: (args: readonly string[], extra: Record<string, string> = {}) => startCli([...args, '--definitions', DEFINITIONS], { cwd: dir, env: { ...env, ...extra } }),
    writeDay: (day: string, text: string) => writeFile(path.join(source, `${day}.json`), text),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Resolves with what the child printed on stdout once it contains `text`; rejects if it exits first. */
function waitForStdout(child: ChildProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer | string) => {
      seen += String(chunk);
      if (seen.includes(text)) {
        child.stdout!.off('data', onData);
        resolve(seen);
      }
    };
    child.stdout!.on('data', onData);
    child.once('close', () => reject(new Error(`exited before printing "${text}"; stdout:\n${seen}`)));
  });
}

describe('assets backfill', () => {
  let instance: Awaited<ReturnType<typeof makeInstance>>;
  beforeEach(async () => {
    instance = await makeInstance();
  });
  afterEach(() => instance.cleanup());

  const json = async <T>(args: readonly string[], code = 0, extra: Record<string, string> = {}): Promise<T> => {
    const result = await instance.cli([...args, '--json'], extra);
    expect(result.code, result.stderr).toBe(code);
    return JSON.parse(result.stdout) as T;
  };
  /** How many runs of the backfill each partition had, from the runs' own tags. */
  const runsPerPartition = async (id: string) => {
    const { runs } = await json<RunsJson>(['runs', '--tag', `strata/backfill=${id}`, '--limit', '100']);
    const counts: Record<string, number> = {};
    for (const run of runs) counts[run.tags['strata/partition']!] = (counts[run.tags['strata/partition']!] ?? 0) + 1;
    return counts;
  };

  it('materializes 7 days of two assets as 14 targets, one run per day, and a second --stale backfill has nothing to do', async () => {
    const first = await json<BackfillJson>(['backfill', SELECTION, '--from', '2026-01-01', '--to', '2026-01-07']);
    expect(first.status).toBe('completed');
    expect(first.total).toBe(14);
    expect(first.counts.materialized).toBe(14);
    expect(first.partitions.map((partition) => partition.partition)).toEqual(DAYS);
    expect(await runsPerPartition(first.id!)).toEqual(Object.fromEntries(DAYS.map((day) => [day, 1])));

    const second = await json<BackfillJson>(['backfill', SELECTION, '--from', '2026-01-01', '--to', '2026-01-07', '--stale']);
    expect(second).toEqual({ id: null, status: 'nothing-to-do', partitions: [], staysStale: { assets: [], partitions: [] } });
    const { backfills } = await json<{ backfills: BackfillJson[] }>(['backfills']);
    expect(backfills.map((backfill) => [backfill.id, backfill.status, backfill.done, backfill.total, backfill.counts.materialized])).toEqual([[first.id, 'completed', 14, 14, 14]]);
  });

  it('runs several partitions at once with --max-concurrent, and reports them in key order', async () => {
    const backfill = await json<BackfillJson>(['backfill', SELECTION, '--max-concurrent', '3'], 0, { PARTITIONED_DELAY_MS: '50' });
    expect(backfill.status).toBe('completed');
    expect(backfill.counts.materialized).toBe(14);
    expect(backfill.partitions.map((partition) => partition.partition)).toEqual(DAYS);
    expect(await runsPerPartition(backfill.id!)).toEqual(Object.fromEntries(DAYS.map((day) => [day, 1])));
  });

  it('backfills only the day whose source changed with --stale, and nothing with --missing', async () => {
    await json<BackfillJson>(['backfill', SELECTION]);
    await instance.writeDay('2026-01-03', JSON.stringify([{ id: 1, amount: 99 }]));
    expect(await json<BackfillJson>(['backfill', SELECTION, '--missing'])).toMatchObject({ id: null, status: 'nothing-to-do' });
    const stale = await json<BackfillJson>(['backfill', SELECTION, '--stale']);
    expect(stale.total).toBe(2);
    expect(stale.partitions.map((partition) => [partition.partition, partition.assets.map((asset) => `${asset.key} ${asset.action}`)])).toEqual([
      ['2026-01-03', ['sales_daily materialized', 'totals_daily materialized']],
    ]);
  });

  it('fails the targets of a failing day only, and resume runs that day alone once it is fixed', async () => {
    await instance.writeDay('2026-01-05', '{ not json');
    const failed = await instance.cli(['backfill', SELECTION, '--from', '2026-01-01', '--to', '2026-01-07']);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/Backfill \w+ failed: 12 materialized, 1 failed, 1 skipped\./);
    const status = await json<StatusJson>(['backfill', 'status', 'latest']);
    expect(status.status).toBe('failed');
    expect(status.targets.filter((target) => target.status !== 'materialized')).toEqual([
      expect.objectContaining({ assetKey: 'sales_daily', partition: '2026-01-05', status: 'failed' }),
      expect.objectContaining({ assetKey: 'totals_daily', partition: '2026-01-05', status: 'skipped' }),
    ]);

    await instance.writeDay('2026-01-05', JSON.stringify([{ id: 5, amount: 50 }]));
    const resumed = await json<BackfillJson>(['backfill', 'resume', status.id!]);
    expect(resumed.status).toBe('completed');
    expect(resumed.counts.materialized).toBe(14);
    expect(resumed.partitions.map((partition) => partition.partition)).toEqual(['2026-01-05']);
    expect(await runsPerPartition(status.id!)).toEqual(Object.fromEntries(DAYS.map((day) => [day, day === '2026-01-05' ? 2 : 1])));
  });

  it('says what is left cannot start when the failed day left the definitions, instead of asking for a resume that fails again', async () => {
    await instance.writeDay('2026-01-02', '{ not json');
    const failed = await instance.cli(['backfill', 'sales_daily', '--from', '2026-01-01', '--to', '2026-01-03']);
    expect(failed.code, failed.stderr).toBe(1);
    const id = /^Backfill (\w+) failed/m.exec(failed.stdout)![1]!;
    expect(failed.stdout).toContain(`Run what is left: assets backfill resume ${id}\n`);

    const resumed = await instance.cli(['backfill', 'resume', id], { PARTITIONED_START: '2026-01-03' });
    expect(resumed.code).toBe(1);
    expect(resumed.stdout).toContain('Partition 2026-01-02: could not run: No selected asset has a partition "2026-01-02"');
    expect(resumed.stdout).toContain(`What is left could not start with the definitions as they are (see above): change them and run \`assets backfill resume ${id}\`, or start another backfill.\n`);
    expect(resumed.stdout).not.toContain('Run what is left');
  });

  it('resumes a backfill whose process was killed with SIGKILL without running the finished partitions again', async () => {
    const running = instance.start(['backfill', SELECTION], { PARTITIONED_DELAY_MS: '300' });
    await waitForStdout(running.child, 'Partition 2026-01-02:');
    running.child.kill('SIGKILL');
    expect((await running.done).signal).toBe('SIGKILL');

    // This command also finds the killed run's process gone, and fails that run.
    const interrupted = await json<StatusJson>(['backfill', 'status', 'latest']);
    expect(interrupted.status).toBe('requested');
    const finished = [...new Set(interrupted.targets.filter((target) => target.status === 'materialized').map((target) => target.partition))];
    expect(finished).toEqual(expect.arrayContaining(['2026-01-01', '2026-01-02']));
    expect(finished.length).toBeLessThan(DAYS.length);

    const resumed = await json<BackfillJson>(['backfill', 'resume', interrupted.id!]);
    expect(resumed.status).toBe('completed');
    expect(resumed.counts.materialized + resumed.counts['up-to-date']).toBe(14);
    expect(resumed.partitions.map((partition) => partition.partition)).toEqual(DAYS.filter((day) => !finished.includes(day)));
    const runs = await runsPerPartition(interrupted.id!);
    for (const day of finished) expect(runs[day], day).toBe(1);
    expect(Object.keys(runs).sort()).toEqual(DAYS);
  }, SLOW_TEST_MS);

  it('stops on Ctrl-C with exit 130: the backfill ends canceled, its pending targets stay pending', async () => {
    const running = instance.start(['backfill', SELECTION], { PARTITIONED_DELAY_MS: '800' });
    await waitForStdout(running.child, 'Partition 2026-01-01:');
    running.child.kill('SIGINT');
    expect((await running.done).code).toBe(130);
    const stopped = await json<StatusJson>(['backfill', 'status', 'latest']);
    expect(stopped.status).toBe('canceled');
    expect(stopped.counts.materialized).toBeGreaterThanOrEqual(2);
    expect(stopped.counts.pending).toBeGreaterThan(0);
    expect(stopped.counts.running).toBe(0);
  }, SLOW_TEST_MS);

  it('cancels a running backfill from another process: it starts no other partition, and resume runs the rest', async () => {
    const running = instance.start(['backfill', SELECTION], { PARTITIONED_DELAY_MS: '800' });
    const printed = await waitForStdout(running.child, 'Partition 2026-01-01:');
    const id = /^Backfill (\w+):/.exec(printed)![1]!;
    const cancel = await instance.cli(['backfill', 'cancel', id!]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`Canceled backfill ${id}`);
    expect((await running.done).code).toBe(130);

    const canceled = await json<StatusJson>(['backfill', 'status', id!]);
    expect(canceled.status).toBe('canceled');
    expect(canceled.counts.pending).toBeGreaterThan(0);
    expect(canceled.counts.running).toBe(0);
    expect((await instance.cli(['backfill', 'cancel', id!])).code).toBe(2);

    const resumed = await json<BackfillJson>(['backfill', 'resume', id!]);
    expect(resumed.status).toBe('completed');
    expect(resumed.counts.materialized + resumed.counts['up-to-date']).toBe(14);
  }, SLOW_TEST_MS);

  it('runs ranges of partitions as one run each under multi-run:N and single-run, every day recorded on its own', async () => {
    const multi = await json<BackfillJson>(['backfill', 'sales_daily', '--policy', 'multi-run:4']);
    expect(multi.status).toBe('completed');
    expect(multi.partitions.map((run) => `${run.partition}:${run.status}`)).toEqual(['2026-01-01...2026-01-04:success', '2026-01-05...2026-01-07:success']);
    expect(multi.counts.materialized).toBe(7);
    const runs = await json<RunsJson>(['runs', '--tag', `strata/backfill=${multi.id}`]);
    expect(runs.runs.map((run) => run.tags['strata/partition']).sort()).toEqual(['2026-01-01...2026-01-04', '2026-01-05...2026-01-07']);
    const partitions = await json<{ partitions: { partition: string; status: string }[] }>(['partitions', 'sales_daily']);
    expect(partitions.partitions.map((one) => `${one.partition}:${one.status}`)).toEqual(DAYS.map((day) => `${day}:fresh`));

    // One day changes: single-run runs only the stretch still to do, here that day alone.
    await instance.writeDay('2026-01-03', JSON.stringify([{ id: 3, amount: 1 }]));
    const single = await json<BackfillJson>(['backfill', 'sales_daily', '--policy', 'single-run']);
    expect(single.partitions.map((run) => run.partition)).toEqual(['2026-01-03']);
    const all = await json<BackfillJson>(['backfill', 'sales_daily', '--policy', 'single-run', '--all']);
    expect(all.partitions.map((run) => `${run.partition}:${run.status}`)).toEqual(['2026-01-01...2026-01-07:success']);
    expect(all.counts.materialized).toBe(7);
  }, SLOW_TEST_MS);

  it('refuses a policy of several partitions per run for assets that compute one at a time, by name', async () => {
    for (const policy of ['single-run', 'multi-run:4']) {
      const result = await instance.cli(['backfill', SELECTION, '--policy', policy]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--policy ${policy} runs several partitions in one run, but totals_daily computes one partition per run: it declares no partitionColumn.`);
    }
    expect((await json<{ backfills: unknown[] }>(['backfills'])).backfills).toEqual([]);
  });

  it('rejects conflicting modes and flags that do not apply, by name', async () => {
    const modes = await instance.cli(['backfill', SELECTION, '--missing', '--all']);
    expect(modes.code).toBe(2);
    expect(modes.stderr).toContain('--missing cannot be combined with --all');
    const status = await instance.cli(['backfill', 'status', 'latest', '--from', '2026-01-01']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('--from does not apply to `assets backfill status`');
    const unknown = await instance.cli(['backfill', 'status', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No backfill has the id "nope"');
  });
});
