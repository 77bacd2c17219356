import { Hono } from 'hono';
import { StrataError } from '../../core/errors.js';
import type { AssetActivity } from '../../instance/asset-activity.js';
import type { Instance } from '../../instance/instance.js';
import { countPartitions } from '../../instance/partition-states.js';
import type { AssetResponse, GraphResponse, PartitionsResponse, PreviewResponse } from '../api-types.js';
import { recordedRows, storedOutput } from '../../instance/stored-output.js';
import { checkJson, partitionCountsJson, partitionJson, reasonsJson, statusWord, whyLines } from './asset-views.js';
import { graphLayout } from './graph-layout.js';
import { queryParameters } from './query-parameters.js';
import type { UiContext } from './ui-context.js';

/** How many recent runs decide `running` and `failed` (see `readAssetActivity`). */
const ACTIVITY_RUNS = 20;
const HISTORY_LIMIT = 50;
const PREVIEW_ROWS = 50;

/** `GET /api/graph`, `GET /api/assets/:key`, its partitions and its preview (see api-types.ts). */
export function assetApi(context: UiContext): Hono {
  const { instance } = context;
  const api = new Hono();

  api.get('/graph', queryParameters('select', 'exclude'), async (c) => {
    const query = c.req.valid('query');
    const select = query.select || undefined;
    const exclude = query.exclude || undefined;
    const definitions = await instance.definitions();
    // The selection first: a mistake in it is answered before any planning.
    const selection = select === undefined && exclude === undefined ? undefined : await instance.select({ select, exclude });
    const started = performance.now();
    const layout = graphLayout(definitions);
    const laidOut = performance.now();
    // One look at the code's files for the statuses and the notice of files edited since the load.
    const { states, codeEditedSinceLoad } = await instance.assetStatesAndCodeEdits(definitions.assets.map((asset) => asset.key));
    const activity = await activityOf(context);
    // Where the time went, for the bench and the browser's devtools: the layout is cached, the statuses are not.
    c.header('server-timing', `layout;dur=${(laidOut - started).toFixed(1)}, status;dur=${(performance.now() - laidOut).toFixed(1)}`);
    const body: GraphResponse = {
      nodes: layout.nodes.map((node) => {
        const state = states.get(node.key)!;
        return {
          ...node,
          status: statusWord(node.key, state, activity),
          reasons: reasonsJson(node.key, state),
          why: whyLines(definitions.asset(node.key)!, state, activity),
          lastMaterializedAt: state.record?.materializedAt.toISOString() ?? null,
          rows: storedOutput(state).rows,
          partitions: partitionCountsJson(state.partitions),
          blockedBy: state.blockedBy,
        };
      }),
      edges: layout.edges,
      groups: layout.groups,
      width: layout.width,
      height: layout.height,
      selected: selection?.keys ?? null,
      warnings: selection?.warnings.map((warning) => warning.message) ?? [],
      codeEditedSinceLoad,
    };
    return c.json(body);
  });

  api.get('/assets/:key', queryParameters(), async (c) => {
    const key = c.req.param('key');
    const state = await instance.why(key);
    const definitions = await instance.definitions();
    const asset = definitions.asset(key)!;
    const activity = await activityOf(context);
    const history = await instance.materializationHistory(key, { limit: HISTORY_LIMIT });
    const checks = await instance.checkSummaries([key]);
    // Read again, per partition, only to name the ones that are not fresh in the why lines.
    const partitions = state.partitions === undefined || state.status === 'fresh' ? undefined : await instance.partitionStates(key);
    const body: AssetResponse = {
      key,
      description: asset.description ?? null,
      group: asset.group,
      tags: asset.tags,
      ioManager: { key: asset.ioManager, kind: definitions.ioManagers[asset.ioManager]!.kind },
      deps: { upstream: asset.deps, downstream: definitions.assets.filter((other) => other.deps.includes(key)).map((other) => other.key).sort() },
      columns: asset.columns.map((column) => ({ name: column.name, type: column.kind, nullable: column.nullable })),
      codeVersion: state.codeVersion,
      ...storedOutput(state),
      status: statusWord(key, state, activity),
      reasons: reasonsJson(key, state),
      why: whyLines(asset, state, activity, partitions),
      lastMaterializedAt: state.record?.materializedAt.toISOString() ?? null,
      partitions: partitionCountsJson(state.partitions),
      history: history.map((record) => ({
        materializedAt: record.materializedAt.toISOString(),
        runId: record.runId,
        partition: record.partition,
        rows: recordedRows(record),
        durationMs: record.durationMs,
        reasons: record.reasons,
        dataVersion: record.dataVersion,
        codeVersion: record.codeVersion,
      })),
      checks: checks.map(checkJson),
      blockedBy: state.blockedBy,
    };
    return c.json(body);
  });

  api.get('/assets/:key/partitions', queryParameters(), async (c) => {
    const key = c.req.param('key');
    const [states, blockedBy] = await Promise.all([instance.partitionStates(key), instance.blockedBy(key)]);
    const body: PartitionsResponse = { key, counts: partitionCountsJson(countPartitions(states))!, blockedBy, partitions: states.map((state) => partitionJson(key, state)) };
    return c.json(body);
  });

  api.get('/assets/:key/preview', queryParameters('partition'), async (c) => {
    const key = c.req.param('key');
    const partition = await partitionToPreview(instance, key, c.req.valid('query').partition || undefined);
    const preview = await instance.preview(key, { limit: PREVIEW_ROWS, partition, partitionGivenAs: 'query' }).catch(async (error: unknown) => {
      // A key that is no partition of the asset reads as never materialized: say what is wrong with it instead (400).
      if (partition !== undefined && error instanceof StrataError && error.code === 'STRATA_NOT_MATERIALIZED') await instance.partitionStates(key, { partitions: [partition] });
      throw error;
    });
    const body: PreviewResponse = { key, partition: partition ?? null, columns: preview.columns.map((column) => column.name), rows: preview.rows, limit: PREVIEW_ROWS, truncated: preview.truncated };
    return c.json(body);
  });

  return api;
}

/**
 * The partition a preview shows: the one asked for, else for a partitioned
 * asset the one materialized last (the page opens on its newest data, where
 * `assets show` asks the user to name one), else none.
 */
async function partitionToPreview(instance: Instance, key: string, asked: string | undefined): Promise<string | undefined> {
  if (asked !== undefined) return asked;
  // The history first: it answers an unknown key with did-you-mean (404).
  const [latest] = await instance.materializationHistory(key, { limit: 1 });
  if ((await instance.definitions()).asset(key)!.partitions === undefined) return undefined;
  if (latest?.partition == null) {
    throw new StrataError('STRATA_NOT_MATERIALIZED', `No partition of ${key} has been materialized yet: there are no stored rows to show.`, {
      hint: `Materialize one first: assets materialize --select ${key} --partition KEY (\`assets partitions ${key}\` lists them).`,
    });
  }
  return latest.partition;
}

/** What the recent runs say, with the steps in flight in this server's own runs, which the instance cannot see yet. */
async function activityOf({ instance, hub }: UiContext): Promise<AssetActivity> {
  const activity = await instance.assetActivity({ runs: ACTIVITY_RUNS });
  return { ...activity, running: new Set([...activity.running, ...hub.stepsInFlight()]) };
}
