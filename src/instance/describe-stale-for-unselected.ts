import { formatCount } from '../core/format-count.js';

/*
 * What a run or plan with nothing to do says when selected assets stay stale
 * for upstreams the selection leaves out (see `staleForUnselected`), worded
 * alike by the CLI and the UI. Plain values in, so the UI's bundle takes
 * nothing else of the instance.
 */

/** `2 selected assets stay stale: a run uses what unselected upstreams stored.` */
export function describeStaysStale(count: number): string {
  return `${formatCount(count)} selected ${count === 1 ? 'asset stays' : 'assets stay'} stale: a run uses what unselected upstreams stored.`;
}

/** `its upstream orders is not up to date, and not selected`: what holds one of them back. */
export function describeHeldBack(upstreams: readonly string[]): string {
  return `its upstream ${upstreams.join(', ')} ${upstreams.length === 1 ? 'is' : 'are'} not up to date, and not selected`;
}

/** `Select the upstreams too to bring them up to date, e.g. --select +revenue.`, given the selection of the first one and its upstreams. */
export function describeSelectUpstreams(count: number, example: string): string {
  return `Select the upstreams too to bring ${count === 1 ? 'it' : 'them'} up to date, e.g. ${example}.`;
}
