import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../../cli/run-cli.js';
import { nodeStatuses, openGraph, saveScreenshot, useUiSession } from './ui-browser.js';

// The six tables a run without partitions builds, and the daily-partitioned assets (with user_trends, which reads them).
const EXAMPLE_KEYS = ['posts', 'posts_daily', 'posts_enriched', 'summary', 'top_authors', 'user_stats', 'user_stats_daily', 'user_trends', 'users'];
const DAILY_MISSING = { posts_daily: 'missing', user_stats_daily: 'missing', user_trends: 'missing' };

const session = useUiSession();
const openExample = () => session.open();

describe('the asset graph page', () => {
  it('shows the example assets with the statuses of the last run', async () => {
    const { workspace, ui, page } = await openExample();
    const run = await runCli(['materialize', '--select', '+top_authors'], { cwd: workspace.dir, env: workspace.env });
    expect(run.code, run.stderr).toBe(0);

    await openGraph(page, ui.url);

    expect(await nodeStatuses(page)).toEqual({ posts: 'fresh', users: 'fresh', user_stats: 'fresh', top_authors: 'fresh', posts_enriched: 'missing', summary: 'missing', ...DAILY_MISSING });
    await saveScreenshot(page, 'graph-after-run');
  });

  it('warns under the selection box of a part that selects nothing, as the CLI does', async () => {
    const { ui, page } = await openExample();
    await openGraph(page, ui.url);
    await page.fill('input[name="selection"]', 'users, tag:nosuch');
    await page.press('input[name="selection"]', 'Enter');
    const warning = page.locator('.selection-error [data-selection-warning]');
    await expect.poll(() => warning.textContent()).toBe('warning: "tag:nosuch" in "users, tag:nosuch" selects no assets; the rest of the selection does.');
    expect(await page.locator('.asset-node.selected').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-key')))).toEqual(['users']);
  });

  it('says why a plan runs nothing while a selected asset stays stale for an unselected upstream', async () => {
    const { workspace, ui, page } = await openExample();
    expect((await runCli(['materialize', '--select', '+top_authors'], { cwd: workspace.dir, env: workspace.env })).code).toBe(0);
    const usersFile = path.join(workspace.source, 'users.json');
    const users = JSON.parse(await readFile(usersFile, 'utf8')) as Record<string, unknown>[];
    users[0]!.name = 'A Changed Name';
    await writeFile(usersFile, JSON.stringify(users, null, 2));
    await openGraph(page, ui.url);
    expect(await nodeStatuses(page)).toMatchObject({ users: 'stale', user_stats: 'stale', top_authors: 'stale' });

    await page.fill('input[name="selection"]', 'top_authors');
    await page.press('input[name="selection"]', 'Enter');
    await page.click('button[data-action="materialize"]');

    const panel = page.locator('.materialize-panel');
    await expect.poll(() => panel.locator('[data-plan="stale-for-unselected"]').textContent()).toBe('Nothing to materialize, but 1 selected asset stays stale: a run uses what unselected upstreams stored.');
    expect(await panel.locator('li[data-key="top_authors"]').textContent()).toBe('top_authors: its upstream user_stats is not up to date, and not selected');
    expect(await panel.textContent()).toContain('e.g. +top_authors.');
    expect(await panel.locator('[data-plan="empty"]').count()).toBe(0);

    // A plan with work says the same under its steps: users runs, top_authors stays stale.
    await panel.getByRole('button', { name: 'Close' }).click();
    await page.fill('input[name="selection"]', 'users,top_authors');
    await page.press('input[name="selection"]', 'Enter');
    await page.click('button[data-action="materialize"]');
    await expect.poll(() => panel.locator('.plan-list > li').evaluateAll((steps) => steps.map((step) => step.getAttribute('data-key')))).toEqual(['users']);
    expect(await panel.locator('[data-plan="stale-for-unselected"]').textContent()).toBe('1 selected asset stays stale: a run uses what unselected upstreams stored.');
    expect(await panel.locator('li[data-key="top_authors"]').textContent()).toBe('top_authors: its upstream user_stats is not up to date, and not selected');
  });

  it('explains a node’s status when it has the keyboard focus', async () => {
    const { ui, page } = await openExample();
    await openGraph(page, ui.url);

    await page.locator('.asset-node[data-key="summary"]').focus();

    await expect.poll(() => page.locator('.node-inspector').textContent()).toContain('summary has never been materialized.');
  });

  it('materializes exactly +top_authors when it is selected and confirmed on the page', async () => {
    const { workspace, ui, page } = await openExample();
    await openGraph(page, ui.url);

    await page.fill('input[name="selection"]', '+top_authors');
    await page.press('input[name="selection"]', 'Enter');
    await expect.poll(() => page.locator('.asset-node.selected').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-key')).sort())).toEqual(['posts', 'top_authors', 'user_stats', 'users']);
    await page.click('button[data-action="materialize"]');
    // The plan (dry run) comes first, with its reasons; nothing runs before the confirm.
    await expect.poll(() => page.locator('.plan-list > li').evaluateAll((items) => items.map((item) => item.getAttribute('data-key')))).toEqual(['posts', 'users', 'user_stats', 'top_authors']);
    await expect(page.locator('.plan-list').textContent()).resolves.toContain('top_authors has never been materialized.');
    await saveScreenshot(page, 'graph-plan');
    await page.click('button[data-action="confirm-materialize"]');
    await page.locator('[data-run-id]').waitFor();
    await expect.poll(() => nodeStatuses(page), { timeout: 15_000 }).toMatchObject({ top_authors: 'fresh' });

    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: workspace.dir, env: workspace.env })).stdout) as { runs: { trigger: string; selection: string; status: string; assets: { materialized: number } }[] };
    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0]).toMatchObject({ trigger: 'ui', selection: '+top_authors', status: 'success', assets: { materialized: 4 } });
    const status = JSON.parse((await runCli(['status', '--json'], { cwd: workspace.dir, env: workspace.env })).stdout) as { assets: { key: string; status: string }[] };
    expect(Object.fromEntries(status.assets.map((asset) => [asset.key, asset.status]))).toEqual({ posts: 'fresh', users: 'fresh', user_stats: 'fresh', top_authors: 'fresh', posts_enriched: 'missing', summary: 'missing', ...DAILY_MISSING });
  });

  it('shows a selection syntax error with the CLI’s caret under the column', async () => {
    const { ui, page } = await openExample();
    await openGraph(page, ui.url);

    await page.fill('input[name="selection"]', 'top_authors and (');
    await page.press('input[name="selection"]', 'Enter');

    const error = page.locator('.selection-error pre.error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^error: .+\n {2}top_authors and \(\n {2}\s*\^/);
  });

  it('updates a node’s status live while another process materializes it', async () => {
    const { workspace, ui, page } = await openExample();
    await openGraph(page, ui.url);
    expect((await nodeStatuses(page)).summary).toBe('missing');
    // Set on this document only: a reload would lose it.
    await page.evaluate(() => ((globalThis as { loadedOnce?: boolean }).loadedOnce = true));

    const cli = await startCli(['materialize'], { cwd: workspace.dir, env: workspace.env }).done;
    expect(cli.code, cli.stderr).toBe(0);

    await expect.poll(() => nodeStatuses(page), { timeout: 15_000 }).toEqual(Object.fromEntries(EXAMPLE_KEYS.map((key) => [key, 'fresh'])));
    expect(await page.evaluate(() => (globalThis as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
  });

  it('collapses a group to its label and expands it again', async () => {
    const { ui, page } = await openExample();
    await openGraph(page, ui.url);

    await page.locator('[data-group="analytics"] .group-toggle').click();
    expect(Object.keys(await nodeStatuses(page)).sort()).toEqual(['posts', 'posts_daily', 'posts_enriched', 'user_stats_daily', 'user_trends', 'users']);
    await page.locator('[data-group="analytics"] .group-toggle').press('Enter');
    expect(Object.keys(await nodeStatuses(page)).sort()).toEqual(EXAMPLE_KEYS);
  });
});

describe('the asset page', () => {
  it('shows an asset’s facts, its history with a chart, and a preview of its stored rows', async () => {
    const { workspace, ui, page } = await openExample();
    for (const args of [['materialize', '--select', '+top_authors'], ['materialize', '--select', 'top_authors', '--force']]) {
      expect((await runCli(args, { cwd: workspace.dir, env: workspace.env })).code).toBe(0);
    }

    await openGraph(page, ui.url);
    await page.locator('.asset-node[data-key="top_authors"]').click();
    await page.waitForURL(`${ui.url}/assets/top_authors`);
    await page.locator('main table').last().waitFor();

    const facts = await page.locator('dl.facts').textContent();
    expect(facts).toContain('analytics');
    expect(facts).toContain('user_stats');
    expect(await page.locator('h1 .status').textContent()).toBe('fresh');
    expect(await page.locator('svg.chart polyline.rows-line').count()).toBe(1);
    expect(await page.locator('h2:has-text("History") ~ table tbody tr').count()).toBe(2);
    expect(await page.locator('td code', { hasText: 'avg_words_per_post' }).count()).toBe(1);
    // The preview is read after the page's facts: wait for its rows rather than count them at once.
    await expect.poll(() => page.locator('.table-scroll tbody tr').count()).toBe(5);
    await saveScreenshot(page, 'asset-top-authors');
  });
});

describe('the page’s token', () => {
  it('is required on every POST: the page’s own request without it is refused and runs nothing', async () => {
    const { workspace, ui, page } = await openExample();
    await openGraph(page, ui.url);

    const token = (await page.locator('meta[name="strata-token"]').getAttribute('content')) ?? '';
    const statuses = await page.evaluate(async (token) => {
      const post = (headers: Record<string, string>) => fetch('/api/materialize', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ select: 'users' }) }).then((response) => response.status);
      return { token: token.length, without: await post({}), wrong: await post({ 'x-strata-token': `${token}x` }) };
    }, token);

    expect(statuses.token).toBeGreaterThan(0);
    expect(statuses.without).toBe(403);
    expect(statuses.wrong).toBe(403);
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: workspace.dir, env: workspace.env })).stdout) as { runs: unknown[] };
    expect(runs.runs).toEqual([]);
  });
});
