import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBackground } from '../lib/background-process.mjs';
import { calibrateCpuWork } from '../lib/cpu-work.mjs';
import { formatBytes, formatCount, formatMs } from '../lib/format.mjs';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_DIR, BENCH_TMP, BIN } from '../lib/paths.mjs';
import { machineBusyCpuMs, processCpuMs, processMemory } from '../lib/process-usage.mjs';
import { row } from '../lib/row.mjs';
import { OVERHEAD_ASSETS } from '../lib/sizes.mjs';
import { maxOf, percentile, summarize } from '../lib/stats.mjs';
import { startPostgres } from '../lib/test-postgres.mjs';

const TRIVIAL_CHAIN = path.join(BENCH_DIR, 'scale-definitions', 'trivial-chain.mjs');
const CPU_BOUND = path.join(BENCH_DIR, 'scale-definitions', 'cpu-bound.mjs');
const OVERHEAD_CHILD = path.join(BENCH_DIR, 'children', 'overhead-child.mjs');

/** The issue's pool: two `assets worker --concurrency 1` processes, one step each at a time. */
const WORKERS = 2;
/** CPU per asset of the CPU-heavy graph. */
const CPU_MS_PER_ASSET = 500;
/** How long a started worker sits idle before its memory is read: past its start-up allocations and first GCs. */
const IDLE_SETTLE_MS = 2_000;

/**
 * The work pool against issue 13's targets, on a real Postgres (the test
 * suite's embedded one) and real processes started as a user starts them:
 *
 * - dispatch latency: a chain of 50 trivial assets (so each dispatch finds an
 *   idle worker) run by `assets materialize --executor queue --force` with two
 *   `assets worker`s already running, after one unmeasured run that starts
 *   their threads. Per step, queued → claimed is `started_at - queued_at` of
 *   its `step_dispatches` row (the database's clock on both ends; `queued_at`
 *   is the start of the enqueueing transaction); p50 and p95 over the run's
 *   50 steps. The coordinator's view is each step's `durationMs` (its events'
 *   step duration), next to the same chain run in-process on the same
 *   instance: the difference is what the queue adds to a trivial step;
 * - Postgres overhead: bench/children/overhead-child.mjs (1,000 trivial
 *   assets through `materialize()`, in-process) with a PostgresInstanceStorage;
 * - speed-up: 32 independent assets of ~0.5 s of CPU (calibrated here, see
 *   bench/lib/cpu-work.mjs) as wall time of `assets materialize --force`
 *   in-process against the queue with two workers and `--concurrency 2` (the
 *   default on a two-CPU coordinator), taking turns, one instance; for
 *   reference, the worker-threads executor with two threads and the queue
 *   with every step dispatched at once; with the cores each run got and the
 *   rest of the machine used meanwhile (GNU time, /proc);
 * - memory: VmRSS and VmHWM (/proc) of an `assets worker` two seconds after it
 *   says it is taking steps, and again after it ran its share of the chains.
 *
 * Each measurement has an instance of its own (a schema of one database);
 * CSV outputs are shared by folder (`STRATA_OUTPUT_SHARED=true`), as workers
 * on one machine see them. With `--profile cpu`, the workers and coordinators
 * write profiles too (a worker's when it is stopped).
 */
export async function run(ctx) {
  const work = await mkdtemp(path.join(BENCH_TMP, 'scale-'));
  ctx.cleanup.push(work);
  ctx.log('scale: starting Postgres');
  const postgres = await startPostgres();
  const bench = new PoolBench(ctx, postgres, work);
  try {
    const latency = await measureDispatchLatency(bench);
    const overhead = await measurePostgresOverhead(bench);
    const speedUp = await measureCpuSpeedUp(bench);
    return {
      rows: [...latency.rows, ...overhead.rows, ...speedUp.rows],
      details: { workers: WORKERS, dispatchLatency: latency.details, postgresOverhead: overhead.details, cpuSpeedUp: speedUp.details },
    };
  } finally {
    await bench.stopWorkers();
    await postgres.stop();
  }
}

/** One Postgres server, and the instances, workers and commands the measurements start on it. */
class PoolBench {
  #workers = [];
  #instances = 0;

  constructor(ctx, postgres, work) {
    this.ctx = ctx;
    this.postgres = postgres;
    this.work = work;
  }

