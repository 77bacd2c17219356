import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli, startCli } from '../../cli/run-cli.js';
import { nodeStatuses, openGraph, saveScreenshot, useUiSession } from './ui-browser.js';

// accounts keeps a duplicate id, so its blocking check unique_id fails, and
// the duplicate row's name holds a <script> and an <img onerror>; invoices depends on it.
const DEFINITIONS = path.join(FIXTURES, 'ui-checked-definitions.mjs');
const HOSTILE_TEXT = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">';

const session = useUiSession();
const openFixture = () => session.open({ args: ['--definitions', DEFINITIONS] });

/**
 * After a run whose blocking check fails (exit 1), the graph page's
 * Materialize panel of `selection` (every asset without one).
 */
async function planAfterFailingRun<T extends Awaited<ReturnType<typeof openFixture>>>(opened: T, selection?: string) {
  const { workspace, ui, page } = opened;
  expect((await runCli(['materialize', '--definitions', DEFINITIONS], { cwd: workspace.dir, env: workspace.env })).code).toBe(1);
  await openGraph(page, ui.url);
  if (selection !== undefined) {
    await page.fill('input[name="selection"]', selection);
    await page.press('input[name="selection"]', 'Enter');
  }
  await page.click('button[data-action="materialize"]');
  return { ...opened, panel: page.locator('.materialize-panel') };
}

