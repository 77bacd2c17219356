import type { AutomationStatus } from '../core/schedule.js';
import { sensor, type SensorDefinition } from '../core/sensor.js';
import { AssetGraph } from '../graph/asset-graph.js';
import { selectAssets } from '../graph/resolve-selection.js';

/** What `freshnessSensor()` takes. */
export interface FreshnessSensorSpec {
  readonly name: string;
  /** The assets it watches (those with a `freshness.maxAge`); default all. */
  readonly select?: string;
  /** Default 60. */
  readonly intervalSeconds?: number;
  /** Default `running`. */
  readonly defaultStatus?: AutomationStatus;
  readonly description?: string;
}

/**
 * A sensor that materializes the assets whose last materialization is older
 * than their `freshness.maxAge`: one run selecting exactly those, which the
 * planner plans as `expired`. Assets never materialized are not its business
 * (they are `missing`). The run key names each asset with the time of the
 * materialization that expired, so one expiry launches one run. Partitioned
 * assets are left out, and its skip reason says so: a run request names no
 * partition, and which one ages is the planner's to say (see `agesOut`).
 *
 * @example
 * const keepFresh = freshnessSensor({ name: 'keep-fresh', select: 'group:analytics' });
 */
export function freshnessSensor(spec: FreshnessSensorSpec): SensorDefinition {
  const select = spec.select ?? '*';
  return sensor({
    name: spec.name,
    intervalSeconds: spec.intervalSeconds ?? 60,
    defaultStatus: spec.defaultStatus,
    description: spec.description ?? `Materializes the assets of "${select}" whose maxAge has passed.`,
    evaluate: async ({ definitions, now, latestMaterialization }) => {
      const graph = new AssetGraph(definitions);
      const withMaxAge = selectAssets(graph, { select }).filter((key) => graph.asset(key).maxAgeMs !== undefined);
      const watched = withMaxAge.filter((key) => graph.asset(key).partitions === undefined);
      const partitioned = withMaxAge.filter((key) => graph.asset(key).partitions !== undefined);
      const unwatched = partitioned.length === 0 ? '' : `; partitioned assets are not watched (${partitioned.join(', ')}): a schedule of their job runs the partition that aged`;
      if (watched.length === 0) return { skip: `no unpartitioned asset of "${select}" has a freshness policy (freshness.maxAge)${unwatched}` };
      const expired: { key: string; materializedAt: Date }[] = [];
      for (const key of watched) {
        const latest = await latestMaterialization(key);
        // The planner's `expired` rule, so the run this asks for plans these assets.
        if (latest !== undefined && now.getTime() - latest.materializedAt.getTime() > graph.asset(key).maxAgeMs!) {
          expired.push({ key, materializedAt: latest.materializedAt });
        }
      }
      if (expired.length === 0) return { skip: `every materialized asset with a maxAge is fresh (${watched.join(', ')})${unwatched}` };
      return {
        runRequests: [
          {
            select: expired.map((entry) => entry.key).join(', '),
            runKey: `expired:${expired.map((entry) => `${entry.key}@${entry.materializedAt.toISOString()}`).join(',')}`,
          },
        ],
      };
    },
  });
}