  /** The environment of a fresh instance: its own schema, instance folder (code-version cache) and shared output folder. */
  instanceEnv(extra = {}) {
    this.#instances += 1;
    const folder = path.join(this.work, `instance-${this.#instances}`);
    const env = {
      ...process.env,
      STRATA_DATABASE_URL: this.postgres.connectionString,
      STRATA_DATABASE_SCHEMA: this.postgres.uniqueSchema('scale'),
      STRATA_HOME: path.join(folder, 'home'),
      STRATA_OUTPUT_DIR: path.join(folder, 'output'),
      STRATA_OUTPUT_SHARED: 'true',
      NO_COLOR: '1',
      ...extra,
    };
    // `--definitions` names the module; a caller's own must not win.
    delete env.STRATA_DEFINITIONS;
    return env;
  }

  /** Starts `count` `assets worker --concurrency 1` processes and resolves once each says it is taking steps. */
  async startWorkers(count, env, definitions) {
    const started = Array.from({ length: count }, () => {
      const worker = startBackground('assets worker', process.execPath, [...this.ctx.profileArgs('scale'), BIN, 'worker', '--concurrency', '1', '--definitions', definitions], { env, cwd: this.work });
      this.#workers.push(worker);
      return worker;
    });
    await Promise.all(started.map((worker) => worker.waitForStderr('is taking steps')));
    return started;
  }

