import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { formatCount } from '../lib/format.mjs';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_DIR, BENCH_TMP } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';
import { OVERHEAD_ASSETS } from '../lib/sizes.mjs';
import { maxOf, summarize } from '../lib/stats.mjs';

const CHILD = path.join(BENCH_DIR, 'children', 'overhead-child.mjs');

/**
 * 1,000 trivial assets through `materialize()` with a MemoryIOManager and a
 * real SQLite instance (bench/children/overhead-child.mjs), each run in a fresh
 * process and instance folder: milliseconds per asset end to end, then the
 * cost of a second run that finds everything fresh.
 */
export async function run(ctx) {
  const runs = [];
  for (let attempt = 1; attempt <= ctx.runs; attempt++) {
    const work = await mkdtemp(path.join(BENCH_TMP, 'overhead-'));
    ctx.cleanup.push(work);
    ctx.log(`overhead run ${attempt}/${ctx.runs}`);
    const measured = await measureOk('overhead child', process.execPath, [CHILD, String(OVERHEAD_ASSETS), path.join(work, 'home')], { method: ctx.method, nodeArgs: ctx.profileArgs('overhead') });
    runs.push({ wallMs: measured.wallMs, peakRssBytes: measured.peakRssBytes, ...JSON.parse(measured.stdout) });
  }
  const runMs = runs.map((r) => r.runMs);
  const perAsset = summarize(runMs).median / OVERHEAD_ASSETS;
  const label = `${formatCount(OVERHEAD_ASSETS)} trivial assets`;
  const rows = [
    row('overhead', `${label}: materialize()`, {
      times: runMs,
      peakRssBytes: maxOf(runs.map((r) => r.peakRssBytes)),
      throughput: { value: 1000 / perAsset, unit: 'assets' },
      target: { goal: '< 2 ms/asset', met: perAsset < 2 },
      note: `${perAsset.toFixed(3)} ms/asset`,
    }),
    row('overhead', `${label}: materialize(), all fresh`, { times: runs.map((r) => r.noopMs), note: `${(summarize(runs.map((r) => r.noopMs)).median / OVERHEAD_ASSETS).toFixed(3)} ms/asset` }),
    row('overhead', `${label}: whole process`, { times: runs.map((r) => r.wallMs) }),
  ];
  return { rows, details: { runs, msPerAsset: perAsset } };
}
