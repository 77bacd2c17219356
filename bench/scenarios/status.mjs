import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatCount, formatMs } from '../lib/format.mjs';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_TMP, BIN } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';
import { maxOf, summarize } from '../lib/stats.mjs';
import { writeSyntheticModules } from '../synthetic-definitions.mjs';

const COUNTS = [10_000, 100_000];

/** The issue's goal for a whole `assets status` at 100k assets. */
const TARGETS_MS = { 100_000: 2_000 };

/**
 * What a user with a big graph waits for: a whole `assets status` process
 * (`node bin.js status --definitions definitions.mjs`) on the planning
 * scenario's synthetic graphs of 10k and 100k assets, start-up, the
 * definitions module's own import (its zod schemas and `asset()` calls),
 * code versions, the plan, storage reads and the table printed to a pipe
 * included, which the planning scenario leaves out. Nothing is materialized
 * (the module stores in memory), so every asset shows as missing; a first
 * run, not counted, writes the code-version cache, as any earlier command
 * in the project would have. Peak RSS per asset shows whether memory grows
 * linearly.
 *
 * Beside it, the floor no change to Strata can lower: the same generated
 * module imported by a bare `node` process with `asset()` replaced by a
 * function returning its argument, so only V8 compiling the module's source
 * and zod building its schemas (with the garbage collection they cause) are
 * measured.
 *
 * Last, the 100k graph once more with a compute closure per asset, made by a
 * factory, as projects that generate their assets from a list write them:
 * 100k functions of their own for `asset()` to version, where the rows above
 * share one.
 */
export async function run(ctx) {
  const rows = [];
  const details = {};
  const dir = await mkdtemp(path.join(BENCH_TMP, 'status-'));
  ctx.cleanup.push(dir);
  for (const count of COUNTS) {
    const work = path.join(dir, String(count));
    const runs = await measureStatus(work, count, {}, ctx);
    rows.push(statusRow(`${formatCount(count)} assets: whole assets status process`, runs, count, TARGETS_MS[count]));
    const floor = await measureModuleAlone(work, ctx, count);
    const floorCpuMs = summarize(floor.map((r) => r.cpuMs)).median;
    rows.push(
      row('status', `${formatCount(count)} assets: the module alone, asset() returning its argument`, {
        times: floor.map((r) => r.wallMs),
        peakRssBytes: maxOf(floor.map((r) => r.peakRssBytes)),
        note: [floorCpuMs === null ? null : `cpu ${formatMs(floorCpuMs)}`, 'the floor of the row above'].filter(Boolean).join(', '),
      }),
    );
    details[count] = { runs, moduleAlone: floor };
  }
  const largest = COUNTS.at(-1);
  const factoryRuns = await measureStatus(path.join(dir, `${largest}-factory`), largest, { computePerAsset: true }, ctx);
  rows.push(statusRow(`${formatCount(largest)} assets, a compute closure per asset from a factory`, factoryRuns, largest, undefined));
  details[`${largest}-factory`] = { runs: factoryRuns };
  return { rows, details };
}

/** Writes the synthetic project into `work` and runs `assets status` on it: a warm-up, then `ctx.runs` measured runs. */
async function measureStatus(work, count, moduleOptions, ctx) {
  const { definitionsFile } = await writeSyntheticModules(work, count, moduleOptions);
  const env = { ...process.env, STRATA_HOME: path.join(work, '.strata'), NO_COLOR: '1' };
  const args = [BIN, 'status', '--definitions', definitionsFile];
  const name = `status-${path.basename(work)}`;
  const runs = [];
  for (let attempt = 0; attempt <= ctx.runs; attempt++) {
    ctx.log(`${name}, ${attempt === 0 ? 'warm-up' : `run ${attempt}/${ctx.runs}`}`);
    const measured = await measureOk('assets status', process.execPath, args, { method: ctx.method, env, cwd: work, nodeArgs: ctx.profileArgs(name) });
    if (attempt > 0) runs.push({ wallMs: measured.wallMs, cpuMs: measured.cpuMs, peakRssBytes: measured.peakRssBytes });
  }
  return runs;
}

function statusRow(label, runs, count, goal) {
  const peakRssBytes = maxOf(runs.map((r) => r.peakRssBytes));
  const cpuMs = summarize(runs.map((r) => r.cpuMs)).median;
  const median = summarize(runs.map((r) => r.wallMs)).median;
  return row('status', label, {
    times: runs.map((r) => r.wallMs),
    peakRssBytes,
    throughput: { value: count / (median / 1000), unit: 'assets' },
    target: goal === undefined ? null : { goal: `< ${goal} ms`, met: median < goal },
    note: [cpuMs === null ? null : `cpu ${formatMs(cpuMs)}`, peakRssBytes === null ? null : `${(peakRssBytes / count / 1024).toFixed(1)} KB/asset peak RSS`].filter(Boolean).join(', '),
  });
}

/** Imports the generated `assets.mjs` with `asset()` replaced by `(spec) => spec`, `ctx.runs` times. */
async function measureModuleAlone(work, ctx, count) {
  const source = await readFile(path.join(work, 'assets.mjs'), 'utf8');
  const importLine = /^import \{ asset \} from .*$/m;
  if (!importLine.test(source)) throw new Error('bench/synthetic-definitions.mjs no longer imports asset on a line of its own: update measureModuleAlone');
  const moduleFile = path.join(work, 'assets-alone.mjs');
  await writeFile(moduleFile, source.replace(importLine, 'const asset = (spec) => spec;'));
  const runs = [];
  for (let attempt = 1; attempt <= ctx.runs; attempt++) {
    ctx.log(`the module of ${formatCount(count)} assets alone, run ${attempt}/${ctx.runs}`);
    const measured = await measureOk('module alone', process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(moduleFile).href)});`], { method: ctx.method, cwd: work });
    runs.push({ wallMs: measured.wallMs, cpuMs: measured.cpuMs, peakRssBytes: measured.peakRssBytes });
  }
  return runs;
}
