/*
 * Partition mappings: which partitions of an upstream asset a downstream
 * partition reads (Dagster's PartitionMapping). Each one works through the
 * definitions' public interface only, so any definition of the right kind
 * maps.
 */
import { DefinitionError } from './errors.js';
import type { PartitionMapping, PartitionsContext, PartitionsDefinition, TimePartitionsDefinition } from './partitions.js';

/** The downstream partition reads the upstream partition with the same key; both assets share one definition. */
export function identity(): PartitionMapping {
  return {
    kind: 'identity',
    upstreamKeys: (downstreamKey) => (downstreamKey === undefined ? [] : [downstreamKey]),
    problem(downstream, upstream) {
      if (downstream === undefined) return 'identity maps a partition to the same partition, but the downstream asset is not partitioned; use allPartitions() or lastPartition()';
      if (downstream.id !== upstream.id) return `identity needs both assets partitioned alike, but they are ${downstream.describe()} and ${upstream.describe()}`;
      return undefined;
    },
    describe: () => 'the same partition',
  };
}

export interface TimeWindowMappingSpec {
  /** Moves the first upstream partition read by this many upstream partitions (-1: one earlier). Default 0. */
  readonly startOffset?: number;
  /** Moves the last upstream partition read by this many upstream partitions. Default 0. */
  readonly endOffset?: number;
}

/**
 * The upstream time partitions whose windows overlap the downstream
 * partition's window, the first moved by `startOffset` and the last by
 * `endOffset` upstream partitions; those that do not exist (before the start,
 * not complete yet) are left out. An unpartitioned downstream asset reads
 * relative to the upstream's last partition.
 *
 * @example
 * timeWindow()                                  // a weekly partition reads its 7 daily ones
 * timeWindow({ startOffset: -1, endOffset: -1 }) // a daily partition reads yesterday's
 * timeWindow({ startOffset: -6 })               // the last 7 days, this one included
 */
export function timeWindow(spec: TimeWindowMappingSpec = {}): PartitionMapping {
  const startOffset = spec.startOffset ?? 0;
  const endOffset = spec.endOffset ?? 0;
  const problems = Object.entries({ startOffset, endOffset })
    .filter(([, offset]) => !Number.isInteger(offset))
    .map(([name, offset]) => `timeWindow: ${name} must be a whole number of partitions, got ${String(offset)}`);
  if (problems.length > 0) throw new DefinitionError(problems);
  return {
    kind: 'time-window',
    upstreamKeys(downstreamKey, downstream, upstream, context) {
      if (upstream.kind !== 'time') return [];
      let overlapping: readonly string[];
      if (downstreamKey === undefined || downstream === undefined) {
        const last = upstream.keys(context).at(-1);
        overlapping = last === undefined ? [] : [last];
      } else if (downstream.kind === 'time') {
        overlapping = upstream.keysOverlapping(downstream.timeWindow(downstreamKey));
      } else {
        return [];
      }
      if (overlapping.length === 0) return [];
      const existing = upstream.keys(context);
      // Moved past the definition's first or last partition, an edge clamps to the partitions there are.
      const first = moved(upstream, overlapping[0]!, startOffset);
      const last = moved(upstream, overlapping[overlapping.length - 1]!, endOffset);
      if (first === AFTER || last === BEFORE) return [];
      const from = first === BEFORE ? existing[0] : first;
      const to = last === AFTER ? existing.at(-1) : last;
      if (from === undefined || to === undefined) return [];
      const range = upstream.keysOverlapping({ start: upstream.timeWindow(from).start, end: upstream.timeWindow(to).end });
      const present = new Set(existing);
      return range.filter((key) => present.has(key));
    },
    problem(downstream, upstream) {
      if (upstream.kind !== 'time') return `timeWindow maps between time partitions, but the upstream asset is partitioned ${upstream.describe()}`;
      if (downstream !== undefined && downstream.kind !== 'time') return `timeWindow maps between time partitions, but the downstream asset is partitioned ${downstream.describe()}`;
      return undefined;
    },
    describe: () => describeTimeWindow(startOffset, endOffset),
  };
}

const BEFORE = Symbol('before the first partition');
const AFTER = Symbol('after the last partition');

/**
 * The key `offset` partitions after `key` (before, when negative), stepping
 * through the instants at a window's edges so a skipped hour is no step;
 * BEFORE or AFTER when that runs past the definition's first or last key.
 */
