import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { formatCount } from '../lib/format.mjs';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_TMP, BIN } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';
import { ensureSnapshot } from '../lib/snapshot.mjs';
import { maxOf, summarize } from '../lib/stats.mjs';

/** The example's assets in the order the table lists them (the run's topological order). */
const ASSETS = ['users', 'posts', 'posts_enriched', 'user_stats', 'top_authors', 'summary'];

/**
 * `assets materialize --force --json` over the size's snapshot, `runs` times,
 * each in a fresh instance and output folder. The output of the last run is
 * kept (in `ctx.shared.pipeline.outputDir`) for the comparison's table check,
 * and the result is shared, so `comparison` in the same invocation reuses it.
 */
export async function strataPipeline(ctx) {
  if (ctx.shared.pipeline !== undefined) return ctx.shared.pipeline;
  // A failure (say, out of memory after minutes) is remembered, not retried by the comparison.
  if (ctx.shared.pipelineError !== undefined) throw ctx.shared.pipelineError;
  try {
    ctx.shared.pipeline = await runStrataPipeline(ctx);
    return ctx.shared.pipeline;
  } catch (error) {
    ctx.shared.pipelineError = error;
    throw error;
  }
}

/** The size's snapshot, generated on first use and cached across runs. */
export function sizeSnapshot(ctx) {
  ctx.shared.snapshot ??= ensureSnapshot({ ...ctx.size, method: ctx.method, log: ctx.log });
  return ctx.shared.snapshot;
}

async function runStrataPipeline(ctx) {
  const snapshot = await sizeSnapshot(ctx);
  const runs = [];
  let outputDir;
  for (let attempt = 1; attempt <= ctx.runs; attempt++) {
    const work = await mkdtemp(path.join(BENCH_TMP, 'pipeline-'));
    ctx.cleanup.push(work);
    const env = {
      ...process.env,
      STRATA_SOURCE_URL: snapshot.dir,
      STRATA_OUTPUT_DIR: path.join(work, 'output'),
      STRATA_HOME: path.join(work, 'home'),
      NO_COLOR: '1',
    };
    ctx.log(`pipeline run ${attempt}/${ctx.runs}`);
    const executor = ctx.executor === undefined ? [] : ['--executor', ctx.executor];
    const measured = await measureOk('assets materialize', process.execPath, [BIN, 'materialize', '--force', '--json', ...executor], {
      method: ctx.method,
      env,
      cwd: work,
      nodeArgs: [...ctx.nodeFlags, ...ctx.profileArgs('pipeline')],
    });
    const result = JSON.parse(measured.stdout);
    if (result.status !== 'success') throw new Error(`assets materialize ended "${result.status}": ${JSON.stringify(result.assets.filter((a) => a.error !== null))}`);
    runs.push({
      wallMs: measured.wallMs,
      peakRssBytes: measured.peakRssBytes,
      assets: Object.fromEntries(result.assets.map((a) => [a.key, { durationMs: a.durationMs, rows: a.rows }])),
    });
    // Only the last run's output is kept: at 5M posts each is gigabytes.
    if (outputDir !== undefined) await rm(path.dirname(outputDir), { recursive: true, force: true });
    outputDir = env.STRATA_OUTPUT_DIR;
  }
  return { snapshot, runs, outputDir };
}

export async function run(ctx) {
  const { snapshot, runs } = await strataPipeline(ctx);
  const { users, posts } = ctx.size;
  const times = runs.map((r) => r.wallMs);
  const median = summarize(times).median;
  const peak = maxOf(runs.map((r) => r.peakRssBytes));
  const rows = [];
  if (snapshot.generatedMs !== null) {
    rows.push(row('pipeline', 'sample generate (once, then cached)', { times: [snapshot.generatedMs], peakRssBytes: snapshot.generationPeakRssBytes, throughput: { value: posts / (snapshot.generatedMs / 1000), unit: 'posts' } }));
  }
  rows.push(
    row('pipeline', `${ctx.nodeFlags.map((flag) => `node ${flag} `).join('')}materialize --force${ctx.executor === undefined ? '' : ` --executor ${ctx.executor}`}, ${formatCount(users)} users / ${formatCount(posts)} posts`, {
      times,
      peakRssBytes: peak,
      throughput: { value: posts / (median / 1000), unit: 'posts' },
      target: pipelineTarget(ctx.sizeName, median, peak),
      note: `posts.json ${snapshot.postsBytes === null ? '?' : `${Math.round(snapshot.postsBytes / 1e6)} MB`}`,
    }),
  );
  for (const key of ASSETS) {
    const durations = runs.map((r) => r.assets[key]?.durationMs).filter((d) => d !== undefined);
    const rowsOut = runs[0].assets[key]?.rows ?? 0;
    const assetMedian = summarize(durations).median;
    rows.push(row('pipeline', `  asset ${key}`, { times: durations, throughput: assetMedian > 0 && rowsOut > 1 ? { value: rowsOut / (assetMedian / 1000), unit: 'rows' } : null, note: `${rowsOut.toLocaleString('en-US')} rows` }));
  }
  return { rows, details: { snapshot, runs } };
}

/** The issue's goals: medium under 1 GB (the time goal is relative to pandas: see comparison); large under 52 s and 3 GB. */
function pipelineTarget(sizeName, medianMs, peakRssBytes) {
  const gb = 1024 ** 3;
  if (sizeName === 'medium') return { goal: 'peak RSS < 1 GB', met: peakRssBytes === null ? null : peakRssBytes < gb };
  if (sizeName === 'large') return { goal: '< 52 s (DuckDB), RSS < 3 GB', met: peakRssBytes === null ? null : medianMs < 52_000 && peakRssBytes < 3 * gb };
  return null;
}
