import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../cli/run-cli.js';
import { nodeStatuses, openGraph, saveScreenshot, useUiSession } from './ui-browser.js';

// Its description and its error hold a <script> and an <img onerror>.
const DEFINITIONS = path.join(FIXTURES, 'ui-hostile-text-definitions.mjs');
const HOSTILE_TEXT = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">';

const session = useUiSession();
const openFixture = () => session.open({ args: ['--definitions', DEFINITIONS] });

/** Materializes everything from the graph page and returns the run's path. */
async function materializeAllFromPage(page: Page): Promise<string> {
  await page.click('button[data-action="materialize"]');
  await page.click('button[data-action="confirm-materialize"]');
  const link = page.locator('[data-run-id] a');
  await link.waitFor();
  return (await link.getAttribute('href')) ?? '';
}

async function injectedScriptRan(page: Page): Promise<unknown> {
  return page.evaluate(() => (globalThis as { __xss?: unknown }).__xss);
}

describe('a failing asset', () => {
  it('turns red on the graph and its error shows on the run page', async () => {
    const { ui, page } = await openFixture();
    await openGraph(page, ui.url);

    const runPath = await materializeAllFromPage(page);
    await expect.poll(() => nodeStatuses(page), { timeout: 15_000 }).toEqual({ numbers: 'fresh', hostile: 'failed' });
    const band = await page.locator('.asset-node[data-key="hostile"] .node-band').evaluate((element) => (globalThis as unknown as { getComputedStyle(element: unknown): { fill: string } }).getComputedStyle(element).fill);
    expect(band).toBe('rgb(179, 38, 30)');

    await page.click(`a[href="${runPath}"]`);
    const error = page.locator('.step-error[data-key="hostile"] pre');
    await error.waitFor();
    expect(await error.textContent()).toContain(`the warehouse said ${HOSTILE_TEXT}`);
    await expect(page.locator('h1 .status').textContent()).resolves.toBe('failed');
    await expect(page.locator('.timeline-step[data-key="hostile"]').getAttribute('data-outcome')).resolves.toBe('failure');
    await saveScreenshot(page, 'run-failed');
  });
});

describe('text from definitions and errors', () => {
  it('shows a <script> and an <img onerror> as text, on the asset page and the run page, and runs neither', async () => {
    const { ui, page } = await openFixture();
    await openGraph(page, ui.url);
    const runPath = await materializeAllFromPage(page);
    await expect.poll(() => nodeStatuses(page), { timeout: 15_000 }).toMatchObject({ hostile: 'failed' });

    await page.goto(`${ui.url}/assets/hostile`);
    await page.locator('p.description').waitFor();
    expect(await page.locator('p.description').textContent()).toBe(`Looks harmless ${HOSTILE_TEXT}`);
    await saveScreenshot(page, 'asset-hostile');
    expect(await page.locator('main img, main script').count()).toBe(0);

    await page.goto(`${ui.url}${runPath}`);
    await page.locator('.step-error pre').waitFor();
    expect(await page.locator('.step-error pre').textContent()).toContain(HOSTILE_TEXT);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await injectedScriptRan(page)).toBeUndefined();
  });
});
