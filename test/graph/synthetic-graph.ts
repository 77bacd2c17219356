import { z } from 'zod';
import { type AnyAsset, asset } from '../../src/core/asset.js';
import { defineDefinitions } from '../../src/core/definitions.js';
import type { IOManager } from '../../src/core/io-manager.js';
import { AssetGraph } from '../../src/graph/asset-graph.js';

/**
 * An IO manager that only has a kind: selection reads `kind` and nothing else,
 * so any call to it is a bug in the test.
 */
export function kindOnlyIOManager(kind: string): IOManager {
  const unused = () => Promise.reject(new Error(`the "${kind}" IO manager is not used by selection tests`));
  return { kind, store: unused, load: unused, dataVersion: unused, delete: unused };
}

const schema = z.object({ id: z.number().int() });

interface Spec {
  readonly deps?: readonly AnyAsset[];
  readonly group?: string;
  readonly tags?: readonly string[];
  readonly ioManager?: string;
}

function node(key: string, spec: Spec = {}): AnyAsset {
  return asset({ key, schema, compute: () => [], ...spec });
}

/** Builds a real AssetGraph from assets declared with `asset()`; `default` stores CSV, `scratch` memory. */
export function graphOf(assets: readonly AnyAsset[]): AssetGraph {
  return new AssetGraph(
    defineDefinitions({
      assets,
      ioManagers: { default: kindOnlyIOManager('csv'), scratch: kindOnlyIOManager('memory') },
    }),
  );
}

/**
 * The example pipeline's shape with two extra assets, full of diamonds:
 *
 *     users ──┬──> posts_enriched ──> summary ──────┐
 *     posts ──┤                                     ├──> weekly_digest
 *             └──> user_stats ────> top_authors ────┘
 *     audit_log (alone)
 *
 * users and posts both feed posts_enriched and user_stats. Distances from
 * users: posts_enriched, user_stats 1; summary, top_authors 2; weekly_digest 3.
 */
export function exampleGraph(): AssetGraph {
  const users = node('users', { group: 'sources', tags: ['api', 'pii'] });
  const posts = node('posts', { group: 'sources', tags: ['api'] });
  const postsEnriched = node('posts_enriched', { group: 'transforms', deps: [posts, users] });
  const userStats = node('user_stats', { group: 'analytics', deps: [posts, users], tags: ['report'], ioManager: 'scratch' });
  const topAuthors = node('top_authors', { group: 'analytics', deps: [userStats], tags: ['report'] });
  const summary = node('summary', { group: 'analytics', deps: [postsEnriched], tags: ['report', 'daily'] });
  const weeklyDigest = node('weekly_digest', { group: 'reports', deps: [topAuthors, summary], tags: ['daily'], ioManager: 'scratch' });
  const auditLog = node('audit_log', { group: 'ops', ioManager: 'scratch' });
  return graphOf([users, posts, postsEnriched, userStats, topAuthors, summary, weeklyDigest, auditLog]);
}

/** Assets whose keys are the selection keywords: reachable only through `key:`. */
export function keywordGraph(): AssetGraph {
  const and = node('and');
  return graphOf([and, node('or', { deps: [and] }), node('not')]);
}

/** A small deterministic PRNG (mulberry32) for seeded property tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