describe('asset checks in the UI', () => {
  it('marks the asset whose blocking check failed on the graph, lists its checks, and shows the failing rows as text', async () => {
    const { workspace, ui, page } = await openFixture();
    const run = await runCli(['materialize', '--definitions', DEFINITIONS], { cwd: workspace.dir, env: workspace.env });
    expect(run.code, run.stderr).toBe(1);

    await openGraph(page, ui.url);
    expect(await nodeStatuses(page)).toEqual({ accounts: 'failed-check', invoices: 'missing' });
    const band = await page.locator('.asset-node[data-key="accounts"] .node-band').evaluate((element) => (globalThis as unknown as { getComputedStyle(element: unknown): { fill: string } }).getComputedStyle(element).fill);
    expect(band).toBe('rgb(163, 36, 94)');
    expect(await page.locator('.asset-node[data-key="invoices"] .node-blocked').textContent()).toBe('blocked');
    await saveScreenshot(page, 'graph-failed-check');

    await page.locator('.asset-node[data-key="accounts"]').click();
    await page.waitForURL(`${ui.url}/assets/accounts`);
    await page.locator('table.checks').waitFor();
    expect(await page.locator('h1 .status').textContent()).toBe('failed-check');
    const rows = await page.locator('table.checks tr[data-check]').evaluateAll((elements) =>
      elements.map((element) => [element.getAttribute('data-check'), element.querySelector('.status')?.textContent, element.querySelectorAll('td')[2]?.textContent, element.querySelectorAll('td')[3]?.textContent]),
    );
    expect(rows).toEqual([
      ['accounts.not_null_email', 'warned', '1', 'warn'],
      ['accounts.row_count', 'passed', '0', 'error, blocking'],
      ['accounts.unique_id', 'failed', '1', 'error, blocking'],
    ]);
    const runLink = await page.locator('tr[data-check="accounts.unique_id"] a').getAttribute('href');
    expect(runLink).toMatch(/^\/runs\/[0-9a-f-]{36}$/);
    // Only the checks that did not pass open to rows.
    expect(await page.locator('tr[data-check-detail]').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-check-detail')))).toEqual(['accounts.not_null_email', 'accounts.unique_id']);

    const failing = page.locator('tr[data-check-detail="accounts.unique_id"]');
    expect(await failing.locator('table').isVisible()).toBe(false);
    await failing.locator('summary').click();
    const cells = await failing.locator('tbody td').allTextContents();
    expect(cells).toEqual(['2', `Mallory ${HOSTILE_TEXT}`, 'mallory@example.com']);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss)).toBeUndefined();
    await saveScreenshot(page, 'asset-failed-check');

    await page.click('a[href="/assets/invoices"]');
    const blocked = page.locator('.blocked-by');
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain('accounts.unique_id');
    expect(await blocked.locator('a').getAttribute('href')).toBe('/assets/accounts');
  });

  it('says which checks have not passed when a plan of the failing asset has nothing to run', async () => {
    const { workspace, page, panel } = await planAfterFailingRun(await openFixture(), 'accounts');
    await expect
      .poll(() => panel.locator('[data-plan="checks-not-passed"]').textContent())
      .toBe('Nothing to materialize, but 1 check has not passed on what is stored, and a run does not check it again while that is unchanged:');
    expect(await panel.locator('li[data-check]').allTextContents()).toEqual(["accounts.unique_id: failed on accounts's stored output (see why)"]);
    expect(await panel.locator('li[data-check] a').getAttribute('href')).toBe('/assets/accounts');
    expect(await panel.locator('[data-plan="empty"]').count()).toBe(0);
    await saveScreenshot(page, 'plan-checks-not-passed');

    // The CLI says the same of the same selection.
    const cli = await runCli(['materialize', '--select', 'accounts', '--definitions', DEFINITIONS], { cwd: workspace.dir, env: workspace.env });
    expect(cli.stdout).toContain("accounts.unique_id: failed on accounts's stored output (assets checks accounts shows why)");
  });

  it('offers the run that checks a changed check again when nothing is to materialize, as materialize --dry-run says it', async () => {
    // The UI loads row_count with another minimum than the run that stored accounts: only that check runs again.
    const { panel } = await planAfterFailingRun(await session.open({ args: ['--definitions', DEFINITIONS], env: () => ({ UI_CHECKED_MIN_ROWS: '2' }) }), 'accounts');
    await expect.poll(() => panel.locator('[data-plan="checks-again"]').textContent()).toBe('1 check would run again on what is stored, without materializing its asset: accounts.row_count.');
    expect(await panel.locator('button[data-action="confirm-materialize"]').textContent()).toBe('Run 1 check again');
    expect(await panel.locator('[data-plan="empty"], [data-plan="checks-not-passed"]').count()).toBe(0);
  });

  it('says the plan would skip what reads the asset whose blocking check failed, and counts it out', async () => {
    const { page, panel } = await planAfterFailingRun(await openFixture());
    const invoices = panel.locator('.plan-list > li[data-key="invoices"]');
    await invoices.waitFor();
    expect(await invoices.getAttribute('data-skipped')).toBe('true');
    expect(await invoices.textContent()).toContain('Would be skipped: blocking check accounts.unique_id failed on what an upstream stores.');
    expect(await panel.textContent()).toContain('A run would materialize 0 of the 2 selected assets and skip 1, in this order:');
    expect(await panel.locator('button[data-action="confirm-materialize"]').textContent()).toBe('Run anyway');
    await saveScreenshot(page, 'plan-skipped-for-failing-check');
  });

  it('re-reads the asset page’s checks while another process runs them', async () => {
    const { workspace, ui, page } = await openFixture();
    await page.goto(`${ui.url}/assets/accounts`);
    await page.locator('table.checks').waitFor();
    await page.locator('body[data-live="connected"]').waitFor({ state: 'attached' });
    expect(await page.locator('table.checks .status').allTextContents()).toEqual(['never-run', 'never-run', 'never-run']);
    // Set on this document only: a reload would lose it.
    await page.evaluate(() => ((globalThis as { loadedOnce?: boolean }).loadedOnce = true));

    const cli = startCli(['materialize', '--definitions', DEFINITIONS], { cwd: workspace.dir, env: workspace.env });
    expect((await cli.done).code).toBe(1);

    await expect.poll(() => page.locator('table.checks .status').allTextContents(), { timeout: 15_000 }).toEqual(['warned', 'passed', 'failed']);
    await expect.poll(() => page.locator('h1 .status').textContent()).toBe('failed-check');
    expect(await page.evaluate(() => (globalThis as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
  });
});
