import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from '../../cli/run-cli.js';
import { DAYS, materializeFiveDaysAndEditThird, PARTITIONED, partitionedEnv } from '../partitioned-workspace.js';
import { nodeStatuses, openGraph, saveScreenshot, useUiSession } from './ui-browser.js';

const session = useUiSession();

describe('partitions in the UI', () => {
  it('shows a partitioned asset’s counts on its card, its partitions on its page, and previews the partition clicked', async () => {
    const { workspace, ui, page } = await session.open({ args: ['--definitions', PARTITIONED], env: partitionedEnv });
    await materializeFiveDaysAndEditThird(workspace.dir, { ...workspace.env, ...partitionedEnv(workspace.dir) });

    await openGraph(page, ui.url);
    expect((await nodeStatuses(page)).totals_daily).toBe('stale');
    expect(await page.locator('.asset-node[data-key="totals_daily"] .node-detail').textContent()).toMatch(/^4\/7 fresh · /);
    expect(await page.locator('.asset-node[data-key="weekly_totals"] .node-detail').textContent()).toBe('never materialized');
    await saveScreenshot(page, 'graph-partitioned');

    // Materialize plans the stale and missing partitions first, as the run will, then what reads them.
    await page.click('button[data-action="materialize"]');
    const panel = page.locator('.materialize-panel');
    await expect.poll(() => panel.locator('[data-plan="partitions"]').textContent()).toBe('The stale or missing partitions run first, one run each: 3 partitions (2026-01-03, 2026-01-06, 2026-01-07).');
    expect(await panel.locator('.plan-list > li').evaluateAll((steps) => steps.map((step) => step.getAttribute('data-key')))).toContain('weekly_totals');
    expect(await panel.locator('button[data-action="confirm-materialize"]').textContent()).toMatch(/^Materialize 3 partitions and \d+ assets?$/);
    await saveScreenshot(page, 'materialize-partitions');
    await panel.getByRole('button', { name: 'Close' }).click();

    await page.locator('.asset-node[data-key="totals_daily"]').click();
    await page.waitForURL(`${ui.url}/assets/totals_daily`);
    await page.locator('table.partitions').waitFor();
    expect(await page.locator('.partition-counts').textContent()).toBe('4/7 fresh, 1 stale, 2 missing.');
    const rows = await page.locator('table.partitions tr[data-partition]').evaluateAll((elements) =>
      elements.map((element) => [element.getAttribute('data-partition'), element.querySelector('.status')?.textContent, element.querySelectorAll('td')[2]?.textContent]),
    );
    expect(rows).toEqual(DAYS.map((day, index) => [day, index === 2 ? 'stale' : index < 5 ? 'fresh' : 'missing', index === 2 ? 'upstream-planned' : index < 5 ? '—' : 'missing, upstream-planned']));
    // Coloured as statuses are elsewhere: the stale badge has the stale colour.
    const colour = await page.locator('tr[data-partition="2026-01-03"] .status').evaluate((element) => (globalThis as unknown as { getComputedStyle(element: unknown): { color: string } }).getComputedStyle(element).color);
    expect(colour).toBe('rgb(154, 98, 0)');
    expect(await page.locator('.why-list li').allTextContents()).toEqual(expect.arrayContaining(['totals_daily is partitioned: 4/7 fresh, 1 stale, 2 missing.', 'Stale: 2026-01-03.']));
    expect(await page.locator('th').allTextContents()).toContain('Partition');

    // The preview opens on the partition materialized last, marked in the table.
    await expect.poll(() => page.locator('.preview-caption').textContent()).toMatch(/of partition 2026-01-05, the one materialized last/);
    expect(await page.locator('tr[aria-current="true"]').getAttribute('data-partition')).toBe('2026-01-05');

    await page.locator('tr[data-partition="2026-01-02"] button').click();
    await expect.poll(() => page.locator('.preview-caption').textContent()).toBe('The only row of partition 2026-01-02.');
    expect(await page.locator('tr[aria-current="true"]').getAttribute('data-partition')).toBe('2026-01-02');
    expect(await page.locator('.preview-caption + .table-scroll tbody td').allTextContents()).toEqual(['2026-01-02', '2', '3.5']);
    await saveScreenshot(page, 'asset-partitions');
  });

  it('says in the Materialize plan that the partitions\' runs would skip an asset for a failing blocking check of the unpartitioned upstream they read, and does not count them as partitions to materialize', async () => {
    const definitions = path.join(FIXTURES, 'checked-feeder-partitions-definitions.mjs');
    const { workspace, ui, page } = await session.open({ args: ['--definitions', definitions], env: (dir) => ({ FED_DIR: dir }) });
    const env = { ...workspace.env, FED_DIR: workspace.dir };
    const materialize = () => runCli(['materialize', '--definitions', definitions], { cwd: workspace.dir, env });
    await writeFile(path.join(workspace.dir, 'rate.json'), '{"rate":2}');
    expect((await materialize()).code).toBe(0);
    await writeFile(path.join(workspace.dir, 'rate.json'), '{"rate":-1}');
    expect((await materialize()).code).toBe(1);

    await openGraph(page, ui.url);
    await page.click('button[data-action="materialize"]');
    const panel = page.locator('.materialize-panel');
    await expect.poll(() => panel.locator('[data-plan="partitions"]').textContent()).toBe('The stale or missing partitions run first, one run each: 3 partitions (2026-01-01, 2026-01-02, 2026-01-03).');
    expect(await panel.locator('[data-skipped-in-partitions]').allTextContents()).toEqual([
      'Their runs would skip converted_daily in 3 partitions (2026-01-01, 2026-01-02, 2026-01-03): blocking check rate.positive failed on what an upstream stores.',
    ]);
    // Every one of those runs would only skip, and nothing else would run: the button promises no partitions.
    expect(await panel.locator('button[data-action="confirm-materialize"]').textContent()).toBe('Run anyway');
    await saveScreenshot(page, 'materialize-partitions-skipped');
  });
});
