import type { StaysStale } from '../instance/stays-stale.js';
import { describePartitionsLeftStale } from './partitions-left-stale.js';
import { describeStaleForUnselected } from './stale-for-unselected.js';

/**
 * What follows the summary of a run, a dry run or a backfill that had work:
 * what it leaves stale (see `StaysStale`), or nothing. `selectUpstreams` words the example of
 * a selection with upstreams (see `describeStaleForUnselected`).
 */
export function describeStaysStale({ assets, partitions }: StaysStale, selectUpstreams?: (key: string) => string): string {
  return (assets.length === 0 ? '' : `\n${describeStaleForUnselected(assets, { nothingRan: false, selectUpstreams })}`) + (partitions.length === 0 ? '' : describePartitionsLeftStale(partitions, { nothingRan: false }));
}
