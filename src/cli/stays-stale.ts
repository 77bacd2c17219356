import type { PartitionLeftStale } from '../instance/partitions-left-stale.js';
import type { StaleForUnselected } from '../instance/stale-for-unselected.js';
import { describePartitionsLeftStale } from './partitions-left-stale.js';
import { describeStaleForUnselected } from './stale-for-unselected.js';

/**
 * What a run, or a backfill, leaves stale that its summary does not say:
 * selected assets, for upstreams the selection leaves out (a run reads what
 * those stored), and partitions, for stale partitions they read outside the
 * runs of their partitions. `--json` gives it as `staysStale`; the text says
 * it after the summary, or in place of "up to date".
 */
export interface StaysStale {
  readonly assets: readonly StaleForUnselected[];
  readonly partitions: readonly PartitionLeftStale[];
}

/**
 * What follows the summary of a run, a dry run or a backfill that had work:
 * what it leaves stale, or nothing. `selectUpstreams` words the example of
 * a selection with upstreams (see `describeStaleForUnselected`).
 */
export function describeStaysStale({ assets, partitions }: StaysStale, selectUpstreams?: (key: string) => string): string {
  return (assets.length === 0 ? '' : `\n${describeStaleForUnselected(assets, { nothingRan: false, selectUpstreams })}`) + (partitions.length === 0 ? '' : describePartitionsLeftStale(partitions, { nothingRan: false }));
}
