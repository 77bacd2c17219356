import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanResponse } from '../../src/ui/api-types.js';
import { startUi } from '../ui/start-ui.js';
import { FIXTURES, runCli } from './run-cli.js';

const DEFINITIONS = path.join(FIXTURES, 'fed-partitions-definitions.mjs');
const ROLLED_UP = path.join(FIXTURES, 'rolled-up-partitions-definitions.mjs');
const PARTLY_FED = path.join(FIXTURES, 'partly-fed-partitions-definitions.mjs');
const LEAD_WINDOW = path.join(FIXTURES, 'lead-window-partitions-definitions.mjs');
const CHECKED_FEEDER = path.join(FIXTURES, 'checked-feeder-partitions-definitions.mjs');
const TWO_CHECKED_FEEDERS = path.join(FIXTURES, 'two-checked-feeders-definitions.mjs');

interface PartitionsJson {
  readonly counts: { total: number; fresh: number; stale: number; missing: number };
  readonly partitions: readonly { partition: string; status: string; reasons: string[] }[];
}

/** An unpartitioned asset that feeds a partitioned one runs in the partitions' runs, so they never read it missing or stale. */
describe('unpartitioned assets that feed partitions', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-fed-'));
    await writeFile(path.join(dir, 'rate.json'), '{"rate":2}');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  /** The CLI on `definitions`, all of them variants of the same assets sharing one folder and instance. */
  const cliOn =
    (definitions: string) =>
    (...args: string[]) =>
      runCli([...args, '--definitions', definitions], { cwd: dir, env: { FED_DIR: dir, STRATA_OUTPUT_DIR: path.join(dir, 'out'), STRATA_HOME: path.join(dir, '.strata') } });
  const cli = cliOn(DEFINITIONS);
  const day = async (partition: string) => readFile(path.join(dir, 'out', 'converted_daily', `${partition}.csv`), 'utf8');
  /** The same assets, with a blocking check on the feeder: `rate` must be positive. */
  const checked = cliOn(CHECKED_FEEDER);

  it('materializes the feeder in the first partition run on a new instance, then every partition from it', async () => {
    const first = await cli('materialize');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Partition 2026-01-01: success, 2 materialized (rate, converted_daily)');
    expect(first.stdout).toContain('Partition 2026-01-02: success, 1 materialized (converted_daily)');
    expect(await day('2026-01-03')).toBe('day,amount\n2026-01-03,20\n');
    expect((await cli('materialize')).stdout).toBe('Everything is up to date.\n');
  });

  it('says which check skips the partitions when the feeder fails it, and never that everything is up to date', async () => {
    expect((await checked('materialize')).code).toBe(0);
    await writeFile(path.join(dir, 'rate.json'), '{"rate":-1}');
    const failingCheck = [
      'Nothing to run, but 1 check has not passed on what is stored, and a run does not check it again while that is unchanged:',
      "  rate.positive: failed on rate's stored output (assets checks rate shows why)",
      'Fix the data (a changed source or upstream runs again) or the check (a new version of it checks again).',
      '',
    ].join('\n');
    for (const attempt of ['the run that fails the check', 'a run after it']) {
      const run = await checked('materialize');
      expect(run.code, attempt).toBe(1);
      for (const partition of ['2026-01-01', '2026-01-02', '2026-01-03']) {
        expect(run.stdout, attempt).toMatch(new RegExp(`Partition ${partition}: failed, .*1 skipped \\(converted_daily\\).*\\n  converted_daily: skipped, check rate\\.positive failed\\n`));
      }
      expect(run.stdout.endsWith(`Unpartitioned assets:\n${failingCheck}`), `${attempt}:\n${run.stdout}`).toBe(true);
    }
    // The feeder alone: the same, in place of "Everything is up to date", in a run and a dry run.
    for (const args of [['materialize', '--select', 'rate'], ['materialize', '--select', 'rate', '--dry-run']]) {
      const alone = await checked(...args);
      expect({ code: alone.code, stdout: alone.stdout }, args.join(' ')).toEqual({ code: 0, stdout: failingCheck });
    }
    // Fixed data runs again, passes, and the partitions follow.
    await writeFile(path.join(dir, 'rate.json'), '{"rate":4}');
    expect((await checked('materialize')).code).toBe(0);
    expect(await day('2026-01-02')).toBe('day,amount\n2026-01-02,40\n');
    expect((await checked('materialize')).stdout).toBe('Everything is up to date.\n');
  });

  it('status and why say a failing blocking check of the feeder blocks the partitioned asset, as its partitions\' runs skip it', async () => {
    expect((await checked('materialize')).code).toBe(0);
    await writeFile(path.join(dir, 'rate.json'), '{"rate":-1}');
    expect((await checked('materialize')).stdout).toContain('converted_daily: skipped, check rate.positive failed');
    const status = JSON.parse((await checked('status', '--json')).stdout) as { assets: { key: string; checks: { blockedBy: string[] } }[] };
    expect(status.assets.find((state) => state.key === 'converted_daily')!.checks.blockedBy).toEqual(['rate.positive']);
    expect((await checked('status')).stdout).toMatch(/converted_daily +stale \(0\/3 fresh, 3 stale\) +blocked by rate\.positive/);
    expect((await checked('why', 'converted_daily')).stdout).toContain('Blocked: upstream check rate.positive failed, so runs skip converted_daily until it passes');
  });

  it('partitions and why --partition say the feeder\'s failing blocking check blocks every partition, until a run checks it again', async () => {
    expect((await checked('materialize')).code).toBe(0);
    await writeFile(path.join(dir, 'rate.json'), '{"rate":-1}');
    expect((await checked('materialize')).code).toBe(1);
    const blocked = 'Blocked: upstream check rate.positive failed, so runs skip converted_daily until it passes (or converted_daily lists it in ignoreFailedChecks).\n';
    const partitions = await checked('partitions', 'converted_daily');
    expect(partitions.stdout.endsWith(`converted_daily: 0/3 fresh, 3 stale.\n${blocked}`), partitions.stdout).toBe(true);
    expect((JSON.parse((await checked('partitions', 'converted_daily', '--json')).stdout) as { blockedBy: string[] }).blockedBy).toEqual(['rate.positive']);
    const day = await checked('why', 'converted_daily', '--partition', '2026-01-02');
    expect(day.stdout).toMatch(/^converted_daily \[2026-01-02\] is stale:\n/);
    expect(day.stdout.endsWith(blocked), day.stdout).toBe(true);
    expect(JSON.parse((await checked('why', 'converted_daily', '--partition', '2026-01-02', '--json')).stdout)).toMatchObject({ checks: { blockedBy: ['rate.positive'] }, checkSentences: [blocked.trimEnd()] });
    // Fixed data: rate runs again in the first partition's run, and its check with it.
    await writeFile(path.join(dir, 'rate.json'), '{"rate":4}');
    expect((await checked('materialize')).code).toBe(0);
    expect((await checked('partitions', 'converted_daily')).stdout).not.toContain('Blocked');
    expect((JSON.parse((await checked('why', 'converted_daily', '--partition', '2026-01-02', '--json')).stdout) as { checks: { blockedBy: string[] } }).checks.blockedBy).toEqual([]);
  }, 60_000);

  it('has a dry run, and the UI\'s plan, say the partitions\' runs would skip converted_daily for the feeder\'s failing check, as they do', async () => {
    expect((await checked('materialize')).code).toBe(0);
    await writeFile(path.join(dir, 'rate.json'), '{"rate":-1}');
    // rate is stale: the first partition's run materializes it and checks it again, so nothing is judged skipped yet.
    expect((JSON.parse((await checked('materialize', '--dry-run', '--json')).stdout) as { skippedInPartitions: unknown[] }).skippedInPartitions).toEqual([]);
    expect((await checked('materialize')).code).toBe(1);

    // Now rate is fresh and its check failed on it: each partition's run would skip converted_daily, as the run above did.
    const dryRun = await checked('materialize', '--dry-run');
    expect({ code: dryRun.code, stdout: dryRun.stdout }).toEqual({
      code: 0,
      stdout: [
        '3 partitions would run first, one run each: 2026-01-01, 2026-01-02, 2026-01-03.',
        'Their runs would skip 1 planned asset, blocked by failing upstream checks:',
        '  converted_daily [2026-01-01, 2026-01-02, 2026-01-03]: check rate.positive failed (`assets checks rate` shows why)',
        'So the runs of 3 partitions would materialize nothing: 2026-01-01, 2026-01-02, 2026-01-03.',
        // As the run ends: of the unpartitioned assets, what has not passed rather than "up to date".
        'Unpartitioned assets:',
        'Nothing to run, but 1 check has not passed on what is stored, and a run does not check it again while that is unchanged:',
        "  rate.positive: failed on rate's stored output (assets checks rate shows why)",
        'Fix the data (a changed source or upstream runs again) or the check (a new version of it checks again).',
        '',
      ].join('\n'),
    });
    const skippedInPartitions = [{ key: 'converted_daily', partitions: ['2026-01-01', '2026-01-02', '2026-01-03'], blockedBy: ['rate.positive'] }];
    expect(JSON.parse((await checked('materialize', '--dry-run', '--json')).stdout)).toMatchObject({ partitions: ['2026-01-01', '2026-01-02', '2026-01-03'], skippedInPartitions, partitionsOnlySkipping: ['2026-01-01', '2026-01-02', '2026-01-03'], plan: [] });
    // The partitioned asset alone: its runs read rate as stored, so they skip it too.
    expect(JSON.parse((await checked('materialize', '--select', 'converted_daily', '--dry-run', '--json')).stdout)).toMatchObject({ skippedInPartitions });
    const alone = await checked('materialize', '--select', 'converted_daily', '--dry-run');
    expect(alone.stdout).toContain('Their runs would skip 1 planned asset, blocked by failing upstream checks:\n  converted_daily [2026-01-01, 2026-01-02, 2026-01-03]: check rate.positive failed');

    const ui = await startUi({ cwd: dir, env: { FED_DIR: dir, STRATA_OUTPUT_DIR: path.join(dir, 'out'), STRATA_HOME: path.join(dir, '.strata') }, args: ['--definitions', CHECKED_FEEDER] });
    try {
      const response = await ui.post('/api/plan');
      expect(response.status).toBe(200);
      expect(((await response.json()) as PlanResponse).skippedInPartitions).toEqual(skippedInPartitions);
    } finally {
      await ui.stop();
    }
  }, 60_000);

  it('shows every partition stale once the feeder is, and one materialize brings them all back', async () => {
    expect((await cli('materialize')).code).toBe(0);
    await writeFile(path.join(dir, 'rate.json'), '{"rate":3}');
    const stale = JSON.parse((await cli('partitions', 'converted_daily', '--json')).stdout) as PartitionsJson;
    expect(stale.counts).toEqual({ total: 3, fresh: 0, stale: 3, missing: 0 });
    expect(stale.partitions.map((partition) => partition.reasons)).toEqual([['upstream-planned'], ['upstream-planned'], ['upstream-planned']]);
    // The partitions alone have nothing to run: a dry run says why they stay stale, as the run does.
    const staysStale = [
      'Nothing to run, but 1 selected asset stays stale: a run uses what unselected upstreams stored.',
      '  converted_daily: its upstream rate is not up to date, and not selected',
      'Select the upstreams too to bring it up to date, e.g. --select +converted_daily.',
      '',
    ].join('\n');
    expect((await cli('materialize', '--select', 'converted_daily', '--dry-run')).stdout).toBe(staysStale);
    expect((await cli('materialize', '--select', 'converted_daily')).stdout).toBe(staysStale);
    const staysStaleJson = { assets: [{ key: 'converted_daily', upstreams: ['rate'], upstreamPartitions: {} }], partitions: [] };
    expect(JSON.parse((await cli('materialize', '--select', 'converted_daily', '--json')).stdout)).toEqual({ partitions: [], staysStale: staysStaleJson });
    expect(JSON.parse((await cli('materialize', '--select', 'converted_daily', '--dry-run', '--json')).stdout)).toEqual({ partitions: [], skippedInPartitions: [], partitionsOnlySkipping: [], staysStale: staysStaleJson });
    const run = await cli('materialize');
    expect(run.code, run.stderr).toBe(0);
    expect(await day('2026-01-01')).toBe('day,amount\n2026-01-01,30\n');
    expect(await day('2026-01-03')).toBe('day,amount\n2026-01-03,30\n');
    const fresh = JSON.parse((await cli('partitions', 'converted_daily', '--json')).stdout) as PartitionsJson;
    expect(fresh.counts).toEqual({ total: 3, fresh: 3, stale: 0, missing: 0 });
  });

  it('counts only the partitions a changed feeder feeds as to run', async () => {
    await writeFile(path.join(dir, 'price.json'), '{"price":2}');
    const partlyFed = (...args: string[]) =>
      runCli([...args, '--definitions', PARTLY_FED], { cwd: dir, env: { PARTLY_FED_DIR: dir, STRATA_OUTPUT_DIR: path.join(dir, 'out'), STRATA_HOME: path.join(dir, '.strata') } });
    expect((await partlyFed('materialize')).code).toBe(0);
    await writeFile(path.join(dir, 'price.json'), '{"price":3}');
    const dryRun = await partlyFed('materialize', '--dry-run', '--json');
    expect(dryRun.code, dryRun.stderr).toBe(0);
    // The tenants' runs do not read price: they have nothing to do.
    expect((JSON.parse(dryRun.stdout) as { partitions: string[] }).partitions).toEqual(['eu', 'us']);
    const run = await partlyFed('materialize');
    expect(run.stdout.match(/^Partition \S+ \S+/gm)).toEqual(['Partition eu: success,', 'Partition us: success,']);
  });

  it('runs the feeder in an explicit --partition run too, and leaves it out of a backfill\'s targets', async () => {
    const one = await cli('materialize', '--partition', '2026-01-02');
    expect(one.code, one.stderr).toBe(0);
    expect(await day('2026-01-02')).toBe('day,amount\n2026-01-02,20\n');
    const backfill = JSON.parse((await cli('backfill', '*', '--from', '2026-01-01', '--to', '2026-01-03', '--json')).stdout) as { total: number; counts: Record<string, number>; partitions: { partition: string }[] };
    // Two days were missing; rate was not a target, and is still materialized once.
    expect(backfill.total).toBe(2);
    expect(backfill.counts.materialized).toBe(2);
    expect(backfill.partitions.map((entry) => entry.partition)).toEqual(['2026-01-01', '2026-01-03']);
  });

  it('backfills +converted_daily on a changed feeder: the feeder runs first, then every partition reads what it made', async () => {
    expect((await cli('materialize')).code).toBe(0);
    await writeFile(path.join(dir, 'rate.json'), '{"rate":3}');
    interface BackfillJson {
      status: string;
      counts: Record<string, number>;
      feeders?: { status: string; assets: { key: string; action: string }[] };
    }
    // Without the feeder there is nothing to run, and the backfill says why the partitions stay stale.
    const alone = await cli('backfill', 'converted_daily');
    expect(alone.stdout).toContain('Nothing to run, but 1 selected asset stays stale: a run uses what unselected upstreams stored.\n  converted_daily: its upstream rate is not up to date, and not selected\n');
    expect(alone.stdout).toContain('e.g. assets backfill +converted_daily.');
    // --json says it too, as materialize --json does: staysStale.
    const staysStale = { assets: [{ key: 'converted_daily', upstreams: ['rate'], upstreamPartitions: {} }], partitions: [] };
    expect(JSON.parse((await cli('backfill', 'converted_daily', '--json')).stdout)).toEqual({ id: null, status: 'nothing-to-do', partitions: [], staysStale });
    // Every partition again, on what rate stored: they stay stale, which the backfill says after its summary.
    const forced = await cli('backfill', 'converted_daily', '--all', '--json');
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ status: 'completed', counts: { materialized: 3 }, staysStale });
    const forcedText = await cli('backfill', 'converted_daily', '--all');
    expect(forcedText.stdout).toContain('completed: 3 materialized.\n\n1 selected asset stays stale: a run uses what unselected upstreams stored.\n  converted_daily: its upstream rate is not up to date, and not selected\n');
    expect(forcedText.stdout.endsWith('e.g. assets backfill +converted_daily.\n'), forcedText.stdout).toBe(true);
    const backfill = await cli('backfill', '+converted_daily', '--json');
    expect(backfill.code, backfill.stderr).toBe(0);
    const result = JSON.parse(backfill.stdout) as BackfillJson;
    expect(result.feeders).toMatchObject({ status: 'success', assets: [{ key: 'rate', action: 'materialized' }] });
    expect(result).toMatchObject({ status: 'completed', counts: { materialized: 3 }, staysStale: { assets: [], partitions: [] } });
    for (const partition of ['2026-01-01', '2026-01-02', '2026-01-03']) expect(await day(partition)).toBe(`day,amount\n${partition},30\n`);
    const status = JSON.parse((await cli('status', '--json')).stdout) as { assets: { key: string; status: string }[] };
    expect(status.assets.map((asset) => [asset.key, asset.status])).toEqual([['rate', 'fresh'], ['converted_daily', 'fresh']]);

    const again = await cli('backfill', '+converted_daily');
    expect(again.stdout).toBe('Unpartitioned upstreams: up to date.\nEvery target is up to date: nothing to backfill (--all backfills them anyway).\n');

    // A feeder that fails stores no backfill, and every partition keeps what it had.
    const backfills = async () => (JSON.parse((await cli('backfills', '--json')).stdout) as { backfills: unknown[] }).backfills.length;
    const stored = await backfills();
    await writeFile(path.join(dir, 'rate.json'), '{"rate":');
    const failed = await cli('backfill', '+converted_daily');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^Unpartitioned upstreams: failed, 0 materialized, 0 up to date, 1 failed \(rate\)/);
    expect(failed.stdout).toContain('No backfill was stored: its partitions would read what those upstreams stored before.');
    expect(await backfills()).toBe(stored);
    expect(await day('2026-01-02')).toBe('day,amount\n2026-01-02,30\n');
  }, 60_000);

  it('refuses a backfill policy its partitions cannot run before the feeder runs', async () => {
    const refused = await cli('backfill', '+converted_daily', '--policy', 'single-run');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('converted_daily computes one partition per run');
    expect((JSON.parse((await cli('runs', '--json')).stdout) as { runs: unknown[] }).runs).toEqual([]);
  });

  it('refuses a backfill of partitions whose unselected feeder was never stored, as materialize does, and stores no backfill', async () => {
    const refused = await cli('backfill', 'converted_daily');
    expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 2, stdout: '' });
    expect(refused.stderr).toContain('Selected assets need upstream assets that are not selected and have no stored output: converted_daily needs rate.');
    expect(refused.stderr).toContain("hint: Backfill them too, e.g. `assets backfill '+converted_daily'`, or materialize rate first.");
    expect((JSON.parse((await cli('backfills', '--json')).stdout) as { backfills: unknown[] }).backfills).toEqual([]);
    expect((JSON.parse((await cli('runs', '--json')).stdout) as { runs: unknown[] }).runs).toEqual([]);
    // Selected with its feeder, the same backfill runs.
    const fed = await cli('backfill', '+converted_daily');
    expect(fed.code, fed.stderr).toBe(0);
    expect(await day('2026-01-03')).toBe('day,amount\n2026-01-03,20\n');
  });

  it('backfills a feeder selected without its own stored upstream, reading what that upstream stored rather than refusing it as never stored', async () => {
    // raw_rate -> rate -> converted_daily: rate's upstream is stored, and not selected.
    const rawFed = cliOn(path.join(FIXTURES, 'raw-fed-partitions-definitions.mjs'));
    expect((await rawFed('materialize')).code).toBe(0);
    await writeFile(path.join(dir, 'rate.json'), '{"rate":3}');
    expect((await rawFed('materialize', '--select', 'raw_rate')).code).toBe(0);
    const backfill = await rawFed('backfill', 'rate, converted_daily', '--json');
    expect(backfill.code, backfill.stderr).toBe(0);
    expect(JSON.parse(backfill.stdout)).toMatchObject({ status: 'completed', counts: { materialized: 3 }, feeders: { status: 'success', assets: [{ key: 'rate', action: 'materialized' }] } });
    expect(await day('2026-01-02')).toBe('day,amount\n2026-01-02,30\n');
  });

  it('refuses a backfill whose targets the feeder\'s failing blocking check would skip, before anything runs, naming the check and how to get a new result of it', async () => {
    expect((await checked('materialize')).code).toBe(0);
    await writeFile(path.join(dir, 'rate.json'), '{"rate":-1}');
    expect((await checked('materialize')).code).toBe(1);
    const runs = async () => (JSON.parse((await checked('runs', '--json')).stdout) as { runs: unknown[] }).runs.length;
    const runsBefore = await runs();
    const error =
      "error: The backfill's runs would skip its targets for failing blocking checks of upstreams they do not run again: converted_daily (3 partitions: 2026-01-01, 2026-01-02, 2026-01-03) by rate.positive. No backfill was stored.\n";
    const hint =
      'hint: `assets checks rate` shows why it failed. Fix the data and materialize rate (a run checks what it makes), or fix the check and run it again on what is stored (`assets check rate`); then backfill. ' +
      'Or leave converted_daily out of the selection, or list the check in its ignoreFailedChecks.\n';
    // rate is fresh: the feeders' run of +converted_daily has nothing to do, and checks nothing again.
    for (const args of [['converted_daily'], ['+converted_daily'], ['+converted_daily', '--json'], ['converted_daily', '--from', '2026-01-02', '--to', '2026-01-02']]) {
      const refused = await checked('backfill', ...args);
      expect({ code: refused.code, stdout: refused.stdout }, args.join(' ')).toEqual({ code: 2, stdout: '' });
      expect(refused.stderr, args.join(' ')).toContain(args.includes('--from') ? error.replace('3 partitions: 2026-01-01, 2026-01-02, 2026-01-03', 'partition 2026-01-02') : error);
      expect(refused.stderr, args.join(' ')).toContain(hint);
    }
    expect((JSON.parse((await checked('backfills', '--json')).stdout) as { backfills: unknown[] }).backfills).toEqual([]);
    expect(await runs()).toBe(runsBefore);

    // Fixed data: rate is stale, so the feeders' run materializes it and checks it again, and the backfill runs.
    await writeFile(path.join(dir, 'rate.json'), '{"rate":4}');
    const fed = await checked('backfill', '+converted_daily', '--json');
    expect(fed.code, fed.stderr).toBe(0);
    expect(JSON.parse(fed.stdout)).toMatchObject({ status: 'completed', counts: { materialized: 3 }, feeders: { status: 'success', assets: [{ key: 'rate', action: 'materialized' }] } });
    expect(await day('2026-01-02')).toBe('day,amount\n2026-01-02,40\n');
  }, 60_000);

  it('refuses a backfill whose feeders\' run would skip the feeder for a failing blocking check of the feeder\'s own upstream, and stores no backfill', async () => {
    // raw_rate (checked) -> rate (the feeder) -> converted_daily.
    const rawChecked = cliOn(path.join(FIXTURES, 'checked-raw-feeder-partitions-definitions.mjs'));
    expect((await rawChecked('materialize')).code).toBe(0);
    await writeFile(path.join(dir, 'rate.json'), '{"rate":-1}');
    // raw_rate stores -1 and fails its check: rate, which reads it, is stale and would be skipped.
    expect((await rawChecked('materialize', '--select', 'raw_rate')).code).toBe(1);
    const runs = async () => (JSON.parse((await rawChecked('runs', '--json')).stdout) as { runs: unknown[] }).runs.length;
    const runsBefore = await runs();

    for (const selection of ['+converted_daily', 'rate, converted_daily']) {
      const refused = await rawChecked('backfill', selection);
      expect({ code: refused.code, stdout: refused.stdout }, selection).toEqual({ code: 2, stdout: '' });
      expect(refused.stderr, selection).toContain(
        "error: The backfill's runs would skip its targets for failing blocking checks of upstreams they do not run again: rate by raw_rate.positive; " +
          'converted_daily (3 partitions: 2026-01-01, 2026-01-02, 2026-01-03) after skipping rate. No backfill was stored.\n',
      );
      expect(refused.stderr, selection).toContain('hint: `assets checks raw_rate` shows why it failed. Fix the data and materialize raw_rate');
    }
    expect((JSON.parse((await rawChecked('backfills', '--json')).stdout) as { backfills: unknown[] }).backfills).toEqual([]);
    expect(await runs()).toBe(runsBefore);
    // The day still holds what the first materialize made.
    expect(await day('2026-01-02')).toBe('day,amount\n2026-01-02,20\n');
  }, 60_000);
});

