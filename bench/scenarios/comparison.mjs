import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { compareTables } from '../lib/compare-tables.mjs';
import { formatBytes } from '../lib/format.mjs';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_DIR, BENCH_TMP } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';
import { maxOf, summarize } from '../lib/stats.mjs';
import { sizeSnapshot, strataPipeline } from './pipeline.mjs';

/** Debian's interpreter, not whatever `python3` is first on PATH (often a pyenv build without Debian's packages). */
const PYTHON = '/usr/bin/python3';

/** Mismatching cells printed per table under the bench table. */
const PRINTED_MISMATCHES = 20;

/** The DuckDB time issue 19 quotes for the large snapshot on this machine, used for the target when DuckDB is not installed. */
const DUCKDB_LARGE_MS = 45_000;

/** Issue 19's targets: at most this share of pandas's time at medium, and of DuckDB's at large. */
const PANDAS_MEDIUM_RATIO = 0.3;
const DUCKDB_LARGE_RATIO = 0.9;

/**
 * The other implementations of the example pipeline. Each is optional: when
 * its runtime is missing the bench says how to install it and goes on.
 */
const BASELINES = [
  {
    name: 'pandas',
    version: () => {
      const probe = spawnSync(PYTHON, ['-c', 'import pandas; print(pandas.__version__)'], { encoding: 'utf8' });
      return probe.status === 0 ? probe.stdout.trim() : null;
    },
    install: 'apt-get update && apt-get install -y python3-pandas',
    command: (snapshot, out) => [PYTHON, [path.join(BENCH_DIR, 'pandas_pipeline.py'), snapshot, out]],
    target: (sizeName, ratio) => (sizeName === 'medium' ? { goal: `<= ${PANDAS_MEDIUM_RATIO}x time`, met: ratio <= PANDAS_MEDIUM_RATIO } : null),
  },
  {
    name: 'DuckDB',
    version: () => {
      const probe = spawnSync(process.execPath, ['--input-type=module', '-e', "import { version } from '@duckdb/node-api'; process.stdout.write(version())"], { cwd: BENCH_DIR, encoding: 'utf8' });
      return probe.status === 0 ? probe.stdout.trim() : null;
    },
    install: 'npm install (it is a dev dependency: @duckdb/node-api)',
    command: (snapshot, out) => [process.execPath, [path.join(BENCH_DIR, 'duckdb_pipeline.mjs'), snapshot, out]],
    target: (sizeName, ratio) => (sizeName === 'large' ? { goal: `<= ${DUCKDB_LARGE_RATIO}x time`, met: ratio <= DUCKDB_LARGE_RATIO } : null),
  },
];

/**
 * The same snapshot through each baseline (bench/pandas_pipeline.py with
 * Debian's python3-pandas; bench/duckdb_pipeline.mjs with @duckdb/node-api),
 * timed the same way as Strata's run; the ratio of the medians; and a
 * cell-by-cell check that each wrote the same six tables as Strata. Strata's
 * figures come from the pipeline scenario (run now if it was not part of this
 * invocation).
 */
