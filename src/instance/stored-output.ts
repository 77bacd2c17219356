import type { MaterializationRecord } from '../storage/instance-storage.js';
import type { AssetState } from './asset-states.js';

/**
 * What an asset's stored output is, as a whole, where `status`, `list` and
 * the UI show it: the data version and row count of its last
 * materialization. None for a partitioned asset: its last record is one
 * partition's, and that partition's rows read as the asset's would mislead
 * (yesterday's 13 rows, not the 182 of two weeks), so, as Dagster does, they
 * are shown per partition (`assets partitions`, the UI's partitions table).
 */
export function storedOutput(state: Pick<AssetState, 'record' | 'partitions'>): { readonly dataVersion: string | null; readonly rows: number | null } {
  if (state.partitions !== undefined) return { dataVersion: null, rows: null };
  return { dataVersion: state.record?.dataVersion ?? null, rows: recordedRows(state.record) };
}

/** The rows the IO manager counted when it stored `record`; null when it counted none (or there is no record). */
export function recordedRows(record: Pick<MaterializationRecord, 'metadata'> | undefined): number | null {
  const rows = record?.metadata.rows;
  return typeof rows === 'number' ? rows : null;
}