/** One rule says which checks skip an asset: the dry run names them as the runs do, in the order of its deps, not of the checks' keys. */
describe('two feeders whose blocking checks both fail', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-two-fed-'));
    await Promise.all([writeFile(path.join(dir, 'rate.json'), '{"value":1}'), writeFile(path.join(dir, 'fee.json'), '{"value":1}')]);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const env = () => ({ FED_DIR: dir, STRATA_OUTPUT_DIR: path.join(dir, 'out'), STRATA_HOME: path.join(dir, '.strata') });
  const cli = (...args: string[]) => runCli([...args, '--definitions', TWO_CHECKED_FEEDERS], { cwd: dir, env: env() });

  it('has the dry run, its JSON and the UI\'s plan name the checks that skip each asset as the runs then do', async () => {
    expect((await cli('materialize')).code).toBe(0);
    await Promise.all([writeFile(path.join(dir, 'rate.json'), '{"value":-1}'), writeFile(path.join(dir, 'fee.json'), '{"value":-1}')]);
    // The first partition's run rebuilds both feeders, and their checks fail: now every run judges them by those results.
    expect((await cli('materialize')).code).toBe(1);

    const dryRun = await cli('materialize', '--dry-run');
    expect(dryRun.stdout).toContain('  charged_daily [2026-01-01, 2026-01-02, 2026-01-03]: checks rate.positive, fee.positive failed (`assets checks rate` shows why)\n');
    expect(dryRun.stdout).toContain('charged_total  stale   upstream-changed, upstream-changed, blocked by rate.positive, blocked by fee.positive\n');
    expect(dryRun.stdout).toContain('  charged_total: checks rate.positive, fee.positive failed (`assets checks rate` shows why)\n');
    const skippedInPartitions = [{ key: 'charged_daily', partitions: ['2026-01-01', '2026-01-02', '2026-01-03'], blockedBy: ['rate.positive', 'fee.positive'] }];
    // Every partition's run plans charged_daily alone, and would skip it: it would materialize nothing.
    const partitionsOnlySkipping = ['2026-01-01', '2026-01-02', '2026-01-03'];
    expect(dryRun.stdout).toContain('So the runs of 3 partitions would materialize nothing: 2026-01-01, 2026-01-02, 2026-01-03.\n');
    const plan = [{ key: 'charged_total', skipped: true, blockedBy: ['rate.positive', 'fee.positive'] }];
    expect(JSON.parse((await cli('materialize', '--dry-run', '--json')).stdout)).toMatchObject({ skippedInPartitions, partitionsOnlySkipping, plan });
    const ui = await startUi({ cwd: dir, env: env(), args: ['--definitions', TWO_CHECKED_FEEDERS] });
    try {
      const response = await ui.post('/api/plan');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ skippedInPartitions, partitionsOnlySkipping, plan });
    } finally {
      await ui.stop();
    }

    // The runs skip them for those checks, named in that order.
    const run = await cli('materialize');
    expect(run.code).toBe(1);
    expect(run.stdout.match(/ {2}charged_daily: skipped, .*\n/g)).toEqual(Array(3).fill('  charged_daily: skipped, checks rate.positive, fee.positive failed\n'));
    expect(run.stdout).toContain('\ncharged_total: skipped, checks rate.positive, fee.positive failed\n');
  }, 60_000);
});

