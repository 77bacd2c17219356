import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './run-cli.js';

/*
 * What `assets materialize --from-failure latest` re-executes, through the
 * built CLI, one SQLite instance per test: on partitioned-definitions.mjs
 * (sales_daily reads one JSON file per day, totals_daily sums it, the
 * unpartitioned weekly_totals reads the last 3 days), where a plain
 * materialize runs each day, then weekly_totals, so a day that failed is
 * not the newest run; and on checked-definitions.mjs, where `assets check`
 * records runs that materialize nothing.
 */
const DEFINITIONS = path.join(FIXTURES, 'partitioned-definitions.mjs');
const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07'];

interface RunJson {
  readonly runId: string;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly parentRunId: string | null;
}

describe('assets materialize --from-failure latest', () => {
  let dir: string;
  let source: string;
  const cli = (args: readonly string[]) =>
    runCli([...args, '--definitions', DEFINITIONS], { cwd: dir, env: { STRATA_HOME: path.join(dir, '.strata'), STRATA_OUTPUT_DIR: path.join(dir, 'output'), PARTITIONED_SOURCE: source } });
  const writeDay = (day: string, text: string) => writeFile(path.join(source, `${day}.json`), text);
  const runs = async () => (JSON.parse((await cli(['runs', '--json'])).stdout) as { runs: RunJson[] }).runs;
  const runOf = (all: readonly RunJson[], day: string) => all.find((run) => run.tags['strata/partition'] === day && run.parentRunId === null)!;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-from-failure-'));
    source = path.join(dir, 'days');
    await mkdir(source);
    for (const [index, day] of DAYS.entries()) await writeDay(day, JSON.stringify([{ id: index + 1, amount: 10 }]));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('re-executes the failed partition runs of a plain materialize, newest first, not the unpartitioned run that succeeded after them', async () => {
    // Days 1 and 2 are outside weekly_totals' last 3 days: it still runs, and succeeds, after they fail.
    await writeDay('2026-01-01', 'not json');
    await writeDay('2026-01-02', 'not json');
    expect((await cli(['materialize'])).code).toBe(1);
    const ran = await runs();
    expect(ran[0]).toMatchObject({ status: 'success', tags: {} });
    const [day1, day2] = [runOf(ran, '2026-01-01'), runOf(ran, '2026-01-02')];
    expect([day1.status, day2.status]).toEqual(['failed', 'failed']);

    await writeDay('2026-01-01', JSON.stringify([{ id: 1, amount: 10 }]));
    await writeDay('2026-01-02', JSON.stringify([{ id: 2, amount: 10 }]));
    const second = await cli(['materialize', '--from-failure', 'latest']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`Re-executing run ${day2.runId} (partition 2026-01-02), the latest failed run, from its failure: failed sales_daily; skipped or not started totals_daily.\n`);
    expect(second.stdout).toContain(`Parent run: ${day2.runId}.`);
    const [day2Again] = await runs();
    expect(day2Again).toMatchObject({ status: 'success', parentRunId: day2.runId });

    // Day 2 was re-executed: latest now names the failure left.
    const first = await cli(['materialize', '--from-failure', 'latest']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`Re-executing run ${day1.runId} (partition 2026-01-01), the latest failed run, from its failure:`);
    const [reexecution] = await runs();
    expect(reexecution).toMatchObject({ status: 'success', parentRunId: day1.runId, tags: { 'strata/partition': '2026-01-01' } });

    // Both were re-executed: the error names the newest failure, and how to re-execute it anyway.
    const none = await cli(['materialize', '--from-failure', 'latest']);
    expect({ code: none.code, stdout: none.stdout }).toEqual({ code: 2, stdout: '' });
    expect(none.stderr).toBe(
      `error: No failed or canceled run is left to re-execute: the latest, ${day2.runId}, was re-executed by run ${day2Again!.runId} (success).\n` +
        `hint: To re-execute it again, name it: \`assets materialize --from-failure ${day2.runId}\`; \`assets runs --status failed\` lists the failed runs.\n`,
    );
  });

  it('passes over a queued run canceled before it started, which left nothing to re-execute, for the failure before it', async () => {
    await writeDay('2026-01-03', 'not json');
    expect((await cli(['materialize', '--partition', '2026-01-03'])).code).toBe(1);
    const [failed] = await runs();
    expect(failed).toMatchObject({ status: 'failed' });
    const queued = JSON.parse((await cli(['materialize', '--partition', '2026-01-04', '--queue', '--json'])).stdout) as { runId: string };
    expect((await cli(['cancel', queued.runId])).code).toBe(0);
    expect((await runs())[0]).toMatchObject({ runId: queued.runId, status: 'canceled', parentRunId: null });

    await writeDay('2026-01-03', JSON.stringify([{ id: 3, amount: 10 }]));
    const again = await cli(['materialize', '--from-failure', 'latest']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`Re-executing run ${failed!.runId} (partition 2026-01-03), the latest failed run, from its failure: failed sales_daily;`);

    // The canceled run is the newest failure left, and says why it is not re-executed.
    const none = await cli(['materialize', '--from-failure', 'latest']);
    expect({ code: none.code, stdout: none.stdout }).toEqual({ code: 2, stdout: '' });
    expect(none.stderr).toBe(
      `error: No failed or canceled run is left to re-execute: the latest, ${queued.runId}, left nothing undone (it ended canceled without running any asset).\n` +
        `hint: Repeat it whole with \`assets rerun ${queued.runId}\`, or name an earlier failure: \`assets materialize --from-failure <run>\`; \`assets runs --status failed\` lists the failed runs.\n`,
    );
  });

  it('passes over a failed run of assets check, which materialized nothing, for the materialization that failed before it', async () => {
    const definitions = path.join(FIXTURES, 'checked-definitions.mjs');
    const accounts = path.join(dir, 'accounts.json');
    const checked = (args: readonly string[], env: Record<string, string> = {}) =>
      runCli([...args, '--definitions', definitions], { cwd: dir, env: { STRATA_HOME: path.join(dir, '.strata'), STRATA_OUTPUT_DIR: path.join(dir, 'output'), CHECKED_SOURCE: accounts, ...env } });
    const good = JSON.stringify([{ id: 1, email: 'a@x.io', plan: 'free', age: 34 }, { id: 2, email: 'b@x.io', plan: 'pro', age: 51 }]);
    await writeFile(accounts, good);
    expect((await checked(['materialize'])).code).toBe(0);
    await writeFile(accounts, 'not json');
    expect((await checked(['materialize'])).code).toBe(1);
    // What is stored still has 2 accounts: a row count of at most 1 fails the check run.
    expect((await checked(['check'], { CHECKED_MAX_ACCOUNTS: '1' })).code).toBe(1);
    const [checkRun, failedRun] = (JSON.parse((await checked(['runs', '--json'])).stdout) as { runs: RunJson[] }).runs;
    expect([checkRun!.status, checkRun!.tags, failedRun!.status]).toEqual(['failed', { 'strata/run': 'checks' }, 'failed']);

    await writeFile(accounts, good);
    const again = await checked(['materialize', '--from-failure', 'latest']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`Re-executing run ${failedRun!.runId}, the latest failed run, from its failure: failed accounts; skipped or not started adults, audit.\n`);
  });
});
