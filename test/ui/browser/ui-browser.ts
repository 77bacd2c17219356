import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { makeWorkspace } from '../../cli/run-cli.js';
import { type RunningUi, startUi } from '../start-ui.js';

/** Where the browser tests leave screenshots: gitignored, kept after the run for a look at what the page showed. */
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/ui/', import.meta.url));

/**
 * Chromium from the @sparticuz/chromium package (unpacked to /tmp on first
 * use), so the tests need nothing beyond `npm install`. One per test file:
 * starting it costs more than a test.
 */
export async function launchBrowser(): Promise<Browser> {
  // The package's flags are for AWS Lambda; with --single-process, closing a
  // test's browser context ends the whole browser, and every later test fails.
  const args = chromium.args.filter((flag) => flag !== '--single-process');
  return playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}

/** What `UiSession.open` gives a test: the example's workspace, its UI server, and a page of a fresh browser context. */
export interface OpenedUi {
  readonly workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  readonly ui: RunningUi;
  readonly page: Page;
}

export interface UiSession {
  /**
   * A workspace with the example, `assets ui` on it (with `args`, e.g.
   * `--definitions`, and the workspace's env plus what `env` gives for its
   * folder), and a page: all closed after the test.
   */
  open(options?: { readonly args?: readonly string[]; readonly env?: (dir: string) => Record<string, string> }): Promise<OpenedUi>;
}

/**
 * Sets up a test file's browser tests: one Chromium for the file, and what
 * each test opens closed after it, newest first. Call it at the top level.
 */
export function useUiSession(): UiSession {
  let browser: Browser;
  const opened: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const close of opened.splice(0).reverse()) await close();
  });
  return {
    async open(options = {}) {
      const workspace = await makeWorkspace();
      opened.push(workspace.cleanup);
      const env = { ...workspace.env, ...options.env?.(workspace.dir) };
      const ui = await startUi({ cwd: workspace.dir, env, ...(options.args === undefined ? {} : { args: options.args }) });
      opened.push(ui.stop);
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      opened.push(() => context.close());
      return { workspace, ui, page: await context.newPage() };
    },
  };
}

/** Saves a full-page screenshot of `page` as test-artifacts/ui/`name`.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The status word each drawn node shows, by key. */
export async function nodeStatuses(page: Page): Promise<Record<string, string>> {
  const nodes = await page.locator('svg.asset-graph .asset-node').evaluateAll((elements) =>
    elements.map((element) => [element.getAttribute('data-key') ?? '', element.querySelector('.node-status')?.textContent ?? ''] as const),
  );
  return Object.fromEntries(nodes);
}

/** Opens the graph page and waits until the nodes are drawn and the live event stream is open. */
export async function openGraph(page: Page, baseUrl: string, query = ''): Promise<void> {
  await page.goto(`${baseUrl}/${query}`);
  await page.locator('svg.asset-graph .asset-node').first().waitFor();
  await page.locator('body[data-live="connected"]').waitFor({ state: 'attached' });
}