/**
 * An unpartitioned roll-up of every partition that feeds another partitioned
 * asset: a run of one day rebuilds the roll-up, which every other day reads.
 */
describe('an unpartitioned roll-up between partitioned assets', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-rolled-up-'));
    for (const [day, values] of [['2026-01-01', [1]], ['2026-01-02', [2]], ['2026-01-03', [3]]] as const) await writeFile(path.join(dir, `${day}.json`), JSON.stringify(values));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    runCli([...args, '--definitions', ROLLED_UP], { cwd: dir, env: { ROLLUP_DIR: dir, STRATA_OUTPUT_DIR: path.join(dir, 'out'), STRATA_HOME: path.join(dir, '.strata') } });
  const shares = async () => {
    const result = await cli('partitions', 'share_daily', '--json');
    expect(result.code, result.stderr).toBe(0);
    return Object.fromEntries((JSON.parse(result.stdout) as PartitionsJson).partitions.map((state) => [state.partition, [state.status, ...state.reasons].join(' ')]));
  };
  const share = (partition: string) => readFile(path.join(dir, 'out', 'share_daily', `${partition}.csv`), 'utf8');

  it('shows every day stale when one day changes, and one plain materialize leaves every day fresh on the new roll-up', async () => {
    expect((await cli('materialize', '--select', 'events_daily')).code).toBe(0);
    expect((await cli('materialize')).code).toBe(0);
    expect(await share('2026-01-01')).toBe('day,all_time\n1,6\n');

    await writeFile(path.join(dir, '2026-01-02.json'), '[5]');
    expect(await shares()).toEqual({ '2026-01-01': 'stale upstream-planned', '2026-01-02': 'stale upstream-planned', '2026-01-03': 'stale upstream-planned' });
    const run = await cli('materialize');
    expect(run.code, run.stderr).toBe(0);
    // The day before the edited one ran before the roll-up was rebuilt: a second pass brings it up to date.
    expect(run.stdout.match(/^(Partition [\d-]+|Running again.*)/gm)).toEqual([
      'Partition 2026-01-01',
      'Partition 2026-01-02',
      'Partition 2026-01-03',
      'Running again, now that the runs after them made or changed what they read: 1 partition (2026-01-01).',
      'Partition 2026-01-01',
    ]);
    expect([await share('2026-01-01'), await share('2026-01-02'), await share('2026-01-03')]).toEqual(['day,all_time\n1,9\n', 'day,all_time\n5,9\n', 'day,all_time\n3,9\n']);
    expect(await shares()).toEqual({ '2026-01-01': 'fresh', '2026-01-02': 'fresh', '2026-01-03': 'fresh' });
    expect((await cli('materialize')).stdout).toBe('Everything is up to date.\n');
  });

  it('calls the roll-up of a hand-edited day upstream-planned only: the day is rebuilt first, and what it stores now is no change the roll-up reads', async () => {
    expect((await cli('materialize', '--select', 'events_daily')).code).toBe(0);
    expect((await cli('materialize')).code).toBe(0);
    await writeFile(path.join(dir, 'out', 'events_daily', '2026-01-03.csv'), 'value\n300\n');
    const status = JSON.parse((await cli('status', '--json')).stdout) as { assets: { key: string; reasons: string[] }[] };
    expect(status.assets.find(({ key }) => key === 'all_time')!.reasons).toEqual(['upstream-planned']);
    expect((await cli('why', 'all_time')).stdout).not.toContain('changed since');
  });

  it('materializes a new project in one plain materialize: a day waits for the roll-up the last day\'s run makes, then runs again', async () => {
    const run = await cli('materialize');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.match(/^(Partition \S+ \S+ \d+ materialized \S+|Running again.*)/gm)).toEqual([
      'Partition 2026-01-01: success, 1 materialized (events_daily),',
      'Partition 2026-01-02: success, 1 materialized (events_daily),',
      'Partition 2026-01-03: success, 3 materialized (events_daily,',
      'Running again, now that the runs after them made or changed what they read: 2 partitions (2026-01-01, 2026-01-02).',
      'Partition 2026-01-01: success, 1 materialized (share_daily),',
      'Partition 2026-01-02: success, 1 materialized (share_daily),',
    ]);
    expect([await share('2026-01-01'), await share('2026-01-02'), await share('2026-01-03')]).toEqual(['day,all_time\n1,6\n', 'day,all_time\n2,6\n', 'day,all_time\n3,6\n']);
    expect(await shares()).toEqual({ '2026-01-01': 'fresh', '2026-01-02': 'fresh', '2026-01-03': 'fresh' });
    expect((await cli('materialize')).stdout).toBe('Everything is up to date.\n');
  });

  it('says after a backfill that the roll-up it leaves out is stale, with the materialize that brings it and its readers up to date', async () => {
    expect((await cli('materialize')).code).toBe(0);
    await writeFile(path.join(dir, '2026-01-02.json'), '[5]');
    const backfill = await cli('backfill', '*');
    expect(backfill.code, backfill.stderr).toBe(0);
    expect(backfill.stderr).toContain('Left out 1 selected asset without partitions: all_time');
    const advice = "all_time is not up to date after the backfill, which runs partitions only: `assets materialize --select 'all_time+'` brings it, and the partitions that read it, up to date.\n";
    expect(backfill.stdout.endsWith(advice), backfill.stdout).toBe(true);
    expect((await cli('materialize', '--select', 'all_time+')).code).toBe(0);
    expect(Object.values(await shares()).every((state) => state.startsWith('fresh'))).toBe(true);
    // Every day again, on the same data: the roll-up stays fresh, and nothing is said of it.
    const again = await cli('backfill', '*', '--all');
    expect(again.stdout).toContain('completed: 6 materialized');
    expect(again.stdout).not.toContain('not up to date after the backfill');
  });

  it('still refuses a run of one day whose roll-up reads days nothing in the command makes', async () => {
    const run = await cli('materialize', '--partition', '2026-01-01');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('all_time needs events_daily partitions 2026-01-02, 2026-01-03');
    expect(run.stderr).toContain('hint: Materialize those partitions first');
  });
});

