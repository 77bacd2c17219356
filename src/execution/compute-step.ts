import type { ComputeContext, ComputeOutput } from '../core/asset.js';
import type { Definitions } from '../core/definitions.js';
import { loadPartitions } from '../core/io-manager.js';
import { computeOutputs } from '../core/multi-asset.js';
import type { ResourcePool } from './resource-pool.js';
import type { StepContext, StepRequest, StoredOutput } from './step-executor.js';
import { inPartition, timeWindowOf } from './partition-scope.js';
import type { DefinedAsset } from '../core/definitions.js';
import { rowLabel } from '../core/describe-value.js';
import { StrataError } from '../core/errors.js';
import { type Row, Table } from '../core/table.js';
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
  const partitionKeys = request.partitions ?? [];
  const context: ComputeContext = {
    key: asset.key,
    runId: request.runId,
    attempt: request.attempt,
    inputs: Object.fromEntries(loaded.map((input) => [input.asset.key, input.table])),
    resources: await resources.resolve(asset.resources),
    log: step.log,
    signal: step.signal,
    // A range has no one key: a compute that reads it was written for one partition per run, and must not get the first silently (Dagster raises too).
    get partitionKey() {
      if (partitionKeys.length <= 1) return partitionKeys[0];
      throw new StrataError('STRATA_PARTITION_RANGE', `${asset.key} is materializing the partitions ${partitionKeys[0]}...${partitionKeys.at(-1)} at once, so it has no single partitionKey.`, {
        hint: 'Read context.partitionKeys or context.timeWindow instead, which cover the whole range.',
      });
    },
    partitionKeys,
    timeWindow: partitionKeys.length === 0 ? undefined : timeWindowOf(asset.partitions!, partitionKeys),
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
  const envReads = resources.envReads(asset.resources);
  const read = Object.keys(envReads).length === 0 ? {} : { envReads };
  if (partitionKeys.length > 1) {
    // Split before storing any: a row of no partition in the range leaves every partition as it was.
    const parts = splitByPartition(asset, tables[0]!.table, partitionKeys);
    const io = definitions.ioManagers[asset.ioManager]!;
    const stored: StoredOutput[] = [];
    // One after another: a range of a year's days stored at once would open a file per day.
    for (const [partition, table] of parts) stored.push({ key: asset.key, partition, table, stored: await io.store(inPartition(asset, partition), table), ...read });
    return stored;
  }
  const partition = partitionKeys[0];
  return Promise.all(
    tables.map(async ({ asset: output, table }) => ({
      key: output.key,
      ...(partition === undefined ? {} : { partition }),
      table,
      stored: await definitions.ioManagers[output.ioManager]!.store(inPartition(output, partition), table),
      ...read,
    })),
  );
}

/**
 * The rows of a range's output by the partition their `partitionColumn`
 * holds, in key order, every partition of the range present (with no rows
 * if none holds it). A row whose column holds no partition of the range is
 * an error that names it.
 */
function splitByPartition(asset: DefinedAsset, table: Table<Row>, partitionKeys: readonly string[]): Map<string, Table<Row>> {
  const column = asset.partitionColumn!;
  const rowsOf = new Map<string, number[]>(partitionKeys.map((key) => [key, []]));
  const values = table.column(column);
  for (let index = 0; index < values.length; index++) {
    const rows = rowsOf.get(values[index] as string);
    if (rows === undefined) {
      throw new StrataError('STRATA_ROW_OUTSIDE_RANGE', `${asset.key} returned a row (${rowLabel(index)}) whose ${column} is ${JSON.stringify(values[index])}, which is no partition of the range ${partitionKeys[0]}...${partitionKeys.at(-1)} it is materializing.`, {
        hint: `Return only rows of context.partitionKeys, with ${column} holding the row's partition key exactly (e.g. "${partitionKeys[0]}").`,
      });
    }
    rows.push(index);
  }
  const columns = table.columnNames.map((name) => [name, table.column(name)] as const);
  return new Map([...rowsOf].map(([key, rows]) => [key, Table.fromColumns<Row>(Object.fromEntries(columns.map(([name, cells]) => [name, rows.map((row) => cells[row]!)])), table.columnNames)]));
}
