import path from 'node:path';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_DIR } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';
import { sizeSnapshot } from './pipeline.mjs';

const CHILD = path.join(BENCH_DIR, 'children', 'dataframes-child.mjs');

/**
 * arquero in computes (bench/children/dataframes-child.mjs): user_stats as a
 * loop against arquero verbs (the example keeps the loop unless arquero is
 * within 10%), and the cost of asArquero + fromArquero on posts_enriched,
 * set against the CSV pipeline's wall time when the pipeline or formats
 * scenario ran in the same invocation (the goal: under 5%).
 */
export async function run(ctx) {
  const snapshot = await sizeSnapshot(ctx);
  const runs = [];
  for (let attempt = 1; attempt <= ctx.runs; attempt++) {
    ctx.log(`dataframes run ${attempt}/${ctx.runs}`);
    const measured = await measureOk('dataframes child', process.execPath, [CHILD, snapshot.dir], { method: ctx.method });
    runs.push(JSON.parse(measured.stdout));
  }
  const pipelineMs = ctx.shared.pipeline?.runs.map((r) => r.wallMs) ?? ctx.shared.formatsCsvMs;
  const pipelineMedian = pipelineMs === undefined ? undefined : [...pipelineMs].sort((a, b) => a - b)[Math.floor(pipelineMs.length / 2)];
  const loop = runs.map((r) => r.userStatsLoopMs);
  const arquero = runs.map((r) => r.userStatsArqueroMs);
  const roundTrip = runs.map((r) => r.roundTripMs);
  const ratio = (a, b) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] / [...b].sort((x, y) => x - y)[Math.floor(b.length / 2)];
  const share = pipelineMedian === undefined ? null : ratio(roundTrip, [pipelineMedian]);
  return {
    rows: [
      row('dataframes', 'user_stats: loop (the example)', { times: loop }),
      row('dataframes', 'user_stats: arquero groupby/rollup + join_left', { times: arquero, target: { goal: 'within 10% of the loop', met: ratio(arquero, loop) <= 1.1 }, note: `${ratio(arquero, loop).toFixed(2)}x the loop` }),
      row('dataframes', `asArquero + fromArquero, posts_enriched (${runs[0].roundTripRows.toLocaleString('en-US')} rows)`, {
        times: roundTrip,
        target: share === null ? null : { goal: '< 5% of the pipeline', met: share < 0.05 },
        note: share === null ? 'run with pipeline or formats for the share' : `${(share * 100).toFixed(2)}% of the CSV pipeline`,
      }),
    ],
    details: { runs, pipelineMedianMs: pipelineMedian ?? null },
  };
}
