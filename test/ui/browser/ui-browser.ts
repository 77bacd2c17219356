import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { BIN, makeWorkspace } from '../../cli/run-cli.js';

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
  /** A workspace with the example, `assets ui` on it (with `args`, e.g. `--definitions`), and a page: all closed after the test. */
  open(options?: { readonly args?: readonly string[] }): Promise<OpenedUi>;
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
      const ui = await startUi({ cwd: workspace.dir, env: workspace.env, ...(options.args === undefined ? {} : { args: options.args }) });
      opened.push(ui.stop);
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      opened.push(() => context.close());
      return { workspace, ui, page: await context.newPage() };
    },
  };
}

export interface RunningUi {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  /** What the server wrote to stderr so far, for a failing test's message. */
  stderr(): string;
  /** Stops the server as Ctrl-C would, and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts the built `assets ui --port 0` in `cwd` with only `env` (plus PATH),
 * as a user runs it, and resolves with its URL once it prints one.
 */
export function startUi(options: { cwd: string; env: Record<string, string>; args?: readonly string[] }): Promise<RunningUi> {
  const child = spawn(process.execPath, [BIN, 'ui', '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`assets ui ${why}\nstdout: ${stdout}\nstderr: ${stderr}`));
    child.on('error', reject);
    child.on('exit', (code, signal) => fail(`exited (${code ?? signal}) before printing its URL`));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout)?.[0];
      if (url === undefined) return;
      child.removeAllListeners('exit');
      resolve({ url, stderr: () => stderr, stop: () => stopChild(child) });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
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