export async function run(ctx) {
  const rows = [];
  const details = {};
  // The baselines still run when Strata fails (at 5M posts it may run out of memory): their figures are the targets.
  let strata;
  try {
    strata = await strataPipeline(ctx);
  } catch (error) {
    ctx.log(`comparison: Strata's pipeline failed, so the baselines run without a ratio or table check`);
    rows.push(row('comparison', 'Strata', { target: { goal: 'completes', met: false }, note: `failed: ${firstLine(error)}` }));
    details.strataError = error instanceof Error ? error.message : String(error);
  }
  const snapshot = await sizeSnapshot(ctx);
  const strataMedian = strata === undefined ? null : summarize(strata.runs.map((r) => r.wallMs)).median;
  const strataPeak = strata === undefined ? null : maxOf(strata.runs.map((r) => r.peakRssBytes));

  for (const baseline of BASELINES) {
    const version = baseline.version();
    if (version === null) {
      ctx.log(`comparison with ${baseline.name} skipped: it is not installed. Install it with: ${baseline.install}`);
      rows.push(row('comparison', baseline.name, { note: `skipped: not installed (${baseline.install})` }));
      details[baseline.name] = { skipped: `not installed; ${baseline.install}` };
      continue;
    }
    const runs = [];
    let outputDir;
    try {
      for (let attempt = 1; attempt <= ctx.runs; attempt++) {
        const work = await mkdtemp(path.join(BENCH_TMP, `${baseline.name.toLowerCase()}-`));
        ctx.cleanup.push(work);
        ctx.log(`${baseline.name} run ${attempt}/${ctx.runs}`);
        const [command, args] = baseline.command(snapshot.dir, path.join(work, 'output'));
        const measured = await measureOk(baseline.name, command, args, { method: ctx.method, cwd: work });
        runs.push({ wallMs: measured.wallMs, peakRssBytes: measured.peakRssBytes, ...JSON.parse(measured.stdout) });
        if (outputDir !== undefined) await rm(path.dirname(outputDir), { recursive: true, force: true });
        outputDir = path.join(work, 'output');
      }
    } catch (error) {
      // A baseline that fails (pandas out of memory, say) is a finding, not a reason to lose the other figures.
      ctx.log(`${baseline.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      rows.push(row('comparison', `${baseline.name} ${version}`, { note: `failed: ${firstLine(error)}` }));
      details[baseline.name] = { version, runs, error: error instanceof Error ? error.message : String(error) };
      continue;
    }
    const times = runs.map((r) => r.wallMs);
    const median = summarize(times).median;
    const peak = maxOf(runs.map((r) => r.peakRssBytes));
    rows.push(row('comparison', `${baseline.name} ${version}, same snapshot`, { times, peakRssBytes: peak, throughput: { value: ctx.size.posts / (median / 1000), unit: 'posts' } }));
    if (strata === undefined) {
      await rm(path.dirname(outputDir), { recursive: true, force: true });
      details[baseline.name] = { version, runs };
      continue;
    }

    ctx.log(`comparing ${baseline.name}'s tables with Strata's, cell by cell`);
    const tables = await compareTables(strata.outputDir, outputDir);
    await rm(path.dirname(outputDir), { recursive: true, force: true });
    const ratio = strataMedian / median;
    const rssRatio = strataPeak === null || peak === null ? null : strataPeak / peak;
    const mismatches = tables.reduce((sum, table) => sum + table.mismatches, 0);
    // Averages off by exactly one cent are the rounding of decimal ties (x.xx5), not a different pipeline.
    const roundingOnly = mismatches > 0 && tables.every((table) => table.mismatches === table.examples.length && table.examples.every(isCentOff));
    rows.push(
      row('comparison', `Strata / ${baseline.name}`, {
        text: { median: `${ratio.toFixed(2)}x time`, peakRss: rssRatio === null ? '-' : `${rssRatio.toFixed(2)}x RSS`, throughput: ratio <= 1 ? `${(1 / ratio).toFixed(2)}x faster` : `${ratio.toFixed(2)}x slower` },
        target: baseline.target(ctx.sizeName, ratio),
        note: `Strata ${(strataMedian / 1000).toFixed(1)} s / ${formatBytes(strataPeak)}, ${baseline.name} ${(median / 1000).toFixed(1)} s / ${formatBytes(peak)}`,
      }),
      row('comparison', `tables vs ${baseline.name}: ${mismatches === 0 ? 'all 6 identical' : `${mismatches} cells differ${roundingOnly ? ', all averages off by 0.01' : ''}`}`, {
        target: { goal: 'same tables', met: mismatches === 0 },
        note: tables.map((t) => `${t.table} ${t.mismatches === 0 ? 'ok' : `${t.mismatches} diff`}`).join(', '),
      }),
    );
    details[baseline.name] = { version, runs, timeRatio: ratio, rssRatio, tables };
  }

  if (ctx.sizeName === 'large' && details.DuckDB?.skipped !== undefined && strataMedian !== null) {
    rows.push(
      row('comparison', "Strata vs the issue's DuckDB figure", {
        target: { goal: `<= ${(DUCKDB_LARGE_RATIO * DUCKDB_LARGE_MS) / 1000} s`, met: strataMedian <= DUCKDB_LARGE_RATIO * DUCKDB_LARGE_MS },
        note: `DuckDB not installed here: ${DUCKDB_LARGE_MS / 1000} s is DuckDB's time on this machine when issue 19 was filed`,
      }),
    );
  }
  return { rows, details };
}

function firstLine(error) {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function isCentOff(example) {
  return example.column.startsWith('avg_') && Math.abs(Math.abs(Number(example.left) - Number(example.right)) - 0.01) < 1e-9;
}

/** The mismatching cells of every comparison, for printing under the table (Strata's value first). */
export function describeMismatches(details) {
  const lines = [];
  for (const [name, baseline] of Object.entries(details ?? {})) {
    for (const table of baseline.tables ?? []) {
      if (table.mismatches === 0) continue;
      const shown = table.examples.slice(0, PRINTED_MISMATCHES);
      lines.push(`Strata vs ${name}, ${table.table}: ${table.mismatches} cell(s) differ${table.mismatches > shown.length ? `, first ${shown.length} (all kept in results.json: up to 200)` : ''}:`);
      for (const example of shown) {
        lines.push(`  row ${example.row} (id ${example.id}) ${example.column}: Strata ${JSON.stringify(example.left)} vs ${name} ${JSON.stringify(example.right)}`);
      }
    }
  }
  return lines;
}
