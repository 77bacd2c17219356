import type { DefinedAsset, Definitions } from '../core/definitions.js';
import { StrataError, UsageError } from '../core/errors.js';
import { scanStored } from '../core/io-manager.js';
import type { ColumnSpec } from '../core/row-schema.js';
import { suggestClosest } from '../core/suggest.js';
import { type Row, Table } from '../core/table.js';
import { encodeCsv } from '../io-managers/csv-writer.js';
import { inPartition } from '../execution/partition-scope.js';
import type { InstanceStorage, MaterializationRecord } from '../storage/instance-storage.js';

/** What `previewAsset` reads. */
export interface PreviewOptions {
  /** The most rows to read: a positive integer. */
  readonly limit: number;
  /** The columns to read, in this order; default every column of the asset's schema. */
  readonly columns?: readonly string[] | undefined;
  /** For a partitioned asset, the partition to read: required, as each partition is a table of its own. */
  readonly partition?: string | undefined;
  /** How the caller's user gives `partition`, so the errors about it name that: default the CLI's `flag`. */
  readonly partitionGivenAs?: PartitionInput | undefined;
}

/** Where a preview's partition comes from: the CLI's `--partition` flag, or the UI API's `partition` query parameter. */
export type PartitionInput = 'flag' | 'query';

/** How the errors of a preview speak of the partition input: its name, how to give one, and the request without it. */
interface PartitionInputWords {
  readonly name: string;
  readonly withKey: string;
  readonly without: (key: string) => string;
}

const PARTITION_INPUT_WORDS: Record<PartitionInput, PartitionInputWords> = {
  flag: { name: '--partition', withKey: '--partition KEY', without: (key) => `\`assets show ${key}\`` },
  query: { name: 'the partition query parameter', withKey: '?partition=KEY', without: (key) => `GET /api/assets/${key}/preview` },
};

/** The first rows of an asset's stored output. */
export interface AssetPreview {
  /** The columns read: the `columns` asked for, else the schema's, in order. */
  readonly columns: readonly ColumnSpec[];
  /** At most the `limit` asked for, in stored order. */
  readonly rows: readonly Row[];
  /** Whether the stored output holds more rows than `rows`. */
  readonly truncated: boolean;
  /** How many rows the stored output held when it was materialized, as its IO manager recorded it (undefined when it recorded none). */
  readonly totalRows: number | undefined;
}

/**
 * Reads the first `limit` rows of an asset's stored output through its IO
 * manager's scan (see `scanStored`), which reads only as far as the rows
 * asked for when the IO manager can (the CSV, memory and Postgres ones can),
 * and only the columns asked for. One row more than `limit` is read, to tell
 * whether there are more. An asset never materialized throws
 * `STRATA_NOT_MATERIALIZED` rather than asking the IO manager for what it
 * cannot have; a column the schema lacks is a usage error with a did-you-mean.
 */
export async function previewAsset(definitions: Definitions, storage: InstanceStorage, key: string, options: PreviewOptions): Promise<AssetPreview> {
  const asset = definitions.asset(key)!;
  const columns = options.columns === undefined ? asset.columns : chosenColumns(key, asset.columns, options.columns);
  const recorded = await recordToShow(storage, asset, options.partition, PARTITION_INPUT_WORDS[options.partitionGivenAs ?? 'flag']);
  const rows: Row[] = [];
  const stored = inPartition(asset, options.partition);
  for await (const batch of scanStored(definitions.ioManagers[asset.ioManager]!, { ...stored, columns }, { limit: options.limit + 1 })) {
    for (const row of batch) rows.push(row);
  }
  const truncated = rows.length > options.limit;
  if (truncated) rows.length = options.limit;
  const totalRows = recorded.metadata.rows;
  return { columns, rows, truncated, totalRows: typeof totalRows === 'number' ? totalRows : undefined };
}

/** The record of what a preview reads: the asset's, or the partition's; throws when there is none, or a partition is needed or given in vain. */
async function recordToShow(storage: InstanceStorage, asset: DefinedAsset, partition: string | undefined, input: PartitionInputWords): Promise<MaterializationRecord> {
  const { key } = asset;
  if (asset.partitions === undefined) {
    if (partition !== undefined) throw new UsageError(`${key} is not partitioned: ${input.name} has nothing to choose.`, { hint: `Leave out ${input.name}: ${input.without(key)}.` });
    const recorded = (await storage.latestMaterializations([key])).get(key);
    if (recorded === undefined) {
      throw new StrataError('STRATA_NOT_MATERIALIZED', `${key} has never been materialized: there are no stored rows to show.`, { hint: `Materialize it first: assets materialize --select ${key}` });
    }
    return recorded;
  }
  if (partition === undefined) {
    const [latest] = await storage.materializationHistory(key, { limit: 1 });
    throw new UsageError(`${key} is partitioned: each partition is a table of its own.`, {
      hint: `Name one with ${input.withKey}${latest?.partition == null ? '' : ` (the latest materialized: ${latest.partition})`}; \`assets partitions ${key}\` lists them.`,
    });
  }
  const recorded = (await storage.latestPartitionMaterializations(key, [partition])).get(partition);
  if (recorded === undefined) {
    throw new StrataError('STRATA_NOT_MATERIALIZED', `${key} [${partition}] has never been materialized: there are no stored rows to show.`, {
      hint: `Materialize it first: assets materialize --select ${key} --partition ${partition}`,
    });
  }
  return recorded;
}

/** The schema's specs of `names`, in that order, each once; a name the schema lacks is a usage error naming the columns it has. */
function chosenColumns(key: string, schema: readonly ColumnSpec[], names: readonly string[]): ColumnSpec[] {
  const known = schema.map((column) => column.name);
  if (names.length === 0) throw new UsageError(`No column was named for ${key}.`, { hint: `Name one or more of: ${known.join(', ')}.` });
  const chosen: ColumnSpec[] = [];
  for (const name of names) {
    const column = schema.find((each) => each.name === name);
    if (column === undefined) {
      const suggestions = suggestClosest(name, known);
      throw new UsageError(`${key} has no column "${name}".`, {
        hint: `${suggestions.length > 0 ? `Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}? ` : ''}Its columns: ${known.join(', ')}.`,
      });
    }
    if (!chosen.includes(column)) chosen.push(column);
  }
  return chosen;
}

/**
 * A preview's rows as the CSV IO manager writes a table, in chunks: the same
 * quoting, null as an empty field and empty text as `""`. Chunks end between
 * fields, never inside a character, so each decodes on its own.
 */
export function previewCsvChunks(key: string, preview: AssetPreview): Iterable<Buffer> {
  return encodeCsv(Table.fromRows(preview.rows, preview.columns.map((column) => column.name)), preview.columns, key);
}
