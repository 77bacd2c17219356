import type { AssetDefinition, ComputeOutput } from '../core/asset.js';
import type { Definitions } from '../core/definitions.js';
import { StrataError, UnknownAssetError, UsageError } from '../core/errors.js';
import type { RowOf, RowSchema } from '../core/row-schema.js';
import { suggestClosest } from '../core/suggest.js';
import type { Row, Table } from '../core/table.js';
import { materialize } from '../execution/materialize.js';
import type { MaterializeResult } from '../execution/run-result.js';
import { validateOutput } from '../execution/validate-output.js';
import { MemoryIOManager } from '../io-managers/memory-io-manager.js';
import { SqliteInstanceStorage } from '../storage/sqlite-instance-storage.js';

export interface MaterializeInMemoryOptions {
  /** Selection expression (`+totals`, `group:sources`); default every asset. Assets given as `inputs` never run. */
  readonly select?: string | undefined;
  /** Ready-made instances by resource key (fakes, recorded responses): used instead of creating the resources. */
  readonly resources?: Readonly<Record<string, unknown>> | undefined;
  /** Tables of upstream assets by key, as rows or a `Table`: checked against the asset's schema and stored as if materialized before. */
  readonly inputs?: Readonly<Record<string, ComputeOutput<Row>>> | undefined;
  /** The environment configurable resources read; default none (not `process.env`), so a test sees only what it sets. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** What `materializeInMemory` returns. */
export interface InMemoryRun {
  /** Every table stored when the run ended, by asset key (the inputs too), in key order. */
  readonly tables: Readonly<Record<string, Table<Row>>>;
  /** What happened to each planned asset. */
  readonly result: MaterializeResult;
  /** The stored table of an asset, typed by its schema when given the asset; throws when there is none. */
  table<S extends RowSchema>(asset: AssetDefinition<string, S>): Table<RowOf<S>>;
  table(key: string): Table<Row>;
}

/**
 * Runs assets the way `assets materialize` does (planning, validation,
 * retries), but with every IO manager replaced by one `MemoryIOManager` and a
 * fresh in-memory instance, so a unit test touches no files and needs no
 * cleanup. Throws when any asset fails, with each failure's message.
 *
 * @example
 * const run = await materializeInMemory(definitions, { select: 'totals', inputs: { orders: [{ id: 1, customer: 'ada', amount: 2 }] } });
 * expect(run.table(totals).rows()).toEqual([{ customer: 'ada', total: 2 }]);
 */
export async function materializeInMemory(definitions: Definitions, options: MaterializeInMemoryOptions = {}): Promise<InMemoryRun> {
  const memory = new MemoryIOManager();
  const supplied = options.resources ?? {};
  for (const key of Object.keys(supplied)) {
    if (!definitions.resourceDefinitions.has(key)) {
      const close = suggestClosest(key, definitions.resourceDefinitions.keys());
      throw new UsageError(`materializeInMemory: no asset uses a resource with key "${key}".`, {
        hint: close.length > 0 ? `Did you mean "${close[0]}"?` : `The resource keys are: ${[...definitions.resourceDefinitions.keys()].sort().join(', ') || 'none'}.`,
      });
    }
  }
  // One memory manager under every IO manager key: asset keys are unique, so their tables cannot clash.
  const inMemory: Definitions = Object.freeze({
    ...definitions,
    ioManagers: Object.fromEntries(Object.keys(definitions.ioManagers).map((key) => [key, memory])),
    resources: Object.freeze({ ...definitions.resources, ...supplied }),
  });

  const inputKeys = Object.keys(options.inputs ?? {}).sort();
  for (const key of inputKeys) {
    const asset = inMemory.asset(key);
    if (asset === undefined) throw new UnknownAssetError('asset', key, suggestClosest(key, inMemory.assets.map((a) => a.key)));
    await memory.store(asset, validateOutput(asset, options.inputs![key]!));
  }

  const storage = await SqliteInstanceStorage.open({ path: ':memory:' });
  let result: MaterializeResult;
  try {
    result = await materialize(inMemory, {
      storage,
      select: options.select,
      exclude: inputKeys.length > 0 ? inputKeys.join(', ') : undefined,
      env: options.env ?? {},
      trigger: 'materializeInMemory',
      // The instance is thrown away after this call: no later plan compares code versions with it.
      codeVersions: 'declared',
    });
  } finally {
    await storage.close();
  }
  const unfinished = result.assets.filter((asset) => asset.action === 'failed' || asset.action === 'skipped');
  if (unfinished.length > 0) {
    const firstError = unfinished.find((asset) => asset.action === 'failed')?.error;
    throw new StrataError(
      'STRATA_RUN_FAILED',
      `materializeInMemory: ${unfinished.length} asset${unfinished.length === 1 ? '' : 's'} did not materialize:\n` +
        unfinished.map((asset) => `  - ${asset.key}: ${asset.error?.message ?? asset.action}`).join('\n'),
      { hint: firstError?.hint ?? 'The first failure above is the cause; the rest were skipped because of it.' },
    );
  }

  const tables: Record<string, Table<Row>> = {};
  for (const asset of inMemory.assets) {
    if ((await memory.dataVersion(asset)) !== undefined) tables[asset.key] = await memory.load(asset);
  }
  return {
    tables: Object.freeze(tables),
    result,
    table(assetOrKey: string | AssetDefinition) {
      const key = typeof assetOrKey === 'string' ? assetOrKey : assetOrKey.key;
      const table = tables[key];
      if (table === undefined) {
        throw new UsageError(`materializeInMemory: the run stored no table for "${key}".`, {
          hint: `It stored: ${Object.keys(tables).join(', ') || 'nothing'}. Widen \`select\`, or give "${key}" as an input.`,
        });
      }
      return table;
    },
  } as InMemoryRun;
}
