import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './run-cli.js';

const GOOD = [
  { id: 1, email: 'a@x.io', plan: 'free', age: 34 },
  { id: 2, email: 'b@x.io', plan: 'pro', age: 51 },
  { id: 3, email: null, plan: 'team', age: 19 },
];

describe('asset checks through the CLI', () => {
  let dir: string;
  let env: Record<string, string>;
  const cli = (args: readonly string[], extra: Record<string, string> = {}) =>
    runCli([...args, '--definitions', path.join(FIXTURES, 'checked-definitions.mjs')], { cwd: dir, env: { ...env, ...extra } });
  const json = async (args: readonly string[], extra: Record<string, string> = {}) => {
    const result = await cli([...args, '--json'], extra);
    return { code: result.code, json: JSON.parse(result.stdout) as Record<string, any> };
  };
  const writeAccounts = (rows: readonly object[]) => writeFile(env.CHECKED_SOURCE!, JSON.stringify(rows));

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-checks-'));
    env = { STRATA_HOME: path.join(dir, '.strata'), STRATA_OUTPUT_DIR: path.join(dir, 'output'), CHECKED_SOURCE: path.join(dir, 'accounts.json') };
    await writeAccounts(GOOD);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs every check after materializing, reports warnings without failing, and lists the results', async () => {
    const run = await json(['materialize']);
    expect(run.code).toBe(0);
    const byCheck = Object.fromEntries(run.json.checks.map((c: any) => [c.check, [c.status, c.failing]]));
    expect(byCheck).toEqual({
      'accounts.unique_id': ['passed', 0],
      'accounts.not_null_email': ['warned', 1],
      'accounts.accepted_values_plan': ['passed', 0],
      'accounts.relationships_plan': ['warned', 1],
      'accounts.row_count': ['passed', 0],
      'accounts.in_range_age': ['passed', 0],
      'adults.not_empty': ['passed', 0],
    });
    expect(run.json.checks.find((c: any) => c.check === 'accounts.relationships_plan').sample).toEqual([{ id: 3, email: null, plan: 'team', age: 19 }]);

    const listed = await json(['checks']);
    expect(listed.json.checks.map((c: any) => `${c.check}:${c.status}:${c.current}`)).toEqual([
      'accounts.accepted_values_plan:passed:true',
      'accounts.in_range_age:passed:true',
      'accounts.not_null_email:warned:true',
      'accounts.relationships_plan:warned:true',
      'accounts.row_count:passed:true',
      'accounts.unique_id:passed:true',
      'adults.not_empty:passed:true',
    ]);
    // Only an error check declared blocking (the default) skips what depends on its asset; a warning never does.
    expect(Object.fromEntries(listed.json.checks.map((c: any) => [c.check, [c.severity, c.blocking]]))).toEqual({
      'accounts.accepted_values_plan': ['error', false],
      'accounts.in_range_age': ['error', true],
      'accounts.not_null_email': ['warn', false],
      'accounts.relationships_plan': ['warn', false],
      'accounts.row_count': ['error', true],
      'accounts.unique_id': ['error', true],
      'adults.not_empty': ['error', true],
    });
    expect((await cli(['checks', 'accounts', '--no-color'])).stdout).toMatch(/accounts\.not_null_email +warned +1 +warn +/);
    expect((await cli(['materialize'])).stdout).toBe('Everything is up to date.\n');
  });

  it('judges failing counts by warnIf and errorIf: one bad age warns, three fail the run', async () => {
    await writeAccounts([...GOOD, { id: 4, email: 'd@x.io', plan: 'pro', age: 130 }]);
    const warned = await json(['materialize']);
    expect(warned.code).toBe(0);
    expect(warned.json.checks.find((c: any) => c.check === 'accounts.in_range_age')).toMatchObject({ status: 'warned', failing: 1 });

    await writeAccounts([...GOOD, ...[4, 5, 6].map((id) => ({ id, email: 'x@x.io', plan: 'pro', age: -1 }))]);
    const failed = await json(['materialize']);
    expect(failed.code).toBe(1);
    expect(failed.json.checks.find((c: any) => c.check === 'accounts.in_range_age')).toMatchObject({ status: 'failed', failing: 3, blocking: true });
  });

  it('skips what depends on an asset whose blocking check failed, except what ignores that check, and keeps the new output', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    await writeAccounts([...GOOD, { id: 2, email: 'dup@x.io', plan: 'free', age: 40 }]);
    const run = await cli(['materialize', '--no-color']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/accounts\.unique_id +failed +1 +error, blocking/);
    expect(run.stdout).toContain('accounts.unique_id failed (1 failing); the first one:');
    expect(run.stdout).toMatch(/id +email +plan +age\n +2 +dup@x\.io +free +40/);
    expect(run.stdout).toContain('adults: skipped, check accounts.unique_id failed');

    const status = await json(['status']);
    const byKey = Object.fromEntries(status.json.assets.map((a: any) => [a.key, a]));
    expect(byKey.accounts).toMatchObject({ status: 'fresh', rows: 4, checks: { failed: ['accounts.unique_id'] } });
    expect(byKey.adults).toMatchObject({ status: 'stale', checks: { blockedBy: ['accounts.unique_id'] } });
    expect(byKey.audit).toMatchObject({ status: 'fresh', checks: { blockedBy: [] } });
    expect((await cli(['status', '--no-color'])).stdout).toMatch(/accounts +failed-check +check accounts\.unique_id failed/);
    expect((await cli(['why', 'adults'])).stdout).toContain('Blocked: upstream check accounts.unique_id failed, so runs skip adults until it passes');
    expect((await cli(['list', '--select', 'check:failed+', '--json'])).stdout).toMatch(/"key": "accounts"[\s\S]*"key": "adults"/);

    // Still blocked on the next run, though accounts is fresh and its check does not run again: a dry run says so, as the run does.
    const dryRun = await cli(['materialize', '--dry-run', '--no-color']);
    expect(dryRun.stdout).toMatch(/^adults +stale +[a-z-, ]*blocked by accounts\.unique_id$/m);
    expect(dryRun.stdout).toMatch(/^0 of \d+ selected assets would run \(dry run: nothing was written\)\.\n1 planned asset would be skipped, blocked by failing upstream checks:\n  adults: check accounts\.unique_id failed \(`assets checks accounts` shows why\)\n/m);
    expect((await json(['materialize', '--dry-run'])).json.plan).toEqual([expect.objectContaining({ key: 'adults', skipped: true, blockedBy: ['accounts.unique_id'] })]);
    const again = await json(['materialize']);
    expect(again.code).toBe(1);
    expect(again.json.checks).toEqual([]);
    expect(again.json.assets.map((a: any) => [a.key, a.action, a.blockedByChecks])).toEqual([['adults', 'skipped', ['accounts.unique_id']]]);
  });

  it('assets check judges what is stored now, records it as a run, and keeps earlier results in history', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    // Someone edits the stored table by hand: a duplicate id and a null email.
    await appendFile(path.join(dir, 'output', 'accounts.csv'), '1,,free,20\n');
    const checked = await json(['check', 'accounts']);
    expect(checked.code).toBe(1);
    expect(checked.json.notMaterialized).toEqual([]);
    expect(Object.fromEntries(checked.json.checks.map((c: any) => [c.name, [c.status, c.failing]]))).toMatchObject({ unique_id: ['failed', 1], not_null_email: ['warned', 2] });
    const runs = JSON.parse((await cli(['runs', '--json'])).stdout).runs;
    expect(runs[0]).toMatchObject({ runId: checked.json.runId, status: 'failed', selection: 'checks of accounts' });
    const history = await json(['history', 'accounts']);
    expect(history.json.materializations).toHaveLength(1);
    const results = (name: string) => history.json.checks.filter((c: any) => c.name === name).map((c: any) => `${c.status}:${c.runId === checked.json.runId ? 'check' : 'materialize'}`);
    expect(results('unique_id')).toEqual(['failed:check', 'passed:materialize']);
    expect(results('not_null_email')).toEqual(['warned:check', 'warned:materialize']);

    const nothingStored = await json(['check', 'adults'], { STRATA_OUTPUT_DIR: path.join(dir, 'elsewhere') });
    expect(nothingStored).toMatchObject({ code: 0, json: { notMaterialized: ['adults'], checks: [] } });
  });

  it('judges an output edited since it was recorded as it is now: its rows counted, its results current, what depends on it blocked', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    // Four rows now, where the materialization recorded three; and a duplicate id.
    await appendFile(path.join(dir, 'output', 'accounts.csv'), '2,e@x.io,pro,40\n');
    const checked = await json(['check', 'accounts'], { CHECKED_MAX_ACCOUNTS: '3' });
    expect(checked.code).toBe(1);
    expect(checked.json.checks.find((c: any) => c.name === 'row_count')).toMatchObject({ status: 'failed', metadata: { rows: 4, max: 3 } });
    const listed = await json(['checks', 'accounts'], { CHECKED_MAX_ACCOUNTS: '3' });
    expect(listed.json.checks.find((c: any) => c.name === 'unique_id')).toMatchObject({ status: 'failed', current: true });
    const table = await cli(['checks', 'accounts', '--no-color'], { CHECKED_MAX_ACCOUNTS: '3' });
    expect(table.stdout).toMatch(/accounts\.unique_id failed \(1 failing\); the first one:\n +id +email +plan +age\n +2 +e@x\.io +pro +40/);
    // status, why and a run agree that adults is blocked by the check on what accounts stores now.
    const status = await json(['status', '--select', 'adults'], { CHECKED_MAX_ACCOUNTS: '3' });
    expect(status.json.assets[0].checks.blockedBy).toEqual(['accounts.row_count', 'accounts.unique_id']);
    const run = await json(['materialize', '--select', 'adults', '--force'], { CHECKED_MAX_ACCOUNTS: '3' });
    expect(run.json.assets.map((a: any) => [a.key, a.action, a.blockedByChecks])).toEqual([['adults', 'skipped', ['accounts.row_count', 'accounts.unique_id']]]);
  });

  it('refuses to rerun or re-execute a run of assets check, and names the check command that repeats it', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    const checked = await json(['check']);
    const runs = JSON.parse((await cli(['runs', '--json'])).stdout).runs;
    expect(runs[0]).toMatchObject({ runId: checked.json.runId, selection: 'checks of *', tags: { 'strata/run': 'checks' } });
    // `--from-failure latest` takes failed runs only: this one is named.
    for (const command of [['rerun', 'latest'], ['materialize', '--from-failure', checked.json.runId]]) {
      const refused = await cli(command);
      expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 2, stdout: '' });
      expect(refused.stderr).toContain(`error: Run ${checked.json.runId} only ran checks, on what its assets stored: there is no materialization to`);
      expect(refused.stderr).toContain('hint: Run them again with: assets check\n');
    }

    const some = await json(['check', 'plans or accounts', '--exclude', 'plans']);
    expect(some.code).toBe(0);
    expect((await cli(['rerun', some.json.runId])).stderr).toContain('hint: Run them again with: assets check "plans or accounts" --exclude plans\n');
    // The hint's command is the run again.
    const again = await json(['check', 'plans or accounts', '--exclude', 'plans']);
    expect(JSON.parse((await cli(['runs', '--json'])).stdout).runs.slice(0, 2).map((run: any) => run.selection)).toEqual(['checks of plans or accounts except plans', 'checks of plans or accounts except plans']);
    expect(again.json.checks.map((c: any) => c.check)).toEqual(some.json.checks.map((c: any) => c.check));
  });

  it('runs a check whose code changed on its own, without its asset', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    const before = await json(['history', 'accounts']);
    // The dry run shows that check, and that its asset stays as it is.
    const planned = await json(['materialize', '--dry-run'], { CHECKED_MAX_ACCOUNTS: '2' });
    expect(planned).toMatchObject({ code: 0, json: { plan: [], checks: [{ check: 'accounts.row_count', assetKey: 'accounts', name: 'row_count' }] } });
    expect((await cli(['materialize', '--dry-run'], { CHECKED_MAX_ACCOUNTS: '2' })).stdout).toBe(
      '1 check would run again on what is stored, without materializing its asset: accounts.row_count.\n0 of 4 selected assets would run (dry run: nothing was written).\n',
    );
    const run = await json(['materialize'], { CHECKED_MAX_ACCOUNTS: '2' });
    expect(run.code).toBe(1);
    expect(run.json.assets).toEqual([]);
    expect(run.json.checks.map((c: any) => [c.check, c.status])).toEqual([['accounts.row_count', 'failed']]);
    expect((await json(['history', 'accounts'])).json.materializations).toEqual(before.json.materializations);
    // The failure stands (assets checks shows it), but there is nothing left to run.
    expect(await json(['materialize'], { CHECKED_MAX_ACCOUNTS: '2' })).toMatchObject({ code: 0, json: { status: 'nothing-to-do', checks: [] } });
    // Not "Everything is up to date": the check's failure stands, and a run does not check again.
    expect((await cli(['materialize', '--dry-run'], { CHECKED_MAX_ACCOUNTS: '2' })).stdout).toBe(
      'Nothing to run, but 1 check has not passed on what is stored, and a run does not check it again while that is unchanged:\n' +
        "  accounts.row_count: failed on accounts's stored output (assets checks accounts shows why)\n" +
        'Fix the data (a changed source or upstream runs again) or the check (a new version of it checks again).\n',
    );
    expect((await json(['materialize', '--dry-run'], { CHECKED_MAX_ACCOUNTS: '2' })).json.checks).toEqual([]);
    expect((await json(['checks', 'accounts'], { CHECKED_MAX_ACCOUNTS: '2' })).json.checks.find((c: any) => c.name === 'row_count')).toMatchObject({ status: 'failed', current: true, metadata: { rows: 3, min: 1, max: 2 } });

    // The check declared as it was before: its failure was of another definition, which blocks nothing and is no failure of accounts now.
    expect((await json(['checks', 'accounts'])).json.checks.find((c: any) => c.name === 'row_count')).toMatchObject({ status: 'failed', current: false });
    const byKey = Object.fromEntries((await json(['status'])).json.assets.map((a: any) => [a.key, a]));
    expect(byKey.accounts).toMatchObject({ status: 'fresh', checks: { failed: [] } });
    expect(byKey.adults).toMatchObject({ checks: { blockedBy: [] } });
    expect((await cli(['why', 'accounts'])).stdout).not.toContain('row_count');
  });
});