/** A day that reads the next day: on a new project, each day's run reads a partition only a later run makes. */
describe('partitions that read a later partition', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-lead-'));
    for (const [day, values] of [['2026-01-01', [1]], ['2026-01-02', [10]], ['2026-01-03', [100]]] as const) await writeFile(path.join(dir, `${day}.json`), JSON.stringify(values));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    runCli([...args, '--definitions', LEAD_WINDOW], { cwd: dir, env: { LEAD_DIR: dir, STRATA_OUTPUT_DIR: path.join(dir, 'out'), STRATA_HOME: path.join(dir, '.strata') } });
  const twoDays = (partition: string) => readFile(path.join(dir, 'out', 'two_days_daily', `${partition}.csv`), 'utf8');
  /** Each day's sum of itself and the next, from the files the test began with: what the first run of every day makes. */
  const expectEveryDayFromTheFiles = async () =>
    expect([await twoDays('2026-01-01'), await twoDays('2026-01-02'), await twoDays('2026-01-03')]).toEqual([
      'days,total\n2026-01-01 2026-01-02,11\n',
      'days,total\n2026-01-02 2026-01-03,110\n',
      'days,total\n2026-01-03,100\n',
    ]);

  it('defers each day to a second pass on a new project, and one plain materialize leaves every day fresh', async () => {
    const run = await cli('materialize');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Running again, now that the runs after them made or changed what they read: 2 partitions (2026-01-01, 2026-01-02).\n');
    expect(run.stdout).toMatch(/^3 partitions in 5 runs: 5 succeeded\.$/m);
    await expectEveryDayFromTheFiles();
    const states = JSON.parse((await cli('partitions', 'two_days_daily', '--json')).stdout) as PartitionsJson;
    expect(states.counts).toEqual({ total: 3, fresh: 3, stale: 0, missing: 0 });

    // Editing day 2 concerns days 1 and 2 only: day 1 ran before day 2 was rebuilt, so it runs again.
    await writeFile(path.join(dir, '2026-01-02.json'), '[20]');
    const again = await cli('materialize');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.match(/^(Partition \S+|Running again.*)/gm)).toEqual([
      'Partition 2026-01-01:',
      'Partition 2026-01-02:',
      'Running again, now that the runs after them made or changed what they read: 1 partition (2026-01-01).',
      'Partition 2026-01-01:',
    ]);
    expect([await twoDays('2026-01-01'), await twoDays('2026-01-02')]).toEqual(['days,total\n2026-01-01 2026-01-02,21\n', 'days,total\n2026-01-02 2026-01-03,120\n']);
    expect((await cli('materialize')).stdout).toBe('Everything is up to date.\n');
  });

  it('backfills a new project in rounds, two partitions at once: a day\'s target waits for the next day\'s run, then runs', async () => {
    const run = await cli('backfill', '*', '--from', '2026-01-01', '--to', '2026-01-03', '--max-concurrent', '2', '--json');
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { status: string; counts: Record<string, number>; partitions: { partition: string; assets: { key: string; action: string }[] }[] };
    expect(json.status).toBe('completed');
    expect(json.counts).toMatchObject({ materialized: 6, pending: 0, failed: 0 });
    expect(json.partitions.map((entry) => `${entry.partition}: ${entry.assets.map((asset) => asset.key).join(', ')}`)).toEqual([
      '2026-01-01: readings_daily',
      '2026-01-02: readings_daily',
      '2026-01-03: readings_daily, two_days_daily',
      '2026-01-01: two_days_daily',
      '2026-01-02: two_days_daily',
    ]);
    await expectEveryDayFromTheFiles();
    // Once more on a new instance and outputs, as text.
    await rm(path.join(dir, '.strata'), { recursive: true });
    await rm(path.join(dir, 'out'), { recursive: true });
    const text = await cli('backfill', '*', '--from', '2026-01-01', '--to', '2026-01-03');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Running again, now that the runs after them made or changed what they read: 2 partitions (2026-01-01, 2026-01-02).\n');
  });

  it('runs a --partition-range of a new project the same way, and runs again only partitions of the range', async () => {
    const run = await cli('materialize', '--partition-range', '2026-01-01...2026-01-03');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Running again, now that the runs after them made or changed what they read: 2 partitions (2026-01-01, 2026-01-02).\n');
    expect(run.stdout).toMatch(/^3 partitions in 5 runs: 5 succeeded\.$/m);
    await expectEveryDayFromTheFiles();

    // Day 2 edited: day 1, which reads it, is stale too, but outside the range it stays so.
    await writeFile(path.join(dir, '2026-01-02.json'), '[20]');
    const ranged = await cli('materialize', '--partition-range', '2026-01-02...2026-01-03');
    expect(ranged.code, ranged.stderr).toBe(0);
    expect(ranged.stdout).not.toContain('Running again');
    expect(ranged.stdout).toMatch(/^2 partitions: 1 succeeded, 1 up to date\.$/m);
    expect(await twoDays('2026-01-02')).toBe('days,total\n2026-01-02 2026-01-03,120\n');
    const states = JSON.parse((await cli('partitions', 'two_days_daily', '--json')).stdout) as PartitionsJson;
    expect(states.partitions.map((partition) => `${partition.partition}:${partition.status}`)).toEqual(['2026-01-01:stale', '2026-01-02:fresh', '2026-01-03:fresh']);
  });
});
