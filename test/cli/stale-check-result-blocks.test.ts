import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanResponse } from '../../src/ui/api-types.js';
import { startUi } from '../ui/start-ui.js';
import { FIXTURES, runCli } from './run-cli.js';

/**
 * A failing blocking check whose result is out of date (another asset it read
 * changed since) still blocks a run that does not run its asset again: the
 * run judges an upstream's checks by their latest results on what that
 * upstream stores. The dry run, `why` and the UI's plan say what the run does.
 */
describe('a failing blocking check whose result is out of date', () => {
  let dir: string;
  const definitions = ['--definitions', path.join(FIXTURES, 'related-check-definitions.mjs')];
  const env = () => ({ RELATED_DIR: dir, STRATA_HOME: path.join(dir, '.strata'), STRATA_OUTPUT_DIR: path.join(dir, 'out') });
  const cli = (...args: string[]) => runCli([...args, ...definitions], { cwd: dir, env: env() });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-stale-check-'));
    await writeFile(path.join(dir, 'customers.json'), JSON.stringify([{ id: 1 }]));
    await writeFile(path.join(dir, 'orders.json'), JSON.stringify([{ id: 1, customer_id: 2 }]));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Order 1's customer 2 does not exist: the check fails. Then customer 2 arrives, and orders is not run again: its check's result, now out of date, stands. */
  const failThenFixCustomers = async () => {
    expect((await cli('materialize')).code).toBe(1);
    await writeFile(path.join(dir, 'customers.json'), JSON.stringify([{ id: 1 }, { id: 2 }]));
    expect((await cli('materialize', '--select', 'customers')).code).toBe(0);
  };

  it('blocks order_count in the dry run as in the run, after the customers it read changed', { timeout: 60_000 }, async () => {
    await failThenFixCustomers();
    const checks = JSON.parse((await cli('checks', 'orders', '--json')).stdout) as { checks: { check: string; status: string; current: boolean }[] };
    expect(checks.checks.map(({ check, status, current }) => ({ check, status, current }))).toEqual([{ check: 'orders.relationships_customer_id', status: 'failed', current: false }]);

    const dry = await cli('materialize', '--select', 'order_count', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('0 of 1 selected asset would run (dry run: nothing was written).\n');
    expect(dry.stdout).toContain('  order_count: check orders.relationships_customer_id failed (`assets checks orders` shows why)\n');
    const dryJson = JSON.parse((await cli('materialize', '--select', 'order_count', '--dry-run', '--json')).stdout) as { plan: { key: string; skipped: boolean; blockedBy: string[] }[] };
    expect(dryJson.plan.map(({ key, skipped, blockedBy }) => ({ key, skipped, blockedBy }))).toEqual([{ key: 'order_count', skipped: true, blockedBy: ['orders.relationships_customer_id'] }]);
    const why = JSON.parse((await cli('why', 'order_count', '--json')).stdout) as { checks: { blockedBy: string[] } };
    expect(why.checks.blockedBy).toEqual(['orders.relationships_customer_id']);
    const ui = await startUi({ cwd: dir, env: env(), args: definitions });
    try {
      const plan = (await (await ui.post('/api/plan', { select: 'order_count' })).json()) as PlanResponse;
      expect(plan.plan.map(({ key, skipped, blockedBy }) => ({ key, skipped, blockedBy }))).toEqual([{ key: 'order_count', skipped: true, blockedBy: ['orders.relationships_customer_id'] }]);
    } finally {
      await ui.stop();
    }

    const run = await cli('materialize', '--select', 'order_count');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('order_count: skipped, check orders.relationships_customer_id failed\n');

    // Checked again on what is stored, it passes, and nothing blocks order_count any more.
    expect((await cli('check', 'orders')).code).toBe(0);
    const after = JSON.parse((await cli('materialize', '--select', 'order_count', '--dry-run', '--json')).stdout) as { plan: { key: string; skipped: boolean }[] };
    expect(after.plan.map(({ key, skipped }) => ({ key, skipped }))).toEqual([{ key: 'order_count', skipped: false }]);
  });

  it('lets runs that select orders check it again: the dry run, partitions first, and a backfill go ahead as those runs do', { timeout: 60_000 }, async () => {
    await failThenFixCustomers();
    // Each partition's run selects orders, whose out-of-date result it checks again before order_days reads it.
    const dry = JSON.parse((await cli('materialize', '--select', 'orders, order_days', '--dry-run', '--json')).stdout) as { partitions: string[]; skippedInPartitions: unknown[]; partitionsOnlySkipping: string[] };
    expect(dry).toMatchObject({ partitions: ['2026-01-01', '2026-01-02'], skippedInPartitions: [], partitionsOnlySkipping: [] });
    const backfill = await cli('backfill', 'orders, order_days', '--json');
    expect(backfill.code, backfill.stderr).toBe(0);
    expect(JSON.parse(backfill.stdout)).toMatchObject({ status: 'completed', counts: { materialized: 2 } });
    const checks = JSON.parse((await cli('checks', 'orders', '--json')).stdout) as { checks: { status: string; current: boolean }[] };
    expect(checks.checks).toMatchObject([{ status: 'passed', current: true }]);
  });
});
