import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_TMP, DIST_INDEX } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';
import { writeSyntheticModules } from '../synthetic-definitions.mjs';

const COUNT = 2_000;
const WARM_REQUESTS = 5;
/** The goal for the graph API and its layout at 2,000 assets. */
const TARGET_MS = 1_000;

/**
 * `GET /api/graph` of `assets ui` on the 2,000-asset synthetic graph (the
 * planning scenario's shape, on a memory IO manager, nothing materialized):
 * the server is started in this process on 127.0.0.1:0 and asked over real
 * HTTP. Cold is the first request, which lays the graph out (then cached per
 * definitions) and plans every asset's status; warm is a later one, which
 * only plans. Then time to first render in Chromium (the browser tests' own,
 * from @sparticuz/chromium): navigation start to the page's
 * `strata:graph-drawn` mark, with the layout cached as on any reload.
 */
export async function run(ctx) {
  const dir = await mkdtemp(path.join(BENCH_TMP, 'ui-'));
  ctx.cleanup.push(dir);
  const { openInstance } = await import(pathToFileURL(DIST_INDEX).href);
  const { startUiServer } = await import(pathToFileURL(path.join(path.dirname(DIST_INDEX), 'ui', 'server', 'start-ui-server.js')).href);
  const cold = [];
  const warm = [];
  const coldLayout = [];
  const coldStatus = [];
  const firstRender = [];
  let bytes = 0;
  const browser = await launchChromium();
  try {
    for (let attempt = 1; attempt <= ctx.runs; attempt++) {
      ctx.log(`ui: GET /api/graph of ${COUNT} assets, run ${attempt}/${ctx.runs}`);
      // A module of its own each run (an import is cached per URL), so the layout cache (per definitions) starts cold.
      const { definitionsFile } = await writeSyntheticModules(path.join(dir, String(attempt)), COUNT);
      const instance = await openInstance({ cwd: dir, env: { STRATA_HOME: path.join(dir, `home-${attempt}`) }, definitionsModule: definitionsFile });
      const server = await startUiServer({ instance, port: 0 });
      try {
        const timed = async () => {
          const started = performance.now();
          const response = await fetch(new URL('/api/graph', server.url));
          const body = await response.text();
          if (response.status !== 200) throw new Error(`GET /api/graph answered ${response.status}: ${body.slice(0, 200)}`);
          bytes = body.length;
          // The server's own split (its Server-Timing header): layout, then statuses.
          const phases = Object.fromEntries((response.headers.get('server-timing') ?? '').split(', ').map((entry) => [entry.split(';')[0], Number(entry.split('dur=')[1])]));
          return { ms: performance.now() - started, phases };
        };
        const first = await timed();
        cold.push(first.ms);
        coldLayout.push(first.phases.layout);
        coldStatus.push(first.phases.status);
        for (let request = 0; request < WARM_REQUESTS; request++) warm.push((await timed()).ms);
        firstRender.push(await timeFirstRender(browser, server.url));
      } finally {
        await server.close();
        await instance.close();
      }
    }
  } finally {
    await browser.close();
  }
  const coldMedian = [...cold].sort((a, b) => a - b)[Math.floor(cold.length / 2)];
  return {
    rows: [
      row('ui', `${COUNT} assets: GET /api/graph, cold (layout + plan)`, { times: cold, target: { goal: `< ${TARGET_MS} ms`, met: coldMedian < TARGET_MS }, note: `${(bytes / 1024).toFixed(0)} KB of JSON` }),
      row('ui', `${COUNT} assets: of which layout (server)`, { times: coldLayout }),
      row('ui', `${COUNT} assets: of which statuses (server)`, { times: coldStatus }),
      row('ui', `${COUNT} assets: GET /api/graph, warm (layout cached)`, { times: warm, target: { goal: `< ${TARGET_MS} ms`, met: Math.max(...warm) < TARGET_MS } }),
      row('ui', `${COUNT} assets: first render in Chromium (navigation → graph drawn)`, { times: firstRender, note: 'groups collapsed, as the page opens a graph this big' }),
    ],
    details: { count: COUNT, cold, coldLayout, coldStatus, warm, firstRender, responseBytes: bytes },
  };
}

/** Chromium from @sparticuz/chromium, as the browser tests launch it (without --single-process, which ties every page to one process). */
async function launchChromium() {
  const { chromium: browserType } = await import('playwright-core');
  const { default: chromium } = await import('@sparticuz/chromium');
  return browserType.launch({ executablePath: await chromium.executablePath(), args: chromium.args.filter((flag) => flag !== '--single-process'), headless: true });
}

/** Milliseconds from navigation start to the page's `strata:graph-drawn` mark. */
async function timeFirstRender(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('strata:graph-drawn').length > 0, null, { timeout: 60_000 });
    return await page.evaluate(() => performance.getEntriesByName('strata:graph-drawn')[0].startTime);
  } finally {
    await page.close();
  }
}
