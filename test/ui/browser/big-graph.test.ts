import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace } from '../../cli/run-cli.js';
import { type RunningUi, startUi } from '../start-ui.js';
import { launchBrowser, saveScreenshot } from './ui-browser.js';

// 400 assets in four groups: above the size at which the page opens with groups collapsed.
const DEFINITIONS = path.join(FIXTURES, 'ui-many-assets-definitions.mjs');

let browser: Browser;
let ui: RunningUi;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const workspace = await makeWorkspace();
  cleanup = workspace.cleanup;
  ui = await startUi({ cwd: workspace.dir, env: workspace.env, args: ['--definitions', DEFINITIONS] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await cleanup?.();
});

describe('a graph of 400 assets', () => {
  it('opens with its groups collapsed to cards, expands one, and zooms and pans', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(ui.url);
    await page.locator('.group-box.collapsed').first().waitFor();

    expect(await page.locator('.group-box.collapsed').count()).toBe(4);
    expect(await page.locator('.asset-node').count()).toBe(0);
    expect(await page.locator('[data-group="team_0"] .group-summary').textContent()).toBe('100 missing');

    await page.locator('[data-group="team_0"] .group-toggle').click();
    expect(await page.locator('.asset-node').count()).toBe(100);
    await saveScreenshot(page, 'big-graph-one-group');

    const svg = page.locator('svg.asset-graph');
    const fitted = await svg.getAttribute('viewBox');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    const zoomed = await svg.getAttribute('viewBox');
    expect(width(zoomed)).toBeCloseTo(width(fitted) / 1.25, 3);
    const box = (await svg.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 200, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const panned = await svg.getAttribute('viewBox');
    expect(x(panned)).toBeGreaterThan(x(zoomed));
    expect(width(panned)).toBe(width(zoomed));
    await page.close();
  });
});

function x(viewBox: string | null): number {
  return Number(viewBox?.split(' ')[0]);
}

function width(viewBox: string | null): number {
  return Number(viewBox?.split(' ')[2]);
}
