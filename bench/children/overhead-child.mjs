/**
 * The per-asset overhead of a run, in its own process (spawned by
 * bench/scenarios/overhead.mjs, and by scale.mjs for Postgres):
 *
 *   node bench/children/overhead-child.mjs <count> <instance folder>
 *   node bench/children/overhead-child.mjs <count> <postgres://… URL> <schema>
 *
 * Declares `count` trivial assets (the synthetic layered DAG; each compute
 * returns one row), stores them with a MemoryIOManager, records the run in a
 * real SQLite instance in the given folder, or in the given schema of a
 * Postgres database (bench/scenarios/scale.mjs), and times `materialize()` end to
 * end: planning, every compute, validation, storing, hashing, and the storage
 * writes. Then times a second `materialize()` that finds everything fresh.
 * Prints one JSON document on stdout.
 */
import { z } from 'zod';
import { asset, defineDefinitions, materialize, MemoryIOManager, PostgresInstanceStorage, SqliteInstanceStorage } from '../../dist/index.js';
import { syntheticAssets } from '../synthetic-definitions.mjs';

const [countText, instance, schema] = process.argv.slice(2);
const count = Number(countText);
const onPostgres = /^postgres(ql)?:\/\//.test(instance ?? '');
if (!Number.isInteger(count) || count < 1 || instance === undefined || (onPostgres && schema === undefined)) {
  process.stderr.write('usage: node bench/children/overhead-child.mjs <count> <instance folder> | <count> <postgres://… URL> <schema>\n');
  process.exit(2);
}

const { assets } = syntheticAssets({ asset, z }, count, ({ inputs }) => [{ id: 1, value: Object.keys(inputs).length }]);
const definitions = defineDefinitions({ assets, ioManagers: { default: new MemoryIOManager() } });
const storage = onPostgres ? await PostgresInstanceStorage.open({ connectionString: instance, schema }) : await SqliteInstanceStorage.open({ home: instance });
try {
  let started = performance.now();
  const first = await materialize(definitions, { storage });
  const runMs = performance.now() - started;
  if (first.status !== 'success') throw new Error(`the run ended ${first.status}: ${JSON.stringify(first.assets.find((a) => a.error !== null)?.error)}`);

  started = performance.now();
  const second = await materialize(definitions, { storage });
  const noopMs = performance.now() - started;
  if (second.status !== 'nothing-to-do') throw new Error(`the second run should find everything fresh, but it ended ${second.status}`);

  process.stdout.write(`${JSON.stringify({ assets: count, materialized: first.assets.length, runMs, noopMs, msPerAsset: runMs / count })}\n`);
} finally {
  await storage.close();
}
