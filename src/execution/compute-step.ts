import type { Definitions } from '../core/definitions.js';
import type { StoreResult } from '../core/io-manager.js';
import type { Row, Table } from '../core/table.js';
import type { ResourcePool } from './resource-pool.js';
import type { StepContext, StepRequest } from './step-executor.js';
import { validateOutput } from './validate-output.js';

/**
 * One attempt at an asset: load its inputs, run its compute, validate the
 * output against its schema, store it. The same body runs in-process and in
 * a worker thread, so both executors behave alike.
 */
export async function computeStep(definitions: Definitions, resources: ResourcePool, request: StepRequest, step: StepContext): Promise<{ table: Table<Row>; stored: StoreResult }> {
  const asset = definitions.asset(request.assetKey)!;
  const loaded = await Promise.all(
    asset.deps.map(async (dep) => {
      const upstream = definitions.asset(dep)!;
      const held = step.inMemory.get(dep);
      const table = held ?? (await definitions.ioManagers[upstream.ioManager]!.load(upstream));
      return { asset: upstream, table, validatedThisRun: held !== undefined };
    }),
  );
  const inputs = Object.fromEntries(loaded.map((input) => [input.asset.key, input.table]));
  const output = await asset.compute({
    key: asset.key,
    runId: request.runId,
    attempt: request.attempt,
    inputs,
    resources: await resources.resolve(asset.resources),
    log: step.log,
    signal: step.signal,
  });
  // Tables this run produced were validated then; what an IO manager loads is not vouched for.
  const table = validateOutput(asset, output, loaded.filter((input) => input.validatedThisRun));
  // A compute that ignored its canceled signal still must not replace the previous output.
  step.signal.throwIfAborted();
  const stored = await definitions.ioManagers[asset.ioManager]!.store(asset, table);
  return { table, stored };
}
