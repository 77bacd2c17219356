import type { ComputeContext, ComputeOutput } from '../core/asset.js';
import type { Definitions } from '../core/definitions.js';
import { loadPartitions } from '../core/io-manager.js';
import { computeOutputs } from '../core/multi-asset.js';
import type { Row } from '../core/table.js';
import type { ResourcePool } from './resource-pool.js';
import type { StepContext, StepRequest, StoredOutput } from './step-executor.js';
import { inPartition, timeWindowOf } from './partition-scope.js';
import { validateOutput } from './validate-output.js';

/**
 * One attempt at an asset: load its inputs, run its compute, validate the
 * output against its schema, store it. The same body runs in-process and in
 * a worker thread, so both executors behave alike.
 *
 * For the outputs of a multi-asset (`request.outputs`), the shared compute
 * runs once, and each requested output is validated and stored as its own
 * asset; the tables it returns for other outputs are dropped unvalidated, as
 * the run does not store them.
 */
export async function computeStep(definitions: Definitions, resources: ResourcePool, request: StepRequest, step: StepContext): Promise<StoredOutput[]> {
  const asset = definitions.asset(request.assetKey)!;
  // The outputs of a multi-asset share their deps: loading the first one's loads every output's.
  const loaded = await Promise.all(
    asset.deps.map(async (dep) => {
      const upstream = definitions.asset(dep)!;
      const held = step.inMemory.get(dep);
      const io = definitions.ioManagers[upstream.ioManager]!;
      const partitions = request.inputPartitions?.[dep];
      const table =
        held ?? (partitions === undefined ? await io.load(upstream) : await loadPartitions(io, upstream, partitions.map((partition) => inPartition(upstream, partition).partition!)));
      return { asset: upstream, table, validatedThisRun: held !== undefined };
    }),
  );
  const context: ComputeContext = {
    key: asset.key,
    runId: request.runId,
    attempt: request.attempt,
    inputs: Object.fromEntries(loaded.map((input) => [input.asset.key, input.table])),
    resources: await resources.resolve(asset.resources),
    log: step.log,
    signal: step.signal,
    partitionKey: request.partition,
    timeWindow: request.partition === undefined ? undefined : timeWindowOf(asset.partitions!, request.partition),
    inputPartitionKeys: request.inputPartitions ?? {},
  };
  const computed: ReadonlyMap<string, ComputeOutput<Row>> =
    asset.multiAsset === undefined ? new Map([[asset.key, await asset.compute(context)]]) : await computeOutputs(asset.multiAsset, context, request.outputs ?? [asset.key]);
  // Tables this run produced were validated then; what an IO manager loads is not vouched for.
  const validatedInputs = loaded.filter((input) => input.validatedThisRun);
  // Every output is validated before any is stored: one that breaks its schema leaves all of them as they were.
  const tables = [...computed].map(([key, output]) => {
    const stored = definitions.asset(key)!;
    return { asset: stored, table: validateOutput(stored, output, validatedInputs) };
  });
  // A compute that ignored its canceled signal still must not replace the previous output.
  step.signal.throwIfAborted();
  return Promise.all(
    tables.map(async ({ asset: output, table }) => ({
      key: output.key,
      table,
      stored: await definitions.ioManagers[output.ioManager]!.store(inPartition(output, request.partition), table),
    })),
  );
}
