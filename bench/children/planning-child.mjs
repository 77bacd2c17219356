/**
 * One planning measurement, in its own process (spawned by
 * bench/scenarios/planning.mjs with --expose-gc):
 *
 *   node --expose-gc bench/children/planning-child.mjs <assets.mjs>
 *
 * Times each phase with performance.now(): importing the generated module
 * (user code: asset() calls and zod schemas), definition validation
 * (defineDefinitions), AssetGraph construction, `selectAssets` of `+<sink>`,
 * and a full staleness plan of every asset with everything fresh. It
 * collects garbage only before the first and after the last phase, to note
 * the heap everything retains (compared per asset across sizes): a forced
 * collection between phases would reset V8's heap sizing and make the next
 * phase collect more often than a real process would. Prints one JSON
 * document on stdout.
 */
import { pathToFileURL } from 'node:url';
import { AssetGraph, defineDefinitions, MemoryIOManager, selectAssets } from '../../dist/index.js';
// The planner is not part of the public barrel; the bench measures it directly.
import { planAssets } from '../../dist/graph/planner.js';

const [assetsFile] = process.argv.slice(2);
if (assetsFile === undefined || typeof globalThis.gc !== 'function') {
  process.stderr.write('usage: node --expose-gc bench/children/planning-child.mjs <assets.mjs>\n');
  process.exit(2);
}

const phases = {};
/** Heap in use after each phase, garbage included except for `start` and `retained`. */
const heapAfter = {};
async function timed(name, work) {
  const started = performance.now();
  const result = await work();
  phases[name] = performance.now() - started;
  heapAfter[name] = process.memoryUsage().heapUsed;
  return result;
}

globalThis.gc();
heapAfter.start = process.memoryUsage().heapUsed;
const { assets, sinkKey } = await timed('import', () => import(pathToFileURL(assetsFile).href));
const definitions = await timed('validate', () => defineDefinitions({ assets, ioManagers: { default: new MemoryIOManager() } }));
const graph = await timed('graph', () => new AssetGraph(definitions));
const selected = await timed('select', () => selectAssets(graph, { select: `+${sinkKey}` }));

// Everything fresh: each asset's recorded code version is its current one, its
// recorded inputs are its upstreams' current data versions.
const materializedAt = new Date();
const dataVersion = (key) => `v1-${key}`;
const recorded = new Map();
const currentDataVersions = new Map();
for (const asset of definitions.assets) {
  const inputDataVersions = {};
  for (const dep of asset.deps) inputDataVersions[dep] = dataVersion(dep);
  recorded.set(asset.key, { materializedAt, codeVersion: asset.codeVersion, dataVersion: dataVersion(asset.key), inputDataVersions });
  currentDataVersions.set(asset.key, dataVersion(asset.key));
}
const plan = await timed('plan', () => planAssets({ graph, selected: graph.keys, recorded, currentDataVersions, now: new Date() }));
globalThis.gc();
// Everything above is still referenced (the plan's inputs included), as in a real `assets status`.
heapAfter.retained = process.memoryUsage().heapUsed;

process.stdout.write(
  `${JSON.stringify({
    assets: definitions.assets.length,
    edges: definitions.assets.reduce((sum, asset) => sum + asset.deps.length, 0),
    selected: selected.length,
    planned: plan.planned.length,
    phases,
    heapAfter,
  })}\n`,
);
