/**
 * One backfill-planning measurement, in its own process (spawned by
 * bench/scenarios/backfill-plan.mjs):
 *
 *   node bench/children/backfill-plan-child.mjs <instance folder>
 *
 * Three daily-partitioned assets (bf_a -> bf_b -> bf_c, 3,650 days from
 * 2016-01-01) in a memory IO manager, on a real SQLite instance. Times the
 * plan of every partition (`planPartitions`: one read per asset; the
 * fastest of 5), then `instance.backfill` (the keys of the range, that plan,
 * and storing the targets), twice: with nothing
 * materialized (every one of the 10,950 targets is stored), then with every
 * partition materialized and fresh (nothing to store). For the second, one
 * partition is materialized by a real run, and its records are copied to
 * the other partitions (with each partition's own stored data versions), so
 * the planner reads 3,650 real records per asset without 3,650 runs first.
 * Prints one JSON document on stdout.
 */
import { z } from 'zod';
import { asset, dailyPartitions, defineDefinitions, MemoryIOManager, openInstance, Table } from '../../dist/index.js';
// Not part of the public barrel: the bench times the plan apart from storing the targets.
import { planPartitions } from '../../dist/execution/plan-materialization.js';

const [dir] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: node bench/children/backfill-plan-child.mjs <instance folder>\n');
  process.exit(2);
}

const DAYS = 3_650;
// 2016-01-01 plus 3,650 days (three leap years among them); `end` is exclusive.
const days = dailyPartitions({ start: '2016-01-01', end: '2025-12-29' });
const schema = z.object({ day: z.string(), value: z.number() });
const a = asset({ key: 'bf_a', partitions: days, schema, codeVersion: '1', compute: ({ partitionKey }) => [{ day: partitionKey, value: 1 }] });
const b = asset({ key: 'bf_b', deps: [a], partitions: days, schema, codeVersion: '1', compute: ({ inputs, partitionKey }) => [{ day: partitionKey, value: inputs.bf_a.numRows }] });
const c = asset({ key: 'bf_c', deps: [b], partitions: days, schema, codeVersion: '1', compute: ({ inputs, partitionKey }) => [{ day: partitionKey, value: inputs.bf_b.numRows }] });
const io = new MemoryIOManager();
const definitions = defineDefinitions({ assets: [a, b, c], ioManagers: { default: io } });
const request = { selection: '*', from: null, to: null, mode: 'stale', policy: { kind: 'multi-run', maxPartitionsPerRun: 1 }, maxConcurrent: null };

/** Plans per state: on a busy machine the fastest of several is the best estimate of the plan's own cost. */
const PLANS = 5;

/**
 * The plan of every partition alone (what `instance.backfill` picks its
 * targets from), PLANS times, then the whole of `instance.backfill` once:
 * the range's keys, the plan, and storing the targets.
 */
async function timed(instance) {
  const storage = await instance.storage();
  const planMs = [];
  const planCpuMs = [];
  let planned = 0;
  for (let attempt = 0; attempt < PLANS; attempt++) {
    const started = performance.now();
    // CPU time beside wall time: on a busy machine the wall time also measures the other processes.
    const cpu = process.cpuUsage();
    const { plans } = await planPartitions(definitions, storage, { select: '*', codeVersions: 'declared' });
    planMs.push(performance.now() - started);
    const { user, system } = process.cpuUsage(cpu);
    planCpuMs.push((user + system) / 1000);
    planned = [...plans.values()].reduce((sum, { plan }) => sum + plan.planned.length, 0);
  }
  const started = performance.now();
  const { backfill } = await instance.backfill(request);
  const backfillMs = performance.now() - started;
  return { planMs: Math.min(...planMs), planCpuMs: Math.min(...planCpuMs), plans: planMs, planned, backfillMs, targets: backfill === undefined ? 0 : Object.values(backfill.counts).reduce((sum, count) => sum + count, 0) };
}

const instance = await openInstance({ cwd: dir, env: { STRATA_HOME: dir }, definitions });
try {
  const storage = await instance.storage();
  const keys = days.keys({ now: new Date(), dynamicKeys: () => [] });
  if (keys.length !== DAYS) throw new Error(`expected ${DAYS} days, got ${keys.length}`);
  const none = await timed(instance);

  // One real run, whose records every other partition copies.
  const run = await instance.materialize({ select: '*', partition: keys[0], trigger: 'bench' });
  if (run.status !== 'success') throw new Error(`the seed run ended ${run.status}`);
  const seed = new Map(await Promise.all(['bf_a', 'bf_b', 'bf_c'].map(async (key) => [key, (await storage.latestPartitionMaterializations(key, [keys[0]])).get(keys[0])])));
  const materializations = [];
  for (const day of keys.slice(1)) {
    const versions = {};
    for (const [key, dep] of [['bf_a', undefined], ['bf_b', 'bf_a'], ['bf_c', 'bf_b']]) {
      const stored = { key, columns: definitions.asset(key).columns, partition: { key: day, parts: days.parts(day) } };
      const { dataVersion, metadata } = await io.store(stored, Table.fromRows([{ day, value: 1 }], ['day', 'value']));
      versions[key] = dataVersion;
      materializations.push({ ...seed.get(key), partition: day, dataVersion, metadata, inputDataVersions: dep === undefined ? {} : { [dep]: versions[dep] } });
    }
  }
  await storage.write({ materializations });
  const all = await timed(instance);
  process.stdout.write(`${JSON.stringify({ partitions: keys.length, assets: 3, none, all })}\n`);
} finally {
  await instance.close();
}