function moved(definition: TimePartitionsDefinition, key: string, offset: number): string | typeof BEFORE | typeof AFTER {
  let current = key;
  for (let step = 0; step < Math.abs(offset); step++) {
    const window = definition.timeWindow(current);
    const edge = offset < 0 ? window.start.getTime() - 1 : window.end.getTime();
    const next = definition.keysOverlapping({ start: new Date(edge), end: new Date(edge + 1) })[0];
    if (next === undefined) return offset < 0 ? BEFORE : AFTER;
    current = next;
  }
  return current;
}

function describeTimeWindow(startOffset: number, endOffset: number): string {
  const base = 'the partitions overlapping its window';
  const count = (n: number) => `${Math.abs(n)} partition${Math.abs(n) === 1 ? '' : 's'}`;
  if (startOffset === endOffset && startOffset !== 0) return `${base}, moved ${count(startOffset)} ${startOffset < 0 ? 'earlier' : 'later'}`;
  const edges: string[] = [];
  if (startOffset !== 0) edges.push(`from ${Math.abs(startOffset)} ${startOffset < 0 ? 'before' : 'after its first'}`);
  if (endOffset !== 0) edges.push(`to ${Math.abs(endOffset)} ${endOffset < 0 ? 'before its last' : 'after'}`);
  return [base, ...edges].join(', ');
}

/** Every upstream partition there is now; what an unpartitioned asset reads of a partitioned one by default. */
export function allPartitions(): PartitionMapping {
  return {
    kind: 'all',
    upstreamKeys: (_downstreamKey, _downstream, upstream, context) => upstream.keys(context),
    problem: () => undefined,
    describe: () => 'every partition',
  };
}

/** The upstream's last partition now (none when it has none yet). */
export function lastPartition(): PartitionMapping {
  return {
    kind: 'last',
    upstreamKeys(_downstreamKey, _downstream, upstream, context) {
      const last = upstream.keys(context).at(-1);
      return last === undefined ? [] : [last];
    },
    problem: () => undefined,
    describe: () => 'the last partition',
  };
}

/**
 * An explicit correspondence between two static partitions definitions, in
 * Dagster's direction: each upstream key names the downstream key(s) it feeds.
 *
 * @example
 * staticMapping({ eu: ['de', 'fr'], us: 'us' }) // partition de reads eu
 */
export function staticMapping(upstreamToDownstream: Readonly<Record<string, string | readonly string[]>>): PartitionMapping {
  const feeds = new Map(Object.entries(upstreamToDownstream).map(([up, down]) => [up, typeof down === 'string' ? [down] : [...down]]));
  return {
    kind: 'static',
    upstreamKeys(downstreamKey, _downstream, upstream, context) {
      if (downstreamKey === undefined) return [];
      return upstream.keys(context).filter((up) => feeds.get(up)?.includes(downstreamKey) === true);
    },
    problem(downstream, upstream) {
      if (downstream?.kind !== 'static' || upstream.kind !== 'static') return 'staticMapping maps between two static partitions definitions';
      // Static keys do not depend on the clock or the instance, so any context reads them.
      const upstreamKeys = upstream.keys(NO_CONTEXT);
      const downstreamKeys = downstream.keys(NO_CONTEXT);
      const problems: string[] = [];
      for (const [up, downs] of feeds) {
        if (!upstreamKeys.includes(up)) problems.push(`upstream key "${up}" is not one of ${upstream.describe()}`);
        for (const down of downs) if (!downstreamKeys.includes(down)) problems.push(`downstream key "${down}" (fed by "${up}") is not one of ${downstream.describe()}`);
      }
      return problems.length === 0 ? undefined : `staticMapping: ${problems.join('; ')}`;
    },
    describe: () => `the partitions mapped to it (${[...feeds].map(([up, downs]) => `${up} -> ${downs.join(', ')}`).join('; ')})`,
  };
}

const NO_CONTEXT: PartitionsContext = { now: new Date(0), dynamicKeys: () => [] };

/**
 * The mapping a dependency gets when it names none: an unpartitioned
 * downstream reads every partition, a downstream partitioned alike reads the
 * same one, time partitions read the overlapping windows. Undefined when there
 * is no sensible default, so the definitions must name one.
 */
export function defaultPartitionMapping(downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition): PartitionMapping | undefined {
  if (downstream === undefined) return allPartitions();
  if (downstream.id === upstream.id) return identity();
  if (downstream.kind === 'time' && upstream.kind === 'time') return timeWindow();
  return undefined;
}
