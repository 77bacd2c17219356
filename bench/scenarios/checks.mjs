import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { formatCount } from '../lib/format.mjs';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_DIR, BENCH_TMP, BIN } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';
import { maxOf, summarize } from '../lib/stats.mjs';
import { sizeSnapshot } from './pipeline.mjs';

const DEFINITIONS = path.join(BENCH_DIR, 'checks', 'definitions.mjs');
/** The target: the example's checks add under 15% to the pipeline. */
const TARGET_RATIO = 1.15;

/**
 * What the example's checks cost: `assets materialize --force` of the
 * example with its checks and without them (bench/checks/definitions.mjs),
 * alternating so drift in the machine hits both alike, each run with a fresh
 * instance and output folder. Also the checks' own time, as the run reports it.
 */
export async function run(ctx) {
  const snapshot = await sizeSnapshot(ctx);
  const runs = { on: [], off: [] };
  for (let attempt = 1; attempt <= ctx.runs; attempt++) {
    for (const mode of ['off', 'on']) {
      const work = await mkdtemp(path.join(BENCH_TMP, `checks-${mode}-`));
      ctx.cleanup.push(work);
      const env = { ...process.env, STRATA_SOURCE_URL: snapshot.dir, STRATA_OUTPUT_DIR: path.join(work, 'output'), STRATA_HOME: path.join(work, 'home'), STRATA_BENCH_CHECKS: mode, NO_COLOR: '1' };
      ctx.log(`checks: ${mode} run ${attempt}/${ctx.runs}`);
      const measured = await measureOk(`assets materialize (checks ${mode})`, process.execPath, [BIN, 'materialize', '--force', '--json', '--definitions', DEFINITIONS], { method: ctx.method, env, cwd: work });
      const result = JSON.parse(measured.stdout);
      if (result.status !== 'success') throw new Error(`assets materialize (checks ${mode}) ended "${result.status}"`);
      runs[mode].push({ wallMs: measured.wallMs, peakRssBytes: measured.peakRssBytes, checks: result.checks.length, checksMs: result.checks.reduce((sum, check) => sum + check.durationMs, 0) });
    }
  }
  const median = (mode, field) => summarize(runs[mode].map((r) => r[field])).median;
  const ratio = median('on', 'wallMs') / median('off', 'wallMs');
  const label = `${formatCount(ctx.size.users)} users / ${formatCount(ctx.size.posts)} posts`;
  return {
    rows: [
      row('checks', `materialize --force without checks, ${label}`, { times: runs.off.map((r) => r.wallMs), peakRssBytes: maxOf(runs.off.map((r) => r.peakRssBytes)) }),
      row('checks', `materialize --force with the example's ${runs.on[0].checks} checks`, {
        times: runs.on.map((r) => r.wallMs),
        peakRssBytes: maxOf(runs.on.map((r) => r.peakRssBytes)),
        target: { goal: `< ${Math.round((TARGET_RATIO - 1) * 100)}% more`, met: ratio < TARGET_RATIO },
        note: `${((ratio - 1) * 100).toFixed(1)}% more; the checks themselves ${Math.round(median('on', 'checksMs'))} ms`,
      }),
    ],
    details: runs,
  };
}
