import type { Definitions } from '../core/definitions.js';
import { StrataError } from '../core/errors.js';
import type { Row } from '../core/table.js';
import type { InstanceStorage } from '../storage/instance-storage.js';

/** The first rows of an asset's stored output. */
export interface AssetPreview {
  /** The schema's columns, in order. */
  readonly columns: readonly string[];
  /** At most the `limit` asked for. */
  readonly rows: readonly Row[];
  /** How many rows the stored output holds. */
  readonly totalRows: number;
}

/**
 * Reads an asset's stored output through its IO manager and keeps the first
 * `limit` rows. Hazard: the IO manager contract has only `load`, which reads
 * the whole table into memory, so a preview of a large output costs what a
 * downstream step's read costs (the response itself stays small). An asset
 * never materialized throws `STRATA_NOT_MATERIALIZED` rather than asking the
 * IO manager for what it cannot have.
 */
export async function previewAsset(definitions: Definitions, storage: InstanceStorage, key: string, options: { readonly limit: number }): Promise<AssetPreview> {
  const asset = definitions.asset(key)!;
  const recorded = await storage.latestMaterializations([key]);
  if (!recorded.has(key)) {
    throw new StrataError('STRATA_NOT_MATERIALIZED', `${key} has never been materialized: there are no stored rows to show.`, { hint: `Materialize it first: assets materialize --select ${key}` });
  }
  const table = await definitions.ioManagers[asset.ioManager]!.load(asset);
  const count = Math.min(options.limit, table.numRows);
  const rows: Row[] = [];
  for (let index = 0; index < count; index++) rows.push(table.row(index));
  return { columns: asset.columns.map((column) => column.name), rows, totalRows: table.numRows };
}
