import type { AnyAsset } from '../core/asset.js';
import type { AnyAssetCheck, CheckContext, CheckOutcome, CheckSeverity, CheckStatus, TableScanner } from '../core/asset-check.js';
import { judgeOutcome } from '../core/asset-check.js';
import type { DefinedAsset, Definitions } from '../core/definitions.js';
import { StrataError } from '../core/errors.js';
import { scanStored } from '../core/io-manager.js';
import { type Row, Table } from '../core/table.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import { describeError } from './describe-error.js';
import { NEVER_MATERIALIZED } from './check-states.js';

/** The stored output whose checks run: what the latest materialization of `asset` recorded, and the table itself when this process holds it. */
export interface CheckedOutput {
  readonly asset: DefinedAsset;
  readonly dataVersion: string;
  /** Its row count as its materialization recorded it; undefined when what is stored is no longer that output (edited since), and rows must be counted. */
  readonly rows: number | undefined;
  /** The table as stored, when it is in memory here (just computed in this process): no need to read it back. */
  readonly table: Table<Row> | undefined;
}

/** One check's result, as the instance records it (less the run and the time). */
export interface EvaluatedCheck {
  readonly assetKey: string;
  readonly checkName: string;
  readonly checkVersion: string;
  readonly status: CheckStatus;
  readonly severity: CheckSeverity;
  readonly blocking: boolean;
  /** Null when the check errored before it could count. */
  readonly failing: number | null;
  readonly sample: readonly Row[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly durationMs: number;
  /** The data version of every stored table it judged: its asset's, and those of the assets it read. Any change re-runs it. */
  readonly dataVersions: Readonly<Record<string, string>>;
}

/**
 * Runs `checks` of one stored output. The scan checks (the built-ins) share
 * one pass over the table: the table in memory when there is one, else the
 * IO manager's scan in batches, so a large table is never held whole for
 * them. Custom checks then run one by one. A check that throws ends
 * `errored` with the error's message; it never stops the others. Another
 * asset is read once `readyToRead` says so (a run rebuilding it has stored it).
 */
export async function evaluateChecks(
  definitions: Definitions,
  storage: InstanceStorage,
  output: CheckedOutput,
  checks: readonly AnyAssetCheck[],
  readyToRead: (key: string) => Promise<void> = async () => {},
): Promise<EvaluatedCheck[]> {
  const reads = new OtherAssets(definitions, storage, readyToRead);
  const context = checkContext(definitions, output, reads);
  const results = new Map<AnyAssetCheck, EvaluatedCheck>();
  const judge = (check: AnyAssetCheck, spentMs: number, outcome: CheckOutcome | Error, readKeys: readonly string[]) => {
    results.set(check, result(output, check, spentMs, outcome, reads.versionsOf(readKeys)));
  };
  const timed = async <T>(work: () => T | Promise<T>): Promise<{ value: T; ms: number } | { error: Error; ms: number }> => {
    const started = performance.now();
    try {
      return { value: await work(), ms: performance.now() - started };
    } catch (error) {
      return { error: asError(error), ms: performance.now() - started };
    }
  };

  const scanning: { check: AnyAssetCheck; scanner: TableScanner; spentMs: number }[] = [];
  for (const check of checks) {
    const { evaluation } = check;
    if (evaluation.kind !== 'scan') continue;
    const started = await timed(() => evaluation.start(context));
    if ('error' in started) judge(check, started.ms, started.error, check.reads);
    else scanning.push({ check, scanner: started.value, spentMs: started.ms });
  }
  if (scanning.length > 0) {
    let pending = scanning;
    for await (const batch of batches(definitions, output)) {
      for (const entry of pending) {
        const added = await timed(() => entry.scanner.add(batch));
        entry.spentMs += added.ms;
        if ('error' in added) judge(entry.check, entry.spentMs, added.error, entry.check.reads);
      }
      pending = pending.filter((entry) => !results.has(entry.check));
    }
    for (const entry of pending) {
      const finished = await timed(() => entry.scanner.finish());
      judge(entry.check, entry.spentMs + finished.ms, 'error' in finished ? finished.error : finished.value, entry.check.reads);
    }
  }

  for (const check of checks) {
    const { evaluation } = check;
    if (evaluation.kind !== 'custom') continue;
    const tracked = reads.track();
    const ran = await timed(() => evaluation.run(tracked.context(context)));
    judge(check, ran.ms, 'error' in ran ? ran.error : ran.value, tracked.keys());
  }
  return checks.map((check) => results.get(check)!);
}

function result(output: CheckedOutput, check: AnyAssetCheck, spentMs: number, checked: CheckOutcome | Error, readVersions: Readonly<Record<string, string>>): EvaluatedCheck {
  const base = {
    assetKey: output.asset.key,
    checkName: check.name,
    checkVersion: check.codeVersion,
    severity: check.severity,
    blocking: check.blocking,
    durationMs: Math.round(spentMs),
    dataVersions: { ...readVersions, [output.asset.key]: output.dataVersion },
  };
  let outcome = checked;
  if (!(outcome instanceof Error)) {
    const unstorable = jsonProblem(outcome);
    if (unstorable === undefined) return { ...base, status: judgeOutcome(check, outcome), failing: outcome.failing, sample: outcome.sample, metadata: outcome.metadata };
    outcome = new StrataError('STRATA_CHECK_RESULT', `the check returned a sample or metadata that cannot be stored as JSON: ${unstorable}`, {
      hint: 'Return only JSON values in sample rows and metadata: no BigInt, no circular references.',
    });
  }
  const described = describeError(outcome);
  return { ...base, status: 'errored', failing: null, sample: [], metadata: { error: described.message, ...(described.hint === undefined ? {} : { hint: described.hint }) } };
}

/** Why an outcome's sample and metadata cannot be stored as JSON, or undefined when they can. */
function jsonProblem(outcome: CheckOutcome): string | undefined {
  try {
    JSON.stringify([outcome.sample, outcome.metadata]);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The stored table in batches: the in-memory table at once, else the IO
 * manager's scan. Every column is kept, not only those the checks read, so a
 * failing row's sample shows the whole row.
 */
async function* batches(definitions: Definitions, output: CheckedOutput): AsyncIterable<Table<Row>> {
  if (output.table !== undefined) {
    yield output.table;
    return;
  }
  const columns = output.asset.columns.map((column) => column.name);
  for await (const rows of scanStored(definitions.ioManagers[output.asset.ioManager]!, output.asset)) {
    yield Table.fromRows(rows, columns);
  }
}

function checkContext(definitions: Definitions, output: CheckedOutput, reads: OtherAssets): CheckContext {
  let table: Promise<Table<Row>> | undefined;
  let rows: Promise<number> | undefined;
  return {
    assetKey: output.asset.key,
    table: () => {
      table ??= output.table !== undefined ? Promise.resolve(output.table) : definitions.ioManagers[output.asset.ioManager]!.load(output.asset);
      return table;
    },
    rowCount: async (asset?: AnyAsset) => {
      if (asset !== undefined && asset.key !== output.asset.key) return reads.rowCount(asset.key);
      rows ??= output.rows !== undefined ? Promise.resolve(output.rows) : countRows(definitions, output);
      return rows;
    },
    load: (asset) => reads.load(asset.key) as never,
    scan: (asset) => reads.scan(asset.key) as never,
  };
}

/**
 * The other assets checks read, through the latest materialization recorded
 * for each and its IO manager: each read once per evaluation, and each one's
 * data version kept, so the result records what it judged.
 */
class OtherAssets {
  readonly #definitions: Definitions;
  readonly #storage: InstanceStorage;
  readonly #readyToRead: (key: string) => Promise<void>;
  readonly #records = new Map<string, Promise<{ dataVersion: string; rows: number }>>();
  readonly #tables = new Map<string, Promise<Table<Row>>>();
  readonly #versions = new Map<string, string>();

  constructor(definitions: Definitions, storage: InstanceStorage, readyToRead: (key: string) => Promise<void>) {
    this.#definitions = definitions;
    this.#storage = storage;
    this.#readyToRead = readyToRead;
  }

  async rowCount(key: string): Promise<number> {
    return (await this.#record(key)).rows;
  }

  async load(key: string): Promise<Table<Row>> {
    await this.#record(key);
    let table = this.#tables.get(key);
    if (table === undefined) {
      const asset = this.#definitions.asset(key)!;
      table = this.#definitions.ioManagers[asset.ioManager]!.load(asset);
      this.#tables.set(key, table);
    }
    return table;
  }

  async *scan(key: string): AsyncIterable<readonly Row[]> {
    await this.#record(key);
    const asset = this.#definitions.asset(key)!;
    yield* scanStored(this.#definitions.ioManagers[asset.ioManager]!, asset);
  }

  /** The recorded data versions of `keys` (those read so far). */
  versionsOf(keys: readonly string[]): Record<string, string> {
    return Object.fromEntries(keys.flatMap((key) => (this.#versions.has(key) ? [[key, this.#versions.get(key)!]] : [])));
  }

  /** Tracks which assets one custom check reads, through a context that records them. */
  track(): { context(base: CheckContext): CheckContext; keys(): string[] } {
    const keys = new Set<string>();
    return {
      context: (base) => ({
        ...base,
        rowCount: (asset) => {
          if (asset !== undefined && asset.key !== base.assetKey) keys.add(asset.key);
          return base.rowCount(asset);
        },
        load: (asset) => {
          keys.add(asset.key);
          return base.load(asset);
        },
        scan: (asset) => {
          keys.add(asset.key);
          return base.scan(asset);
        },
      }),
      keys: () => [...keys],
    };
  }

  #record(key: string): Promise<{ dataVersion: string; rows: number }> {
    let record = this.#records.get(key);
    if (record === undefined) {
      if (this.#definitions.asset(key)?.partitions !== undefined) {
        const hint = `Declare the check on ${key} itself, which checks each partition, or read an unpartitioned asset built from it.`;
        return Promise.reject(new StrataError('STRATA_CHECK_READS_PARTITIONED', `The check reads ${key}, which is partitioned: checks read unpartitioned assets only, for now.`, { hint }));
      }
      record = this.#readyToRead(key).then(async () => {
        const latest = (await this.#storage.latestMaterializations([key])).get(key);
        if (latest === undefined) {
          // Recorded so: the result goes stale, and the check runs again, once it is materialized.
          this.#versions.set(key, NEVER_MATERIALIZED);
          throw new StrataError('STRATA_NOT_MATERIALIZED', `The check reads ${key}, which has never been materialized.`, { hint: `Materialize it first: assets materialize --select ${key}` });
        }
        this.#versions.set(key, latest.dataVersion);
        return { dataVersion: latest.dataVersion, rows: Number(latest.metadata.rows ?? 0) };
      });
      this.#records.set(key, record);
    }
    return record;
  }
}

/** The rows stored now, counted through the IO manager's scan: for an output edited since it was recorded. */
async function countRows(definitions: Definitions, output: CheckedOutput): Promise<number> {
  if (output.table !== undefined) return output.table.numRows;
  let rows = 0;
  for await (const batch of scanStored(definitions.ioManagers[output.asset.ioManager]!, output.asset)) rows += batch.length;
  return rows;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
