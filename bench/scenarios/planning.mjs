import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes, formatCount } from '../lib/format.mjs';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_DIR, BENCH_TMP } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';
import { PLANNING_COUNTS } from '../lib/sizes.mjs';
import { maxOf, summarize } from '../lib/stats.mjs';
import { writeSyntheticModules } from '../synthetic-definitions.mjs';

const CHILD = path.join(BENCH_DIR, 'children', 'planning-child.mjs');

const PHASES = [
  ['import', 'import the module (user code)'],
  ['validate', 'defineDefinitions'],
  ['graph', 'new AssetGraph'],
  ['select', 'selectAssets +<sink>'],
  ['plan', 'planAssets, all fresh'],
];

/** The goals for validation + graph + selection + plan (the user's own module import excluded). */
const TARGETS_MS = { 10_000: 300, 100_000: 3_000 };

/**
 * Synthetic layered DAGs of 1k, 10k and 100k assets, each measured `runs`
 * times in a fresh process (bench/children/planning-child.mjs): the time of
 * each phase, the process's peak RSS, and the heap retained after planning
 * (per asset, to see whether memory grows linearly; it includes the user's
 * zod schemas and the plan's inputs, which the child builds as `status` would).
 */
export async function run(ctx) {
  const rows = [];
  const details = {};
  const dir = await mkdtemp(path.join(BENCH_TMP, 'planning-'));
  ctx.cleanup.push(dir);
  for (const count of PLANNING_COUNTS) {
    const { assetsFile } = await writeSyntheticModules(path.join(dir, String(count)), count);
    const runs = [];
    for (let attempt = 1; attempt <= ctx.runs; attempt++) {
      ctx.log(`planning ${formatCount(count)} assets, run ${attempt}/${ctx.runs}`);
      const measured = await measureOk('planning child', process.execPath, [CHILD, assetsFile], { method: ctx.method, nodeArgs: ['--expose-gc', ...ctx.profileArgs(`planning-${count}`)] });
      runs.push({ wallMs: measured.wallMs, peakRssBytes: measured.peakRssBytes, ...JSON.parse(measured.stdout) });
    }
    const label = `${formatCount(count)} assets`;
    const first = runs[0];
    for (const [phase, description] of PHASES) {
      const note = phase === 'select' ? `${first.selected.toLocaleString('en-US')} selected` : phase === 'plan' ? `${first.planned} planned of ${count.toLocaleString('en-US')}` : '';
      rows.push(row('planning', `${label}: ${description}`, { times: runs.map((r) => r.phases[phase]), note }));
    }
    const totals = runs.map((r) => r.phases.validate + r.phases.graph + r.phases.select + r.phases.plan);
    const total = summarize(totals).median;
    const retained = summarize(runs.map((r) => r.heapAfter.retained - r.heapAfter.start)).median;
    const goal = TARGETS_MS[count];
    rows.push(
      row('planning', `${label}: validate+graph+select+plan`, {
        times: totals,
        peakRssBytes: maxOf(runs.map((r) => r.peakRssBytes)),
        throughput: { value: count / (total / 1000), unit: 'assets' },
        target: goal === undefined ? null : { goal: `< ${goal} ms`, met: total < goal },
        note: `heap ${formatBytes(retained)} = ${(retained / count / 1024).toFixed(1)} KB/asset`,
      }),
    );
    details[count] = { runs, retainedHeapBytes: retained, edges: first.edges, selected: first.selected };
  }
  return { rows, details };
}
