import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorResponse, AssetResponse, GraphResponse, PartitionsResponse, PlanResponse, PreviewResponse } from '../../../src/ui/api-types.js';
import { makeWorkspace, runCli } from '../../cli/run-cli.js';
import { DAYS, materializeFiveDaysAndEditThird, PARTITIONED, partitionedEnv } from '../partitioned-workspace.js';
import { type RunningUi, startUi } from '../start-ui.js';

// One workspace for the file: every test only reads it. totals_daily: 4/7 fresh, 2026-01-03 stale, the 6th and 7th missing.
let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
let env: Record<string, string>;
let ui: RunningUi;

beforeAll(async () => {
  workspace = await makeWorkspace();
  env = { ...workspace.env, ...partitionedEnv(workspace.dir) };
  await materializeFiveDaysAndEditThird(workspace.dir, env);
  ui = await startUi({ cwd: workspace.dir, env, args: ['--definitions', PARTITIONED] });
}, 60_000);

afterAll(async () => {
  await ui?.stop();
  await workspace?.cleanup();
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(path, ui.url));
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: await response.json() };
}

async function getJson<T>(path: string): Promise<T> {
  const { status, body } = await get(path);
  expect(status, `${path}: ${JSON.stringify(body)}`).toBe(200);
  return body as T;
}

async function getError(path: string, status: number): Promise<ApiErrorResponse['error']> {
  const answer = await get(path);
  expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(status);
  return (answer.body as ApiErrorResponse).error;
}

