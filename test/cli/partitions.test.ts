import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './run-cli.js';

/*
 * Partitioned runs end to end: the built CLI on partitioned-definitions.mjs
 * (sales_daily reads one JSON file per day, totals_daily sums it, the
 * unpartitioned weekly_totals reads the last 3 days of totals_daily,
 * tenant_report has dynamic "tenants" partitions), one SQLite instance and
 * real CSV files per test.
 */
const DEFINITIONS = path.join(FIXTURES, 'partitioned-definitions.mjs');
const LAGGED = path.join(FIXTURES, 'lagged-partitions-definitions.mjs');
const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07'];

interface AssetJson {
  readonly key: string;
  readonly action: string;
  readonly reasons: readonly string[];
  readonly rows: number | null;
  readonly dataVersion: string | null;
}
interface RunJson {
  readonly runId: string | null;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly assets: readonly AssetJson[];
}
interface MaterializeJson extends Partial<RunJson> {
  readonly partitions?: readonly (RunJson & { readonly partition: string })[];
}
interface PartitionsJson {
  readonly key: string;
  readonly counts: { total: number; fresh: number; stale: number; missing: number };
  readonly partitions: readonly { partition: string; status: string; reasons: string[]; lastMaterializedAt: string | null; dataVersion: string | null; rows: number | null; runId: string | null }[];
}
interface StatusJson {
  readonly assets: readonly { key: string; status: string; reasons: readonly string[]; partitions: PartitionsJson['counts'] | null }[];
}

/** Each day's sales: two of them, so every day's total differs. */
const salesOf = (index: number) => [{ id: index + 1, amount: (index + 1) * 10 }, { id: index + 100, amount: 1.5 }];
const totalOf = (index: number) => (index + 1) * 10 + 1.5;

