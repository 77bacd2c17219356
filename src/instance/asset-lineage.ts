import type { Definitions } from '../core/definitions.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import type { StaleReasonKind } from '../graph/planner.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import type { PartitionCounts } from './partition-states.js';
import { readAssetStates, type AssetStateOptions, type ShownStatus, shownStatus } from './asset-states.js';
import { type LineageDirection, type LineageEdge, type LineageWalk, mergeEdges, walkLineage } from './lineage-walk.js';

/** One asset of a lineage, as the graph formats show it. */
export interface LineageNode {
  readonly key: string;
  readonly group: string;
  /** The kind of its IO manager (`csv`, `memory`, ...). */
  readonly kind: string;
  readonly tags: readonly string[];
  /** The status shown: the planner's, or `failed-check` (see `shownStatus`). */
  readonly status: ShownStatus;
  readonly reasons: readonly StaleReasonKind[];
  readonly lastMaterializedAt: Date | undefined;
  /** For a partitioned asset: its partitions' counts per status. */
  readonly partitions: PartitionCounts | undefined;
}

/** A lineage as a plain graph: the assets drawn, in topological order, and the edges between them in data-flow order. */
export interface LineageGraph {
  /** The assets the lineage was asked for; drawn emphasised. */
  readonly selected: readonly string[];
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

/** A lineage with the walk of each direction asked for, which a tree is drawn from. */
export interface AssetLineage extends LineageGraph {
  /** One per direction, in the order asked. */
  readonly walks: readonly LineageWalk[];
}

/** What to draw the lineage of: which assets, which ways, how far. */
export interface LineageRequest {
  readonly keys: readonly string[];
  /** Default: upstream only. */
  readonly directions?: readonly LineageDirection[];
  /** At most this many edges away; default: all the way. */
  readonly depth?: number | undefined;
}

/**
 * The lineage of `keys`: every asset the walks reach, with its status as a
 * run would decide it, and the edges between them.
 */
export async function readLineage(
  definitions: Definitions,
  graph: AssetGraph,
  storage: InstanceStorage,
  request: LineageRequest,
  options: AssetStateOptions,
): Promise<AssetLineage> {
  const walks = (request.directions ?? ['upstream']).map((direction) => walkLineage(graph, request.keys, direction, request.depth));
  const drawn = graph.sortTopologically(new Set(walks.flatMap((walk) => walk.keys)));
  const states = await readAssetStates(definitions, storage, drawn, options);
  return {
    selected: request.keys,
    walks,
    nodes: drawn.map((key) => {
      const asset = graph.asset(key);
      const state = states.get(key)!;
      return {
        key,
        group: asset.group,
        kind: definitions.ioManagers[asset.ioManager]!.kind,
        tags: asset.tags,
        status: shownStatus(state),
        reasons: state.reasons.map((reason) => reason.kind),
        lastMaterializedAt: state.record?.materializedAt,
        partitions: state.partitions,
      };
    }),
    edges: mergeEdges(walks.map((walk) => walk.edges), drawn),
  };
}
