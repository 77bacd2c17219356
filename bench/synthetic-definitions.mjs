/**
 * Synthetic definitions for the planning and overhead scenarios: a layered DAG
 * of `count` assets, each (past the first layer) reading about three upstreams,
 * with groups and tags, deterministic from a seed.
 *
 * Two forms of the same graph:
 * - `writeSyntheticModules(dir, count)` writes it as source, the way a user's
 *   project would declare it: `assets.mjs` with one `asset({...})` call and one
 *   zod schema per asset (exports `assets` and `sinkKey`), and
 *   `definitions.mjs`, which default-exports `defineDefinitions(...)` with a
 *   MemoryIOManager, for `assets ... --definitions`. Both import
 *   `dist/index.js` and zod by absolute URL, so they can live in a temp folder.
 *   Every asset shares one `compute`, or, with `{ computePerAsset: true }`,
 *   gets a closure of its own from a factory, as projects that generate
 *   their assets from a list do.
 * - `syntheticAssets(api, count, compute)` builds the assets in-process.
 *
 * Shape: 25 layers of equal width (40 assets per layer for 1k, 4000 for 100k).
 * An asset of layer L > 0 reads two assets of layer L-1 and one of any earlier
 * layer, all distinct. Groups are `team_0`..`team_11`, tags `layer_L` plus
 * `pii` (every 7th asset) or `tier_0`..`tier_2`. The sink is the last asset of
 * the last layer, so `+<sink>` pulls in most of the graph.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_INDEX } from './lib/paths.mjs';

const LAYERS = 25;

/** The graph's shape: `[{ key, layer, deps, group, tags }]` in layer order, and the sink's key. */
export function syntheticLayout(count, seed = 1) {
  const random = mulberry32(seed);
  const layers = Math.min(LAYERS, count);
  const width = Math.ceil(count / layers);
  const layerKeys = [];
  const nodes = [];
  for (let index = 0; index < count; index++) {
    const layer = Math.floor(index / width);
    const key = `l${String(layer).padStart(2, '0')}_a${String(index).padStart(6, '0')}`;
    (layerKeys[layer] ??= []).push(key);
    const deps = [];
    if (layer > 0) {
      const pick = (pool) => {
        // Distinct deps; a pool of one may already be used, then the asset gets fewer.
        for (let attempt = 0; attempt < 8; attempt++) {
          const candidate = pool[Math.floor(random() * pool.length)];
          if (!deps.includes(candidate)) return deps.push(candidate);
        }
        return undefined;
      };
      pick(layerKeys[layer - 1]);
      pick(layerKeys[layer - 1]);
      pick(layerKeys[Math.floor(random() * layer)]);
    }
    nodes.push({ key, layer, deps, group: `team_${index % 12}`, tags: [`layer_${layer}`, index % 7 === 0 ? 'pii' : `tier_${index % 3}`] });
  }
  return { nodes, sinkKey: nodes[nodes.length - 1].key };
}

/**
 * Builds the synthetic assets in-process with `api` = `{ asset, z }`; every
 * asset gets the same `compute`. Returns `{ assets, sinkKey }`.
 */
export function syntheticAssets(api, count, compute) {
  const { nodes, sinkKey } = syntheticLayout(count);
  const byKey = new Map();
  const assets = nodes.map((node) => {
    const defined = api.asset({
      key: node.key,
      group: node.group,
      tags: node.tags,
      deps: node.deps.map((dep) => byKey.get(dep)),
      schema: api.z.object({ id: api.z.int(), value: api.z.number() }),
      compute,
    });
    byKey.set(node.key, defined);
    return defined;
  });
  return { assets, sinkKey };
}

/** Writes `assets.mjs` and `definitions.mjs` for `count` assets into `dir`; resolves their paths. */
export async function writeSyntheticModules(dir, count, { computePerAsset = false } = {}) {
  const { nodes, sinkKey } = syntheticLayout(count);
  const index = pathToFileURL(DIST_INDEX).href;
  const zod = import.meta.resolve('zod');
  const lines = [
    `// ${count} synthetic assets written by bench/synthetic-definitions.mjs; regenerated on every bench run.`,
    `import { asset } from ${JSON.stringify(index)};`,
    `import { z } from ${JSON.stringify(zod)};`,
    '',
    computePerAsset
      ? 'const computeOf = (id) => ({ inputs }) => [{ id, value: Object.keys(inputs).length }];'
      : 'const compute = ({ inputs }) => [{ id: 1, value: Object.keys(inputs).length }];',
    '',
  ];
  for (const [index, node] of nodes.entries()) {
    const deps = node.deps.length === 0 ? '' : ` deps: [${node.deps.join(', ')}],`;
    lines.push(
      `const ${node.key} = asset({ key: '${node.key}', group: '${node.group}', tags: ${JSON.stringify(node.tags)},${deps} ` +
        `schema: z.object({ id: z.int(), value: z.number() }), ${computePerAsset ? `compute: computeOf(${index})` : 'compute'} });`,
    );
  }
  lines.push('', `export const sinkKey = '${sinkKey}';`, `export const assets = [${nodes.map((node) => node.key).join(', ')}];`, '');

  await mkdir(dir, { recursive: true });
  const assetsFile = path.join(dir, 'assets.mjs');
  const definitionsFile = path.join(dir, 'definitions.mjs');
  await writeFile(assetsFile, lines.join('\n'));
  await writeFile(
    definitionsFile,
    [
      `import { defineDefinitions, MemoryIOManager } from ${JSON.stringify(index)};`,
      "import { assets } from './assets.mjs';",
      '',
      'export default defineDefinitions({ assets, ioManagers: { default: new MemoryIOManager() } });',
      '',
    ].join('\n'),
  );
  return { assetsFile, definitionsFile, sinkKey };
}

/** A small seeded generator (mulberry32): the same graph on every machine. */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
