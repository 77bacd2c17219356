import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_DIR, BENCH_TMP } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';

const CHILD = path.join(BENCH_DIR, 'children', 'backfill-plan-child.mjs');

/** The goal for planning a backfill of 3,650 daily partitions of 3 assets. */
const TARGET_MS = 1_000;

/**
 * Planning a backfill of 3,650 daily partitions of 3 assets, each run in a
 * fresh process (bench/children/backfill-plan-child.mjs) on a real SQLite
 * instance: with nothing materialized (10,950 targets) and with every
 * partition materialized and fresh (none). For each, the plan of every
 * partition alone (the fastest of 5 in the process, wall and CPU time: on a
 * busy machine the wall time also measures other processes), and the whole
 * of `instance.backfill`, which also stores the targets.
 */
export async function run(ctx) {
  const runs = [];
  for (let attempt = 1; attempt <= ctx.runs; attempt++) {
    ctx.log(`backfill-plan: 3,650 days x 3 assets, run ${attempt}/${ctx.runs}`);
    const dir = await mkdtemp(path.join(BENCH_TMP, 'backfill-plan-'));
    ctx.cleanup.push(dir);
    try {
      const measured = await measureOk('backfill-plan child', process.execPath, [CHILD, dir], { method: ctx.method, nodeArgs: ctx.profileArgs('backfill-plan') });
      runs.push({ wallMs: measured.wallMs, peakRssBytes: measured.peakRssBytes, ...JSON.parse(measured.stdout) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const rows = [];
  for (const [state, label] of [['none', 'nothing materialized'], ['all', 'all materialized, fresh']]) {
    const first = runs[0][state];
    const planTimes = runs.map((r) => r[state].planMs);
    rows.push(
      row('backfill-plan', `3,650 days x 3 assets, ${label}: plan (fastest of 5)`, {
        times: planTimes,
        target: { goal: `< ${TARGET_MS} ms`, met: planTimes.toSorted((a, b) => a - b)[Math.floor(planTimes.length / 2)] < TARGET_MS },
        note: `${first.planned.toLocaleString('en-US')} planned; CPU ${runs.map((r) => Math.round(r[state].planCpuMs)).join('/')} ms; first in its process ${runs.map((r) => Math.round(r[state].plans[0])).join('/')} ms`,
      }),
      row('backfill-plan', `3,650 days x 3 assets, ${label}: instance.backfill (plan + store)`, {
        times: runs.map((r) => r[state].backfillMs),
        peakRssBytes: state === 'all' ? Math.max(...runs.map((r) => r.peakRssBytes ?? 0)) || null : null,
        note: `${first.targets.toLocaleString('en-US')} targets stored`,
      }),
    );
  }
  return { rows, details: { runs } };
}