async function makeInstance() {
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-partitions-'));
  const source = path.join(dir, 'days');
  const output = path.join(dir, 'output');
  await mkdir(source);
  for (const [index, day] of DAYS.entries()) await writeFile(path.join(source, `${day}.json`), JSON.stringify(salesOf(index)));
  const env = { STRATA_HOME: path.join(dir, '.strata'), STRATA_OUTPUT_DIR: output, PARTITIONED_SOURCE: source };
  return {
    dir,
    source,
    output,
    cli: (args: readonly string[], extra: Record<string, string> = {}) => runCli([...args, '--definitions', DEFINITIONS], { cwd: dir, env: { ...env, ...extra } }),
    writeDay: (day: string, text: string) => writeFile(path.join(source, `${day}.json`), text),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Every file under `dir`, relative, sorted (none when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
}

describe('partitioned runs through the CLI', () => {
  let instance: Awaited<ReturnType<typeof makeInstance>>;
  beforeEach(async () => {
    instance = await makeInstance();
  });
  afterEach(() => instance.cleanup());

  const json = async <T>(args: readonly string[], extra: Record<string, string> = {}, code = 0): Promise<T> => {
    const result = await instance.cli([...args, '--json'], extra);
    expect(result.code, result.stderr).toBe(code);
    return JSON.parse(result.stdout) as T;
  };
  const outcome = (run: Pick<RunJson, 'assets'>) => run.assets.map((entry) => `${entry.key}:${entry.action}`);
  const partitionStates = async (key: string, extra: Record<string, string> = {}) =>
    Object.fromEntries((await json<PartitionsJson>(['partitions', key], extra)).partitions.map((state) => [state.partition, [state.status, ...state.reasons].join(' ')]));
  const statusOf = async () => Object.fromEntries((await json<StatusJson>(['status'])).assets.map((state) => [state.key, { status: state.status, partitions: state.partitions }]));
  const allFresh = Object.fromEntries(DAYS.map((day) => [day, 'fresh']));

  it('--partition K materializes only that partition of each selected partitioned asset, records it, tags the run, and is then up to date', async () => {
    const first = await instance.cli(['materialize', '--partition', '2026-01-03']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Tags: strata/partition=2026-01-03.');
    // The unpartitioned asset, and the dynamic one that has no such key, are left out, and said so.
    expect(first.stderr).toMatch(/Left out 2 selected assets:\n {2}tenant_report: has no partition "2026-01-03".*\n {2}weekly_totals: not partitioned: materialize it in a run without --partition\n/);

    expect(await filesUnder(instance.output)).toEqual(['sales_daily/2026-01-03.csv', 'totals_daily/2026-01-03.csv']);
    expect(await readFile(path.join(instance.output, 'sales_daily', '2026-01-03.csv'), 'utf8')).toBe('day,id,amount\n2026-01-03,3,30\n2026-01-03,102,1.5\n');
    expect(await readFile(path.join(instance.output, 'totals_daily', '2026-01-03.csv'), 'utf8')).toBe(`day,sales,total\n2026-01-03,2,${totalOf(2)}\n`);

    const history = await json<{ materializations: { partition: string | null; rows: number; metadata: { path: string } }[] }>(['history', 'sales_daily']);
    expect(history.materializations.map((record) => [record.partition, record.rows])).toEqual([['2026-01-03', 2]]);
    expect(history.materializations[0]!.metadata.path).toBe(path.join(instance.output, 'sales_daily', '2026-01-03.csv'));
    const runs = await json<{ runs: { status: string; tags: Record<string, string>; selection: string }[] }>(['runs']);
    expect(runs.runs.map((run) => [run.status, run.tags, run.selection])).toEqual([['success', { 'strata/partition': '2026-01-03' }, '* --partition 2026-01-03']]);

    const second = await json<MaterializeJson>(['materialize', '--partition', '2026-01-03']);
    expect([second.status, second.runId, second.assets]).toEqual(['nothing-to-do', null, []]);
    expect(await partitionStates('totals_daily')).toEqual({ ...Object.fromEntries(DAYS.map((day) => [day, 'missing missing upstream-planned'])), '2026-01-03': 'fresh' });
  });

  it('history --partition says when the key is no partition of the asset, rather than that it was never materialized', async () => {
    expect((await instance.cli(['materialize', '--select', 'sales_daily', '--partition', '2026-01-03'])).code).toBe(0);
    const history = await json<{ materializations: { partition: string }[] }>(['history', 'sales_daily', '--partition', '2026-01-03']);
    expect(history.materializations.map((record) => record.partition)).toEqual(['2026-01-03']);
    expect(await instance.cli(['history', 'sales_daily', '--partition', '2026-01-04'])).toMatchObject({
      code: 0,
      stdout: 'Partition 2026-01-04 of sales_daily has never been materialized (or its history was wiped).\n',
    });

    const outside = await instance.cli(['history', 'sales_daily', '--partition', '2026-01-09']);
    expect([outside.code, outside.stdout]).toEqual([2, '']);
    expect(outside.stderr).toContain('error: sales_daily has no partition "2026-01-09": ');
    expect(outside.stderr).toContain('hint: `assets partitions sales_daily` lists them.');
    const unpartitioned = await instance.cli(['history', 'weekly_totals', '--partition', '2026-01-03']);
    expect([unpartitioned.code, unpartitioned.stdout]).toEqual([2, '']);
    expect(unpartitioned.stderr).toContain('error: weekly_totals is not partitioned.\nhint: Leave out --partition: `assets history weekly_totals`.');
  });

  it('refuses a partition key no selected asset has, naming the key and the keys there are, and writes nothing', async () => {
    const after = await instance.cli(['materialize', '--select', '+totals_daily', '--partition', '2026-01-09']);
    expect(after.code).toBe(2);
    expect(after.stdout).toBe('');
    expect(after.stderr).toContain('error: No selected asset has a partition "2026-01-09"');
    expect(after.stderr).toContain('the daily partitions now run from 2026-01-01 to 2026-01-07');
    expect(after.stderr).toContain('hint: See the keys with `assets partitions sales_daily`.');

    const malformed = await instance.cli(['materialize', '--select', '+totals_daily', '--partition', '2026-1-3']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('"2026-1-3" is not a daily partition key: expected YYYY-MM-DD');

    await json(['partitions', 'add', 'tenants', 'acme']);
    const typo = await instance.cli(['materialize', '--select', 'tenant_report', '--partition', 'acmee']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "acme"?');
    expect(await filesUnder(instance.output)).toEqual([]);
  });

  it('says a key in the YYYY-MM-DD format that names no calendar day does not exist, for --partition and for a range, rather than asking for the format it is in', async () => {
    const day = await instance.cli(['materialize', '--select', '+totals_daily', '--partition', '2026-02-30']);
    expect([day.code, day.stdout]).toEqual([2, '']);
    expect(day.stderr).toContain('error: No selected asset has a partition "2026-02-30": sales_daily: "2026-02-30" is not a day: February 2026 has 28 days;');
    expect(day.stderr).not.toContain('expected YYYY-MM-DD');

    const range = await instance.cli(['materialize', '--select', '+totals_daily', '--partition-range', '2026-01-01...2026-01-32']);
    expect([range.code, range.stdout]).toEqual([2, '']);
    expect(range.stderr).toContain('error: The range\'s end "2026-01-32" is not a partition: "2026-01-32" is not a day: January 2026 has 31 days.');
    expect(await filesUnder(instance.output)).toEqual([]);
  });

  it('refuses --partition when only unpartitioned assets are selected, and --partition with --partition-range', async () => {
    const unpartitioned = await instance.cli(['materialize', '--select', 'weekly_totals', '--partition', '2026-01-03']);
    expect(unpartitioned.code).toBe(2);
    expect(unpartitioned.stderr).toContain('error: No selected asset is partitioned, so --partition 2026-01-03 has nothing to materialize.');
    expect(unpartitioned.stderr).toContain('hint: Leave out --partition');

    const both = await instance.cli(['materialize', '--partition', '2026-01-03', '--partition-range', '2026-01-01...2026-01-02']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('error: --partition cannot be combined with --partition-range.');
    expect(await filesUnder(instance.output)).toEqual([]);
  });

  it('--partition-range runs one run per day in key order; a day that fails fails its run alone and the command exits 1', async () => {
    await instance.writeDay('2026-01-03', '[{"id": 3,');
    const ranged = await json<MaterializeJson>(['materialize', '--select', '+totals_daily', '--partition-range', '2026-01-02...2026-01-04'], {}, 1);
    expect(ranged.partitions!.map((run) => [run.partition, run.status, run.tags['strata/partition']])).toEqual([
      ['2026-01-02', 'success', '2026-01-02'],
      ['2026-01-03', 'failed', '2026-01-03'],
      ['2026-01-04', 'success', '2026-01-04'],
    ]);
    expect(outcome(ranged.partitions![1]!)).toEqual(['sales_daily:failed', 'totals_daily:skipped']);
    expect(await filesUnder(instance.output)).toEqual(['sales_daily/2026-01-02.csv', 'sales_daily/2026-01-04.csv', 'totals_daily/2026-01-02.csv', 'totals_daily/2026-01-04.csv']);
    // Three runs, oldest first in the order they ran.
    const runs = await json<{ runs: { status: string; tags: Record<string, string> }[] }>(['runs']);
    expect(runs.runs.map((run) => [run.tags['strata/partition'], run.status]).reverse()).toEqual([['2026-01-02', 'success'], ['2026-01-03', 'failed'], ['2026-01-04', 'success']]);

    // Without --json the last line counts them.
    const text = await instance.cli(['materialize', '--select', '+totals_daily', '--partition-range', '2026-01-02...2026-01-04']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/3 partitions: 2 up to date, 1 failed\.\n$/);
  });

  it('a plain materialize runs each stale partition, then weekly_totals on exactly its last 3 days; an edited day reruns only that partition, and weekly_totals only when it reads that day', async () => {
    const first = await json<MaterializeJson>(['materialize']);
    expect(first.partitions!.map((run) => [run.partition, run.status, outcome(run).join(' ')])).toEqual(DAYS.map((day) => [day, 'success', 'sales_daily:materialized totals_daily:materialized']));
    expect([first.status, outcome(first as RunJson)]).toEqual(['success', ['weekly_totals:materialized']]);
    const weekly = `days,total\n2026-01-05 2026-01-06 2026-01-07,${totalOf(4) + totalOf(5) + totalOf(6)}\n`;
    expect(await readFile(path.join(instance.output, 'weekly_totals.csv'), 'utf8')).toBe(weekly);
    expect(await partitionStates('sales_daily')).toEqual(allFresh);

    // Day 2 is outside weekly_totals' window: only that day is stale, and only it runs.
    await instance.writeDay('2026-01-02', JSON.stringify([{ id: 2, amount: 500 }]));
    expect(await partitionStates('sales_daily')).toEqual({ ...allFresh, '2026-01-02': 'stale upstream-changed' });
    expect(await partitionStates('totals_daily')).toEqual({ ...allFresh, '2026-01-02': 'stale upstream-planned' });
    let status = await statusOf();
    expect(status.sales_daily).toEqual({ status: 'stale', partitions: { total: 7, fresh: 6, stale: 1, missing: 0 } });
    expect(status.totals_daily).toEqual({ status: 'stale', partitions: { total: 7, fresh: 6, stale: 1, missing: 0 } });
    expect(status.weekly_totals).toEqual({ status: 'fresh', partitions: null });
    const second = await json<MaterializeJson>(['materialize']);
    expect(second.partitions!.map((run) => [run.partition, outcome(run).join(' ')])).toEqual([['2026-01-02', 'sales_daily:materialized totals_daily:materialized']]);
    expect([second.status, second.assets]).toEqual(['nothing-to-do', []]);
    expect(await readFile(path.join(instance.output, 'totals_daily', '2026-01-02.csv'), 'utf8')).toBe('day,sales,total\n2026-01-02,1,500\n');
    expect(await readFile(path.join(instance.output, 'weekly_totals.csv'), 'utf8')).toBe(weekly);

    // Day 7 is in the window: its partition and weekly_totals are stale, and both run.
    await instance.writeDay('2026-01-07', JSON.stringify([{ id: 7, amount: 1000 }]));
    status = await statusOf();
    expect(status.sales_daily).toEqual({ status: 'stale', partitions: { total: 7, fresh: 6, stale: 1, missing: 0 } });
    expect(status.weekly_totals!.status).toBe('stale');
    const third = await json<MaterializeJson>(['materialize']);
    expect(third.partitions!.map((run) => [run.partition, outcome(run).join(' ')])).toEqual([['2026-01-07', 'sales_daily:materialized totals_daily:materialized']]);
    expect(third.assets!.map((entry) => [entry.key, entry.action, entry.reasons])).toEqual([['weekly_totals', 'materialized', ['upstream-changed']]]);
    expect(await readFile(path.join(instance.output, 'weekly_totals.csv'), 'utf8')).toBe(`days,total\n2026-01-05 2026-01-06 2026-01-07,${totalOf(4) + totalOf(5) + 1000}\n`);
    // Nothing left: no partition run, and no `partitions` in the JSON.
    const last = await json<MaterializeJson>(['materialize']);
    expect([last.status, last.partitions]).toEqual(['nothing-to-do', undefined]);
  });

  it('a plain materialize whose failed partition leaves weekly_totals without a day reports the partition runs and exits 1', async () => {
    await instance.writeDay('2026-01-07', 'not json');
    const result = await instance.cli(['materialize', '--json']);
    expect(result.code, result.stderr).toBe(1);
    const runs = JSON.parse(result.stdout) as MaterializeJson;
    expect(runs.partitions!.map((run) => [run.partition, run.status])).toEqual(DAYS.map((day) => [day, day === '2026-01-07' ? 'failed' : 'success']));
    expect(result.stderr).toContain('The unpartitioned assets did not run: Selected assets read upstream partitions that have no stored output: weekly_totals needs totals_daily partition 2026-01-07.');
    expect(existsSync(path.join(instance.output, 'weekly_totals.csv'))).toBe(false);
  });

  it('assets partitions lists each partition with its state, filters by --status, and a code change makes every partition code-changed', async () => {
    await json(['materialize', '--select', '+totals_daily', '--partition-range', '2026-01-01...2026-01-03']);
    const table = await instance.cli(['partitions', 'totals_daily']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^partition\s+status\s+reasons\s+last materialized\s+rows$/);
    expect(lines.slice(1, 8).map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual([...DAYS.slice(0, 3).map((day) => `${day} fresh`), ...DAYS.slice(3).map((day) => `${day} missing`)]);
    expect(lines.at(-1)).toBe('totals_daily: 3/7 fresh, 4 missing.');

    const missing = await instance.cli(['partitions', 'totals_daily', '--status', 'missing']);
    expect(missing.stdout.trimEnd().split('\n').slice(1, -1).map((line) => line.split(/\s+/)[0])).toEqual(DAYS.slice(3));
    expect(missing.stdout.trimEnd().split('\n').at(-1)).toBe('totals_daily: 3/7 fresh, 4 missing (4 partitions missing shown).');
    const stale = await instance.cli(['partitions', 'totals_daily', '--status', 'stale']);
    expect(stale.stdout).toBe('totals_daily: 3/7 fresh, 4 missing (0 partitions stale shown).\n');
    const bad = await instance.cli(['partitions', 'totals_daily', '--status', 'old']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status must be one of fresh, stale, missing, got "old".');

    const shape = await json<PartitionsJson>(['partitions', 'totals_daily', '--status', 'fresh']);
    expect(shape.key).toBe('totals_daily');
    expect(shape.counts).toEqual({ total: 7, fresh: 3, stale: 0, missing: 4 });
    expect(shape.partitions.map((state) => state.partition)).toEqual(DAYS.slice(0, 3));
    const [first] = shape.partitions;
    expect(Object.keys(first!).sort()).toEqual(['dataVersion', 'lastMaterializedAt', 'partition', 'reasons', 'rows', 'runId', 'status']);
    expect(first).toMatchObject({ status: 'fresh', reasons: [], rows: 1 });
    expect(first!.dataVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(first!.lastMaterializedAt!).toISOString()).toBe(first!.lastMaterializedAt);

    // Every materialized partition of totals_daily was made by other code; sales_daily's were not.
    await json(['materialize', '--select', '+totals_daily', '--partition-range', '2026-01-04...2026-01-07']);
    expect(await partitionStates('totals_daily', { PARTITIONED_TOTALS_VERSION: 'v2' })).toEqual(Object.fromEntries(DAYS.map((day) => [day, 'stale code-changed'])));
    expect(await partitionStates('sales_daily', { PARTITIONED_TOTALS_VERSION: 'v2' })).toEqual(allFresh);
    const rerun = await json<MaterializeJson>(['materialize', '--select', 'totals_daily'], { PARTITIONED_TOTALS_VERSION: 'v2' });
    expect(rerun.partitions!.map((run) => [run.partition, outcome(run).join(' ')])).toEqual(DAYS.map((day) => [day, 'totals_daily:materialized']));
    expect(await partitionStates('totals_daily', { PARTITIONED_TOTALS_VERSION: 'v2' })).toEqual(allFresh);
  });

  it('says what stays stale for an unselected upstream partition alike in the dry run and the run, when partitions run first', async () => {
    expect((await instance.cli(['materialize'])).code).toBe(0);
    // Day 6 of the unselected sales_daily changes, and totals_daily's code: every day of it runs, reading the old day 6.
    await instance.writeDay('2026-01-06', JSON.stringify([{ id: 6, amount: 99 }]));
    const v2 = { PARTITIONED_TOTALS_VERSION: 'v2' };
    const staysStale = { assets: [{ key: 'totals_daily', upstreams: ['sales_daily'], upstreamPartitions: { sales_daily: ['2026-01-06'] } }], partitions: [] };
    const said = [
      '1 selected asset stays stale: a run uses what unselected upstreams stored.',
      '  totals_daily: its upstream sales_daily [2026-01-06] is not up to date, and not selected',
      'Select the upstreams too to bring it up to date, e.g. --select +totals_daily.',
      '',
    ].join('\n');
    // With the unpartitioned weekly_totals after the partitions, and without it.
    for (const select of ['totals_daily+', 'totals_daily']) {
      expect((await json<{ staysStale: unknown }>(['materialize', '--select', select, '--dry-run'], v2)).staysStale, select).toEqual(staysStale);
      const dry = await instance.cli(['materialize', '--select', select, '--dry-run'], v2);
      expect(dry.stdout, select).toContain(`7 partitions would run first, one run each: 2026-01-01, 2026-01-02, 2026-01-03, 2026-01-04, 2026-01-05, ... 2 more.\n`);
      expect(dry.stdout.endsWith(`\n${said}`), `${select}:\n${dry.stdout}`).toBe(true);
    }
    const run = await instance.cli(['materialize', '--select', 'totals_daily'], v2);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.endsWith(`7 partitions: 7 succeeded.\n\n${said}`), run.stdout).toBe(true);
    // The run of the rest after them says it too.
    await instance.writeDay('2026-01-06', JSON.stringify([{ id: 6, amount: 98 }]));
    const rest = await json<{ staysStale: unknown }>(['materialize', '--select', 'totals_daily+'], { PARTITIONED_TOTALS_VERSION: 'v3' });
    expect(rest.staysStale).toEqual(staysStale);
  });

  it('adds, materializes and removes dynamic partitions, suggests a close name, and refuses a key with "|"', async () => {
    const added = await instance.cli(['partitions', 'add', 'tenants', 'acme', 'globex']);
    expect([added.code, added.stdout]).toEqual([0, 'Added 2 partitions to tenants: acme, globex.\n']);
    expect(await json(['partitions', 'add', 'tenants', 'acme', 'initech'])).toEqual({ name: 'tenants', added: ['initech'], unchanged: ['acme'] });
    expect(await partitionStates('tenant_report')).toEqual({ acme: 'missing missing', globex: 'missing missing', initech: 'missing missing' });

    const run = await json<MaterializeJson>(['materialize', '--select', 'tenant_report', '--partition', 'acme']);
    expect([run.status, outcome(run as RunJson), run.tags]).toEqual(['success', ['tenant_report:materialized'], { 'strata/partition': 'acme' }]);
    expect(await readFile(path.join(instance.output, 'tenant_report', 'acme.csv'), 'utf8')).toBe('tenant\nacme\n');

    const removed = await instance.cli(['partitions', 'remove', 'tenants', 'globex', 'nobody']);
    expect([removed.code, removed.stdout]).toEqual([0, 'Removed 1 partition from tenants: globex.\nNot there: nobody.\n']);
    expect(await partitionStates('tenant_report')).toEqual({ acme: 'fresh', initech: 'missing missing' });

    const typo = await instance.cli(['partitions', 'add', 'tenant', 'umbrella']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('error: No asset has dynamic partitions named "tenant".');
    expect(typo.stderr).toContain('hint: Did you mean tenants?');
    const piped = await instance.cli(['partitions', 'add', 'tenants', 'a|b']);
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('"a|b"');
    expect(piped.stderr).toContain('|');
    expect(await partitionStates('tenant_report')).toEqual({ acme: 'fresh', initech: 'missing missing' });
  });

  it('the workers executor writes byte-identical partition files to the in-process one', async () => {
    const other = await makeInstance();
    try {
      const inProcess = await json<MaterializeJson>(['materialize', '--executor', 'in-process']);
      const workers = await other.cli(['materialize', '--executor', 'workers', '--json']);
      expect(workers.code, workers.stderr).toBe(0);
      const workersJson = JSON.parse(workers.stdout) as MaterializeJson;
      expect(workersJson.partitions!.map((entry) => entry.status)).toEqual(inProcess.partitions!.map((entry) => entry.status));
      const files = await filesUnder(instance.output);
      expect(files).toHaveLength(2 * DAYS.length + 1);
      expect(await filesUnder(other.output)).toEqual(files);
      for (const file of files) expect(await readFile(path.join(other.output, file)), file).toEqual(await readFile(path.join(instance.output, file)));
      // The same bytes are the same data versions.
      expect(workersJson.partitions!.flatMap((entry) => entry.assets.map((one) => one.dataVersion))).toEqual(inProcess.partitions!.flatMap((entry) => entry.assets.map((one) => one.dataVersion)));
    } finally {
      await other.cleanup();
    }
  });

  // Ten CLI processes one after another, one with a pool of worker threads: more than the default 30 s on a loaded CI machine.
  it('runs a range in one run on the workers executor as a run per day in-process would leave it', async () => {
    const other = await makeInstance();
    try {
      for (const day of DAYS) expect((await instance.cli(['materialize', '--select', 'sales_daily', '--partition', day])).code).toBe(0);
      const range = await other.cli(['materialize', '--select', 'sales_daily', '--partition', `${DAYS[0]}...${DAYS.at(-1)}`, '--executor', 'workers', '--json']);
      expect(range.code, range.stderr).toBe(0);
      expect((JSON.parse(range.stdout) as MaterializeJson).assets!.map((one) => `${one.key}:${one.action}`)).toEqual(['sales_daily:materialized']);
      const files = await filesUnder(instance.output);
      expect(files).toHaveLength(DAYS.length);
      expect(await filesUnder(other.output)).toEqual(files);
      for (const file of files) expect(await readFile(path.join(other.output, file)), file).toEqual(await readFile(path.join(instance.output, file)));
      const versions = async (cli: typeof instance.cli) => {
        const listed = JSON.parse((await cli(['partitions', 'sales_daily', '--json'])).stdout) as { partitions: { partition: string; status: string; dataVersion: string }[] };
        return listed.partitions.map((one) => `${one.partition} ${one.status} ${one.dataVersion}`);
      };
      expect(await versions(other.cli)).toEqual(await versions(instance.cli));
    } finally {
      await other.cleanup();
    }
  }, 60_000);

  it('cuts off early per partition: a day rewritten with the same sales leaves its totals and weekly_totals up to date', async () => {
    await json(['materialize']);
    const before = await readFile(path.join(instance.output, 'totals_daily', '2026-01-06.csv'));
    // Other bytes (so the day is observed as changed), the same sales.
    await instance.writeDay('2026-01-06', `[\n  ${salesOf(5).map((sale) => JSON.stringify(sale)).join(',\n  ')}\n]\n`);
    expect(await partitionStates('sales_daily')).toEqual({ ...allFresh, '2026-01-06': 'stale upstream-changed' });
    const run = await json<MaterializeJson>(['materialize']);
    expect(run.partitions!.map((entry) => [entry.partition, entry.assets.map((one) => [one.key, one.action, one.reasons.join(' ')])])).toEqual([
      ['2026-01-06', [['sales_daily', 'materialized', 'upstream-changed'], ['totals_daily', 'up-to-date', 'upstream-planned']]],
    ]);
    expect(run.status).toBe('nothing-to-do');
    expect(await readFile(path.join(instance.output, 'totals_daily', '2026-01-06.csv'))).toEqual(before);
    expect(await partitionStates('totals_daily')).toEqual(allFresh);
  });

  it('a day read by the next day\'s partition makes both stale, and one plain materialize brings both back', async () => {
    // readings_daily per day; change_daily of day D reads days D-1 and D.
    const lagged = (args: readonly string[]) => runCli([...args, '--json', '--definitions', LAGGED], { cwd: instance.dir, env: { STRATA_HOME: path.join(instance.dir, '.strata'), STRATA_OUTPUT_DIR: instance.output, LAGGED_SOURCE: instance.source } });
    const laggedJson = async <T>(args: readonly string[]) => {
      const result = await lagged(args);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as T;
    };
    const changes = async () => Object.fromEntries((await laggedJson<PartitionsJson>(['partitions', 'change_daily'])).partitions.map((state) => [state.partition, [state.status, ...state.reasons].join(' ')]));
    for (const [index, day] of DAYS.slice(0, 5).entries()) await instance.writeDay(day, JSON.stringify([index + 1, 10]));
    await laggedJson(['materialize']);
    expect(await readFile(path.join(instance.output, 'change_daily', '2026-01-04.csv'), 'utf8')).toBe('day,days,change\n2026-01-04,2026-01-03 2026-01-04,1\n');

    await instance.writeDay('2026-01-03', JSON.stringify([100]));
    const fresh = Object.fromEntries(DAYS.slice(0, 5).map((day) => [day, 'fresh']));
    expect(await changes()).toEqual({ ...fresh, '2026-01-03': 'stale upstream-planned', '2026-01-04': 'stale upstream-planned' });
    const run = await laggedJson<MaterializeJson>(['materialize']);
    expect(run.partitions!.map((entry) => [entry.partition, outcome(entry).join(' ')])).toEqual([
      ['2026-01-03', 'readings_daily:materialized change_daily:materialized'],
      ['2026-01-04', 'change_daily:materialized'],
    ]);
    expect(await readFile(path.join(instance.output, 'change_daily', '2026-01-04.csv'), 'utf8')).toBe('day,days,change\n2026-01-04,2026-01-03 2026-01-04,-86\n');
    expect(await changes()).toEqual(fresh);
  });

  it('a failed day that leaves the next days without what they read: each could not run, saying what it lacks, rather than the command stopping with a usage error', async () => {
    const lagged = (args: readonly string[]) => runCli([...args, '--definitions', LAGGED], { cwd: instance.dir, env: { STRATA_HOME: path.join(instance.dir, '.strata'), STRATA_OUTPUT_DIR: instance.output, LAGGED_SOURCE: instance.source } });
    for (const [index, day] of DAYS.slice(0, 5).entries()) await instance.writeDay(day, JSON.stringify([index + 1]));
    await instance.writeDay('2026-01-03', 'oops');

    const plain = await lagged(['materialize']);
    expect(plain.code, plain.stderr).toBe(1);
    expect(plain.stderr).not.toContain('error:');
    const lacks = (day: string, before: string) => `Partition ${day}: could not run: Selected assets read upstream partitions that have no stored output: change_daily needs readings_daily partition ${before}.\n`;
    expect(plain.stdout).toMatch(/^Partition 2026-01-03: failed, 0 materialized, 0 up to date, 1 failed \(readings_daily\)/m);
    expect(plain.stdout).toContain(`${lacks('2026-01-04', '2026-01-03')}${lacks('2026-01-05', '2026-01-04')}5 partitions: 2 succeeded, 1 failed, 2 could not run.\n`);

    const again = await lagged(['materialize', '--json']);
    expect(again.code, again.stderr).toBe(1);
    const unstarted = (JSON.parse(again.stdout) as { partitions: { partition: string; runId: string | null; error: { code: string } | null }[] }).partitions.filter(({ runId }) => runId === null);
    expect(unstarted).toMatchObject([{ partition: '2026-01-04', status: 'failed', error: { code: 'STRATA_UNMATERIALIZED_UPSTREAM' } }, { partition: '2026-01-05', status: 'failed' }]);

    // Once the day is fixed, a range picks up where it stopped.
    await instance.writeDay('2026-01-03', '[3]');
    const range = await lagged(['materialize', '--select', '+change_daily', '--partition-range', '2026-01-02...2026-01-05', '--json']);
    expect(range.code, range.stderr).toBe(0);
    const ran = (JSON.parse(range.stdout) as { partitions: { partition: string; status: string }[] }).partitions;
    expect(ran.map(({ partition, status }) => `${partition} ${status}`)).toEqual(['2026-01-02 nothing-to-do', '2026-01-03 success', '2026-01-04 success', '2026-01-05 success']);
    expect(await readFile(path.join(instance.output, 'change_daily', '2026-01-05.csv'), 'utf8')).toBe('day,days,change\n2026-01-05,2026-01-04 2026-01-05,1\n');
  });

  it('a dry run names the unselected upstream that keeps a selected partitioned asset stale, and its stale partitions, as the run does, never a selected one', async () => {
    expect((await instance.cli(['materialize'])).code).toBe(0);
    await instance.writeDay('2026-01-06', JSON.stringify([{ id: 6, amount: 60 }]));
    const said = 'Nothing to run, but 1 selected asset stays stale: a run uses what unselected upstreams stored.\n  totals_daily: its upstream sales_daily [2026-01-06] is not up to date, and not selected\n';
    for (const args of [['materialize', '--select', 'totals_daily+', '--dry-run'], ['materialize', '--select', 'totals_daily+']]) {
      const result = await instance.cli(args);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout, args.join(' ')).toContain(said);
      expect(result.stdout, args.join(' ')).not.toContain('its upstream totals_daily');
    }
    const json = await instance.cli(['materialize', '--select', 'totals_daily+', '--json']);
    expect(JSON.parse(json.stdout).staysStale.assets).toEqual([{ key: 'totals_daily', upstreams: ['sales_daily'], upstreamPartitions: { sales_daily: ['2026-01-06'] } }]);
  });

  it('a partition that reads a stale day outside its run is stale to why --partition, and a run of it, of a range or a backfill says it stays stale for that day rather than up to date', async () => {
    const lagged = (args: readonly string[]) => runCli([...args, '--definitions', LAGGED], { cwd: instance.dir, env: { STRATA_HOME: path.join(instance.dir, '.strata'), STRATA_OUTPUT_DIR: instance.output, LAGGED_SOURCE: instance.source } });
    const ok = async (args: readonly string[]) => {
      const result = await lagged(args);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout;
    };
    for (const [index, day] of DAYS.slice(0, 5).entries()) await instance.writeDay(day, JSON.stringify([index + 1, 10]));
    await ok(['materialize']);
    const third = path.join(instance.output, 'change_daily', '2026-01-03.csv');
    const stored = await readFile(third, 'utf8');

    // Day 2 changes: change_daily of day 3 reads it, yet a run of day 3 alone reads what day 2 stores now.
    await instance.writeDay('2026-01-02', JSON.stringify([100]));
    const why = await ok(['why', 'change_daily', '--partition', '2026-01-03', '--json']);
    expect(JSON.parse(why)).toMatchObject({ partition: '2026-01-03', status: 'stale' });
    const staysStale = 'stays stale: it reads stale partitions that runs of these partitions do not make (of other partitions, or of unselected upstreams):\n  change_daily [2026-01-03]: reads readings_daily [2026-01-02]\n';
    const hint = "`assets materialize --select '+change_daily'` runs every stale partition it reads, in order";
    for (const args of [
      ['materialize', '--select', '+change_daily', '--partition', '2026-01-03', '--dry-run'],
      ['materialize', '--select', '+change_daily', '--partition', '2026-01-03'],
      ['materialize', '--select', 'change_daily', '--partition', '2026-01-03'],
      ['backfill', '+change_daily', '--from', '2026-01-03', '--to', '2026-01-04'],
    ]) {
      const said = await ok(args);
      expect(said, args.join(' ')).toContain(`Nothing to run, but 1 partition ${staysStale}`);
      expect(said, args.join(' ')).toContain(hint);
      expect(said).not.toContain('up to date:');
    }
    const range = await ok(['materialize', '--select', '+change_daily', '--partition-range', '2026-01-03...2026-01-04']);
    expect(range).toContain('2 partitions: 2 up to date.\n1 partition stays stale: it reads stale partitions that these runs did not make');
    // --json says the same, for a range and for one partition.
    const staysStaleJson = { assets: [], partitions: [{ key: 'change_daily', partition: '2026-01-03', upstreams: ['readings_daily'], upstreamPartitions: { readings_daily: ['2026-01-02'] } }] };
    expect(JSON.parse(await ok(['materialize', '--select', '+change_daily', '--partition-range', '2026-01-03...2026-01-04', '--json'])).staysStale).toEqual(staysStaleJson);
    expect(JSON.parse(await ok(['materialize', '--select', '+change_daily', '--partition', '2026-01-03', '--json'])).staysStale).toEqual(staysStaleJson);
    expect(await readFile(third, 'utf8')).toBe(stored);

    // A plain materialize runs day 2 first, then day 3 on it: nothing stays stale.
    await ok(['materialize']);
    expect(await readFile(third, 'utf8')).toBe('day,days,change\n2026-01-03,2026-01-02 2026-01-03,-87\n');
    expect(await ok(['materialize', '--select', '+change_daily', '--partition', '2026-01-03'])).toBe('Everything is up to date.\n');
    expect(JSON.parse(await ok(['materialize', '--select', '+change_daily', '--partition', '2026-01-03', '--json'])).staysStale).toEqual({ assets: [], partitions: [] });
  }, 60_000);
});

describe('a reader of the newest partition', () => {
  it('reads the new newest day when the clock moves on, even when that day stores the same bytes as the last', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'strata-newest-day-'));
    try {
      const source = path.join(dir, 'days');
      await mkdir(source);
      // Two days without sales after the first: their stored tables are byte for byte the same.
      await writeFile(path.join(source, '2026-01-01.json'), '[5, 7]');
      await writeFile(path.join(source, '2026-01-02.json'), '[]');
      await writeFile(path.join(source, '2026-01-03.json'), '[]');
      const env = { STRATA_HOME: path.join(dir, '.strata'), STRATA_OUTPUT_DIR: path.join(dir, 'output'), NEWEST_DAY_SOURCE: source };
      const cli = (args: readonly string[], end: string) => runCli([...args, '--definitions', path.join(FIXTURES, 'newest-day-definitions.mjs')], { cwd: dir, env: { ...env, NEWEST_DAY_END: end } });
      const report = () => readFile(path.join(dir, 'output', 'latest_report.csv'), 'utf8');

      expect((await cli(['materialize'], '2026-01-03')).code).toBe(0);
      expect(await report()).toBe('day,total\n2026-01-02,0\n');
      expect(await readFile(path.join(dir, 'output', 'sales', '2026-01-03.csv')).catch(() => undefined)).toBeUndefined();

      // A day later the newest day is 2026-01-03, as empty as 2026-01-02 was.
      const run = await cli(['materialize'], '2026-01-04');
      expect(run.code, run.stderr).toBe(0);
      expect(await report()).toBe('day,total\n2026-01-03,0\n');
      const status = JSON.parse((await cli(['status', '--json'], '2026-01-04')).stdout) as StatusJson;
      expect(status.assets.map((asset) => [asset.key, asset.status])).toEqual([['sales', 'fresh'], ['latest_report', 'fresh']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