describe('partitions in the UI API', () => {
  it('gives a partitioned asset its counts on the graph and its page, with why lines that say them instead of calling it fresh', async () => {
    const graph = await getJson<GraphResponse>('/api/graph');
    const node = graph.nodes.find((each) => each.key === 'totals_daily')!;
    expect(node).toMatchObject({ status: 'stale', reasons: [], rows: null, partitions: { total: 7, fresh: 4, stale: 1, missing: 2, summary: '4/7 fresh, 1 stale, 2 missing' } });
    expect(node.why[0]).toBe('totals_daily is partitioned: 4/7 fresh, 1 stale, 2 missing.');
    expect(node.why.join('\n')).not.toMatch(/is fresh/);
    expect(node.why.at(-1)).toMatch(/assets why totals_daily --partition KEY/);
    expect(graph.nodes.find((each) => each.key === 'weekly_totals')!.partitions).toBeNull();
    expect(graph.nodes.find((each) => each.key === 'tenant_report')!.partitions).toEqual({ total: 0, fresh: 0, stale: 0, missing: 0, summary: 'no partitions yet' });

    const asset = await getJson<AssetResponse>('/api/assets/totals_daily');
    expect(asset).toMatchObject({ status: 'stale', reasons: [], rows: null, dataVersion: null, partitions: node.partitions });
    // The page names the partitions that are not fresh.
    expect(asset.why.slice(0, 3)).toEqual(['totals_daily is partitioned: 4/7 fresh, 1 stale, 2 missing.', 'Stale: 2026-01-03.', 'Missing: 2026-01-06, 2026-01-07.']);
    expect(asset.history.map((entry) => entry.partition).sort()).toEqual(DAYS.slice(0, 5));
    expect(asset.lastMaterializedAt).toBe(asset.history[0]!.materializedAt);

    const unpartitioned = await getJson<AssetResponse>('/api/assets/weekly_totals');
    expect(unpartitioned.partitions).toBeNull();
    expect(unpartitioned.why[0]).toBe('weekly_totals has never been materialized.');
  });

  it('gives a partitioned asset no rows or data version of its own, as `assets status` and `assets list` do: each partition has its own', async () => {
    const cli = async (command: string) => {
      const run = await runCli([command, '--definitions', PARTITIONED, '--json'], { cwd: workspace.dir, env });
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { assets: { key: string; rows: number | null; dataVersion: string | null; lastMaterializedAt: string | null }[] }).assets.find((each) => each.key === 'totals_daily')!;
    };
    const asset = await getJson<AssetResponse>('/api/assets/totals_daily');
    const shown = { rows: asset.rows, dataVersion: asset.dataVersion, lastMaterializedAt: asset.lastMaterializedAt };
    expect(shown).toEqual({ rows: null, dataVersion: null, lastMaterializedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    for (const command of ['status', 'list']) expect(await cli(command)).toMatchObject(shown);
    const table = await runCli(['status', '--definitions', PARTITIONED, '--no-color'], { cwd: workspace.dir, env });
    expect(table.stdout).toMatch(/^totals_daily +stale \(4\/7 fresh, 1 stale, 2 missing\) +- +\S+ +-$/m);
    // Where the rows are: per partition, in the partitions table and `assets partitions`.
    const partitions = await getJson<PartitionsResponse>('/api/assets/totals_daily/partitions');
    expect(partitions.partitions.find((each) => each.partition === DAYS[0])).toMatchObject({ rows: 1, dataVersion: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('lists each partition as `assets partitions --json` does, with the sentences of `why --partition`', async () => {
    const listed = await getJson<PartitionsResponse>('/api/assets/totals_daily/partitions');
    const cli = await runCli(['partitions', 'totals_daily', '--definitions', PARTITIONED, '--json'], { cwd: workspace.dir, env });
    expect(cli.code, cli.stderr).toBe(0);
    const printed = JSON.parse(cli.stdout) as { counts: Record<string, number>; partitions: { partition: string; reasons: string[] }[] };
    expect(listed.key).toBe('totals_daily');
    expect(listed.counts).toEqual({ ...printed.counts, summary: '4/7 fresh, 1 stale, 2 missing' });
    expect(listed.partitions.map((partition) => ({ ...partition, reasons: partition.reasons.map((reason) => reason.kind) }))).toEqual(printed.partitions);
    expect(listed.partitions.map((partition) => [partition.partition, partition.status])).toEqual(DAYS.map((day, index) => [day, index === 2 ? 'stale' : index < 5 ? 'fresh' : 'missing']));

    const stale = listed.partitions[2]!;
    const why = await runCli(['why', 'totals_daily', '--partition', stale.partition, '--definitions', PARTITIONED, '--json'], { cwd: workspace.dir, env });
    expect(stale.reasons).toEqual((JSON.parse(why.stdout) as { reasons: { kind: string; sentence: string }[] }).reasons.map(({ kind, sentence }) => ({ kind, sentence })));
    expect(stale.reasons[0]!.sentence).toMatch(/^sales_daily will be materialized first; totals_daily \[2026-01-03\] runs only if/);

    const empty = await getJson<PartitionsResponse>('/api/assets/tenant_report/partitions');
    expect(empty).toEqual({ key: 'tenant_report', counts: { total: 0, fresh: 0, stale: 0, missing: 0, summary: 'no partitions yet' }, blockedBy: [], partitions: [] });
    const notPartitioned = await getError('/api/assets/weekly_totals/partitions', 400);
    expect(notPartitioned.message).toBe('weekly_totals is not partitioned.');
    expect((await getError('/api/assets/totals_dialy/partitions', 404)).hint).toMatch(/totals_daily/);
  });

  it('plans the stale and missing partitions a materialize runs first, as `materialize --dry-run` does, then the rest', async () => {
    const response = await ui.post('/api/plan');
    expect(response.status).toBe(200);
    const plan = (await response.json()) as PlanResponse;
    const cli = await runCli(['materialize', '--dry-run', '--json', '--definitions', PARTITIONED], { cwd: workspace.dir, env });
    const dryRun = JSON.parse(cli.stdout) as { partitions: string[]; plan: { key: string; reasons: string[]; skipped: boolean; blockedBy: string[] }[] };
    expect(plan.partitions).toEqual(['2026-01-03', '2026-01-06', '2026-01-07']);
    expect(plan.partitions).toEqual(dryRun.partitions);
    expect(plan.plan.map(({ reasons, ...step }) => ({ ...step, reasons: reasons.map((reason) => reason.kind) }))).toEqual(dryRun.plan);
    expect(plan.plan.map(({ key }) => key)).toContain('weekly_totals');
  });

  it('previews the partition asked for, and without one the partition materialized last', async () => {
    const second = await getJson<PreviewResponse>('/api/assets/totals_daily/preview?partition=2026-01-02');
    expect(second).toMatchObject({ key: 'totals_daily', partition: '2026-01-02', columns: ['day', 'sales', 'total'], truncated: false });
    expect(second.rows).toEqual([{ day: '2026-01-02', sales: 2, total: 3.5 }]);

    const history = await getJson<AssetResponse>('/api/assets/totals_daily');
    const latest = await getJson<PreviewResponse>('/api/assets/totals_daily/preview');
    expect(latest.partition).toBe(history.history[0]!.partition);
    expect(latest.rows).toEqual([{ day: latest.partition, sales: 2, total: DAYS.indexOf(latest.partition!) + 1 + 1.5 }]);

    const sales = await getJson<PreviewResponse>('/api/assets/sales_daily/preview?partition=2026-01-01');
    expect(sales.rows).toEqual([
      { day: '2026-01-01', id: 1, amount: 1 },
      { day: '2026-01-01', id: 2, amount: 1.5 },
    ]);
  });

  it('answers a partition the asset does not have with 400 saying why, and one never materialized with 404', async () => {
    const outside = await getError('/api/assets/totals_daily/preview?partition=2026-02-01', 400);
    expect(outside.message).toMatch(/^totals_daily has no partition "2026-02-01": /);
    expect(outside.hint).toBe('`assets partitions totals_daily` lists them.');
    const garbled = await getError('/api/assets/totals_daily/preview?partition=yesterday', 400);
    expect(garbled.message).toMatch(/^totals_daily has no partition "yesterday"/);

    const missing = await getError('/api/assets/totals_daily/preview?partition=2026-01-06', 404);
    expect(missing).toMatchObject({ code: 'STRATA_NOT_MATERIALIZED', message: 'totals_daily [2026-01-06] has never been materialized: there are no stored rows to show.' });
    expect(missing.hint).toMatch(/--partition 2026-01-06/);

    const none = await getError('/api/assets/tenant_report/preview', 404);
    expect(none.message).toBe('No partition of tenant_report has been materialized yet: there are no stored rows to show.');
    expect(none.hint).toMatch(/assets materialize --select tenant_report --partition KEY/);

    expect((await getError('/api/assets/weekly_totals/preview?partition=2026-01-01', 400)).message).toMatch(/^weekly_totals is not partitioned/);
    expect((await getError('/api/assets/totals_dialy/preview', 404)).hint).toMatch(/totals_daily/);
  });

  it('names the partition query parameter, not the CLI\'s --partition flag, when a preview of an unpartitioned asset is given one', async () => {
    const error = await getError('/api/assets/weekly_totals/preview?partition=2026-01-01', 400);
    expect(error).toEqual({
      code: 'STRATA_USAGE',
      message: 'weekly_totals is not partitioned: the partition query parameter has nothing to choose.',
      hint: 'Leave out the partition query parameter: GET /api/assets/weekly_totals/preview.',
      caret: null,
    });
  });
});
