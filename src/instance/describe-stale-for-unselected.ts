import { formatCount } from '../core/format-count.js';
import { listSome } from '../core/partition-keys.js';

/*
 * What a run or plan with nothing to do says when selected assets stay stale
 * for upstreams the selection leaves out (see `staleForUnselected`), worded
 * alike by the CLI and the UI. Plain values in, so the UI's bundle takes
 * nothing else of the instance.
 */

/** `2 selected assets stay stale: a run uses what unselected upstreams stored.` */
export function describeStaleCount(count: number): string {
  return `${formatCount(count)} selected ${count === 1 ? 'asset stays' : 'assets stay'} stale: a run uses what unselected upstreams stored.`;
}

/**
 * `its upstream orders_daily [2026-01-06] is not up to date, and not
 * selected`: what holds one of them back, with the stale partitions of a
 * partitioned upstream (see `describeUpstreams`).
 */
export function describeHeldBack(upstreams: readonly string[], upstreamPartitions: Readonly<Record<string, readonly string[]>>): string {
  return `its upstream ${describeUpstreams(upstreams, upstreamPartitions)} ${upstreams.length === 1 ? 'is' : 'are'} not up to date, and not selected`;
}

/** How many stale partitions of one upstream a note names before it counts the rest. */
const PARTITIONS_NAMED = 3;

/**
 * `orders_daily [2026-01-05, 2026-01-06], rates`: upstreams, each partitioned
 * one with its stale partitions (the first few, then how many more), so the
 * reader knows which partitions to run rather than only which asset.
 */
export function describeUpstreams(upstreams: readonly string[], upstreamPartitions: Readonly<Record<string, readonly string[]>>): string {
  return upstreams
    .map((key) => {
      const partitions = upstreamPartitions[key] ?? [];
      if (partitions.length === 0) return key;
      return `${key} [${listSome(partitions, PARTITIONS_NAMED)}]`;
    })
    .join(', ');
}

/** `Select the upstreams too to bring them up to date, e.g. --select +revenue.`, given the selection of the first one and its upstreams. */
export function describeSelectUpstreams(count: number, example: string): string {
  return `Select the upstreams too to bring ${count === 1 ? 'it' : 'them'} up to date, e.g. ${example}.`;
}
