import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject } from '../../cli/project-workspace.js';
import { startUi } from '../start-ui.js';
import { launchBrowser, openGraph, saveScreenshot } from './ui-browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** On test/fixtures/helper-project, whose asset `scaled` imports helper.mjs. */
describe('the graph page after code was edited on disk', () => {
  it('says which files changed since assets ui started and that it runs the code it loaded', async () => {
    const project = await makeProject('helper-project');
    const ui = await startUi({ cwd: project.dir, env: {} });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await openGraph(page, ui.url);
      expect(await page.locator('.code-edited').textContent()).toBe('');

      const helper = path.join(project.dir, 'helper.mjs');
      await writeFile(helper, (await readFile(helper, 'utf8')).replace('FACTOR = 1', 'FACTOR = 2'));
      await page.reload();
      await page.locator('svg.asset-graph .asset-node').first().waitFor();
      expect(await page.locator('.code-edited').textContent()).toBe(
        'Code changed on disk since assets ui started: helper.mjs. Plans and runs here use the code it loaded; restart assets ui to run the new code.',
      );
      await saveScreenshot(page, 'graph-code-edited');
    } finally {
      await page.close();
      await ui.stop();
      await project.cleanup();
    }
  });
});