  async stopWorkers() {
    await Promise.all(this.#workers.splice(0).map((worker) => worker.stop()));
  }

  /** `assets materialize --json …` measured; resolves its wall time, peak RSS, CPU time and parsed result, and throws unless the run succeeded. */
  async materialize(env, definitions, args) {
    const label = `assets materialize ${args.join(' ')}`;
    const measured = await measureOk(label, process.execPath, [BIN, 'materialize', '--definitions', definitions, '--json', ...args], {
      method: this.ctx.method,
      env,
      cwd: this.work,
      nodeArgs: this.ctx.profileArgs('scale'),
    });
    const result = JSON.parse(measured.stdout);
    if (result.status !== 'success') throw new Error(`${label} ended ${result.status}: ${JSON.stringify(result.assets.find((asset) => asset.error !== null)?.error)}`);
    return { wallMs: measured.wallMs, peakRssBytes: measured.peakRssBytes, cpuMs: measured.cpuMs, result };
  }

  /**
   * Each step of a queue run on one timeline, in ms: from the coordinator's
   * step-start event to the dispatch's row being queued (`toQueueMs`), queued
   * to claimed by a worker (`waitMs`), claimed to finished (`holdMs`),
   * finished to the coordinator's step-success event (`backMs`: the NOTIFY,
   * the re-read it triggers, the result); and when it was claimed and
   * finished (`claimedAtMs`, `finishedAtMs`, epoch ms), for the gaps between
   * a worker's steps. Rows carry the database's clock and events the
   * coordinator's: on one machine, the same clock.
   */
  async stepTimelines(env, runId) {
    const instance = `"${env.STRATA_DATABASE_SCHEMA}"`;
    const dispatches = `"${env.STRATA_DATABASE_SCHEMA}_work_pool".step_dispatches`;
    const ms = (later, earlier) => `(1000 * extract(epoch FROM ${later} - ${earlier}))::float8`;
    const { rows } = await this.postgres.query(
      `SELECT d.asset_key, d.worker,
              ${ms('d.queued_at', 'started.time')} AS "toQueueMs",
              ${ms('d.started_at', 'd.queued_at')} AS "waitMs",
              ${ms('d.finished_at', 'd.started_at')} AS "holdMs",
              ${ms('succeeded.time', 'd.finished_at')} AS "backMs",
              (1000 * extract(epoch FROM d.started_at))::float8 AS "claimedAtMs",
              (1000 * extract(epoch FROM d.finished_at))::float8 AS "finishedAtMs"
         FROM ${dispatches} AS d
         JOIN ${instance}.events AS started ON started.run_id = d.run_id AND started.asset_key = d.asset_key AND started.attempt = d.attempt AND started.type = 'step-start'
         JOIN ${instance}.events AS succeeded ON succeeded.run_id = d.run_id AND succeeded.asset_key = d.asset_key AND succeeded.attempt = d.attempt AND succeeded.type = 'step-success'
        WHERE d.run_id = $1 AND d.state = 'succeeded'
        ORDER BY d.id`,
      [runId],
    );
    return rows;
  }
}

async function measureDispatchLatency(bench) {
  const { ctx } = bench;
  const env = bench.instanceEnv();
  ctx.log(`scale: starting ${WORKERS} workers for the trivial chain`);
  const workers = await bench.startWorkers(WORKERS, env, TRIVIAL_CHAIN);
  await sleep(IDLE_SETTLE_MS);
  const idle = await processMemory(workers[0].pid);

  // Unmeasured: each worker's first step starts its thread and imports the definitions there.
  ctx.log('scale: warm-up run of the chain through the queue');
  await bench.materialize(env, TRIVIAL_CHAIN, ['--executor', 'queue', '--concurrency', String(WORKERS)]);

  const runs = [];
  for (let attempt = 1; attempt <= ctx.runs; attempt++) {
    ctx.log(`scale: chain run ${attempt}/${ctx.runs}, queue then in-process`);
    const queued = await bench.materialize(env, TRIVIAL_CHAIN, ['--executor', 'queue', '--concurrency', String(WORKERS), '--force']);
    const steps = await bench.stepTimelines(env, queued.result.runId);
    const inProcess = await bench.materialize(env, TRIVIAL_CHAIN, ['--executor', 'in-process', '--force']);
    const waits = steps.map((step) => step.waitMs);
    const p50Of = (field) => percentile(steps.map((step) => step[field]), 50);
    const queueSteps = queued.result.assets.map((asset) => asset.durationMs);
    const localSteps = inProcess.result.assets.map((asset) => asset.durationMs);
    runs.push({
      runId: queued.result.runId,
      steps: steps.length,
      workersUsed: new Set(steps.map((step) => step.worker)).size,
      waitP50Ms: percentile(waits, 50),
      waitP95Ms: percentile(waits, 95),
      waitMaxMs: percentile(waits, 100),
      toQueueP50Ms: p50Of('toQueueMs'),
      holdP50Ms: p50Of('holdMs'),
      backP50Ms: p50Of('backMs'),
      queueStepP50Ms: percentile(queueSteps, 50),
      queueStepP95Ms: percentile(queueSteps, 95),
      inProcessStepP50Ms: percentile(localSteps, 50),
      queueRunMs: queued.wallMs,
      inProcessRunMs: inProcess.wallMs,
    });
  }
  const afterChains = await processMemory(workers[0].pid);
  await bench.stopWorkers();

  const median = (field) => summarize(runs.map((entry) => entry[field])).median;
  const waitP50 = median('waitP50Ms');
  const roundTrip = median('queueStepP50Ms');
  const added = roundTrip - median('inProcessStepP50Ms');
  const label = `chain of ${runs[0].steps} trivial steps, ${WORKERS} workers`;
  const rows = [
    row('scale', `dispatch latency p50, queued → claimed (${label})`, {
      times: runs.map((entry) => entry.waitP50Ms),
      target: { goal: 'p50 < 20 ms', met: waitP50 < 20 },
      note: `database clock; worst step ${formatMs(Math.max(...runs.map((entry) => entry.waitMaxMs)))}`,
    }),
    row('scale', `dispatch latency p95, queued → claimed (${label})`, {
      times: runs.map((entry) => entry.waitP95Ms),
      target: { goal: 'none in the issue (reported)', met: null },
      note: `p50s: step start → queued ${formatMs(median('toQueueP50Ms'))}, claimed → finished ${formatMs(median('holdP50Ms'))}, finished → coordinator ${formatMs(median('backP50Ms'))}`,
    }),
    row('scale', `trivial step round trip seen by the coordinator, p50 (${label})`, {
      times: runs.map((entry) => entry.queueStepP50Ms),
      target: { goal: 'none in the issue (reported)', met: null },
      note: `p95 ${formatMs(median('queueStepP95Ms'))}; in-process ${formatMs(median('inProcessStepP50Ms'))}, so the queue adds ${formatMs(added)}/step`,
    }),
    row('scale', `idle \`assets worker\` memory, ${IDLE_SETTLE_MS / 1000} s after start`, {
      peakRssBytes: idle?.peakRssBytes ?? null,
      text: { median: idle === null ? 'no /proc' : `${formatBytes(idle.rssBytes)} RSS` },
      target: { goal: 'none in the issue (reported)', met: null },
      note: afterChains === null ? '' : `after ${ctx.runs + 1} chains: ${formatBytes(afterChains.rssBytes)} RSS, ${formatBytes(afterChains.peakRssBytes)} peak`,
    }),
  ];
  return { rows, details: { runs, idleWorker: idle, workerAfterChains: afterChains, queueAddsMsPerStep: added } };
}

async function measurePostgresOverhead(bench) {
  const { ctx, postgres } = bench;
  const runs = [];
  for (let attempt = 1; attempt <= ctx.runs; attempt++) {
    ctx.log(`scale: ${formatCount(OVERHEAD_ASSETS)} trivial assets on Postgres, run ${attempt}/${ctx.runs}`);
    const measured = await measureOk('overhead child on Postgres', process.execPath, [OVERHEAD_CHILD, String(OVERHEAD_ASSETS), postgres.connectionString, postgres.uniqueSchema('overhead')], {
      method: ctx.method,
      nodeArgs: ctx.profileArgs('scale'),
    });
    runs.push({ wallMs: measured.wallMs, peakRssBytes: measured.peakRssBytes, ...JSON.parse(measured.stdout) });
  }
  const perAsset = summarize(runs.map((entry) => entry.runMs)).median / OVERHEAD_ASSETS;
  const noopPerAsset = summarize(runs.map((entry) => entry.noopMs)).median / OVERHEAD_ASSETS;
  const rows = [
    row('scale', `${formatCount(OVERHEAD_ASSETS)} trivial assets: materialize() in-process, Postgres instance`, {
      times: runs.map((entry) => entry.runMs),
      peakRssBytes: maxOf(runs.map((entry) => entry.peakRssBytes)),
      throughput: { value: 1000 / perAsset, unit: 'assets' },
      target: { goal: '< 5 ms/asset', met: perAsset < 5 },
      note: `${perAsset.toFixed(3)} ms/asset; all fresh: ${noopPerAsset.toFixed(3)} ms/asset`,
    }),
  ];
  return { rows, details: { runs, msPerAsset: perAsset, noopMsPerAsset: noopPerAsset } };
}

async function measureCpuSpeedUp(bench) {
  const { ctx } = bench;
  const iterations = calibrateCpuWork(CPU_MS_PER_ASSET);
  const env = bench.instanceEnv({ STRATA_BENCH_CPU_ITERATIONS: String(iterations) });
  ctx.log(`scale: starting ${WORKERS} workers for the CPU-heavy graph (${iterations.toLocaleString('en-US')} rounds ≈ ${CPU_MS_PER_ASSET} ms per asset)`);
  const workers = await bench.startWorkers(WORKERS, env, CPU_BOUND);
  const workersCpuMs = async () => (await Promise.all(workers.map((worker) => processCpuMs(worker.pid)))).reduce((sum, ms) => (sum === null || ms === null ? null : sum + ms), 0);

  // Taking turns, so a noisy moment on the machine hits every way of running alike.
  const ways = [
    // One step at a time, as its one thread computes them anyway: each step's duration is then its own compute's.
    { name: 'in-process', args: ['--executor', 'in-process', '--concurrency', '1', '--force'] },
    { name: `queue, ${WORKERS} workers`, args: ['--executor', 'queue', '--concurrency', String(WORKERS), '--force'], onPool: true },
    { name: `worker threads, ${WORKERS} threads`, args: ['--executor', 'workers', '--concurrency', String(WORKERS), '--force'] },
    // Every step queued at once: a worker that finishes takes the next job
    // without waiting for the coordinator to hear of it and dispatch another.
    { name: `queue, ${WORKERS} workers, --concurrency 32`, args: ['--executor', 'queue', '--concurrency', '32', '--force'], onPool: true },
  ];
  const measured = ways.map(() => []);
  for (let attempt = 1; attempt <= ctx.runs; attempt++) {
    for (const [index, way] of ways.entries()) {
      ctx.log(`scale: CPU-heavy graph, ${way.name}, run ${attempt}/${ctx.runs}`);
      const before = { machine: await machineBusyCpuMs(), workers: await workersCpuMs() };
      const { wallMs, peakRssBytes, cpuMs, result } = await bench.materialize(env, CPU_BOUND, way.args);
      const after = { machine: await machineBusyCpuMs(), workers: await workersCpuMs() };
      const cores = coresUsed({ wallMs, coordinatorCpuMs: cpuMs, workersCpuMs: way.onPool ? after.workers - before.workers : 0, machineCpuMs: after.machine - before.machine });
      const steps = way.onPool ? await bench.stepTimelines(env, result.runId) : [];
      // How much of the run the pool's workers spent holding steps: short of 100%, the pool waited on something other than CPU.
      const held = way.onPool ? steps.reduce((sum, step) => sum + step.holdMs, 0) : null;
      measured[index].push({
        wallMs,
        peakRssBytes,
        ...cores,
        loadAverage1m: os.loadavg()[0],
        steps: result.assets.length,
        stepP50Ms: percentile(result.assets.map((asset) => asset.durationMs), 50),
        workersBusy: held === null ? null : held / (wallMs * WORKERS),
        gapP50Ms: way.onPool ? percentile(gapsBetweenSteps(steps), 50) : null,
      });
    }
  }
  await bench.stopWorkers();

  const wall = measured.map((runs) => summarize(runs.map((entry) => entry.wallMs)).median);
  const [inProcessMs, queueMs, threadsMs, queueAheadMs] = wall;
  const speedUp = inProcessMs / queueMs;
  // Also run by run: each pair ran back to back, so under much the same load from the rest of the machine.
  const pairs = measured[0].map((entry, attempt) => entry.wallMs / measured[1][attempt].wallMs);
  // The fastest run of each is the one the rest of the machine disturbed least.
  const fastest = (index) => summarize(measured[index].map((entry) => entry.wallMs)).min;
  const label = `${measured[0][0].steps} assets × ~${CPU_MS_PER_ASSET} ms CPU`;
  const rows = [
    ...ways.map((way, index) =>
      row('scale', `${label}: materialize, ${way.name}`, {
        times: measured[index].map((entry) => entry.wallMs),
        peakRssBytes: maxOf(measured[index].map((entry) => entry.peakRssBytes)),
        note: [
          `step p50 ${formatMs(summarize(measured[index].map((entry) => entry.stepP50Ms)).median)}`,
          ...(index === 0 ? [] : [`${(inProcessMs / wall[index]).toFixed(2)}× in-process`]),
          ...(way.onPool
            ? [
                `workers busy ${Math.round(100 * summarize(measured[index].map((entry) => entry.workersBusy)).median)}% of the run, ` +
                  `idle ${formatMs(summarize(measured[index].map((entry) => entry.gapP50Ms)).median)} between steps (p50)`,
              ]
            : []),
          describeCores(measured[index]),
        ].join('; '),
      }),
    ),
    row('scale', `${label}: speed-up, queue on ${WORKERS} workers over in-process`, {
      text: { median: `${speedUp.toFixed(2)}×` },
      target: { goal: '>= 1.7×', met: speedUp >= 1.7 },
      note:
        `run by run ${pairs.map((ratio) => `${ratio.toFixed(2)}×`).join(', ')}; fastest over fastest ${(fastest(0) / fastest(1)).toFixed(2)}×; ` +
        `worker threads ${(inProcessMs / threadsMs).toFixed(2)}×; queue with --concurrency 32 ${(inProcessMs / queueAheadMs).toFixed(2)}×`,
    }),
  ];
  return { rows, details: { iterations, cpuMsPerAsset: CPU_MS_PER_ASSET, ways: ways.map((way, index) => ({ name: way.name, runs: measured[index] })), speedUp, speedUpByRun: pairs } };
}

/** For each worker, the time from finishing one step to claiming its next: what the pool loses to dispatching. */
function gapsBetweenSteps(steps) {
  const byWorker = new Map();
  for (const step of steps) byWorker.set(step.worker, [...(byWorker.get(step.worker) ?? []), step]);
  return [...byWorker.values()].flatMap((held) => {
    const ordered = held.toSorted((a, b) => a.claimedAtMs - b.claimedAtMs);
    return ordered.slice(1).map((step, index) => step.claimedAtMs - ordered[index].finishedAtMs);
  });
}

/**
 * How many cores a run got, and how many the rest of the machine (Postgres,
 * and whatever else runs there) used meanwhile: on a shared machine, a
 * speed-up figure only means something next to these. Null without GNU time
 * or /proc.
 */
function coresUsed({ wallMs, coordinatorCpuMs, workersCpuMs, machineCpuMs }) {
  if (coordinatorCpuMs === null || workersCpuMs === null || machineCpuMs === null) return { coordinatorCpuMs, workersCpuMs, runCores: null, otherCores: null };
  const ours = coordinatorCpuMs + workersCpuMs;
  return { coordinatorCpuMs, workersCpuMs, runCores: ours / wallMs, otherCores: Math.max(0, machineCpuMs - ours) / wallMs };
}

function describeCores(runs) {
  const run = summarize(runs.map((entry) => entry.runCores)).median;
  const other = summarize(runs.map((entry) => entry.otherCores)).median;
  return run === null ? 'cores used: unknown' : `used ${run.toFixed(2)} cores, the rest of the machine ${other.toFixed(2)}`;
}
