import type { Definitions } from '../core/definitions.js';
import { DefinitionError } from '../core/errors.js';
import type { ScheduleDefinition } from '../core/schedule.js';
import type { TimePartitionsDefinition } from '../core/partitions.js';
import { AssetGraph } from '../graph/asset-graph.js';
import { selectJobAssets } from '../graph/check-job-selections.js';
import { scheduledJobPartitions } from '../graph/job-partitions.js';
import { findJob } from './find-definition.js';

/*
 * Schedules of partitioned jobs (Dagster's schedule built from a partitioned
 * job): a tick at time T runs the partition the job's time partitions
 * definition has last at T. With the default endOffset 0 that is the last
 * complete window: a daily job ticking at 00:05 or 02:00 runs the day that
 * just ended. A definition with an `end` has no partition after it, so its
 * ticks keep running its last one (up to date, a run with nothing to do);
 * before the first window ends there is none, and the tick runs nothing.
 */

/** The partition a tick runs: none asked (an unpartitioned job), a key, or none yet (with why). */
export type TickPartition =
  | { readonly kind: 'unpartitioned' }
  | { readonly kind: 'partition'; readonly key: string }
  | { readonly kind: 'none'; readonly reason: string };

/**
 * The time partitions a schedule's ticks run, or undefined when its job is
 * unpartitioned. Throws a `DefinitionError` for a job whose ticks cannot each
 * run one partition (the definitions check reports it first when the CLI
 * loads them) and the selection errors of the job.
 */
export function schedulePartitions(definitions: Definitions, schedule: ScheduleDefinition): TimePartitionsDefinition | undefined {
  const graph = new AssetGraph(definitions);
  const partitions = scheduledJobPartitions(graph, selectJobAssets(graph, findJob(definitions, schedule.job)).selected);
  if (partitions.kind === 'problem') throw new DefinitionError([`schedule "${schedule.name}": job "${schedule.job}" ${partitions.problem}`]);
  return partitions.kind === 'time' ? partitions.definition : undefined;
}

/** The partition of `definition` a tick at `tickTime` runs (see the top of this file). */
export function partitionAtTick(definition: TimePartitionsDefinition, tickTime: Date): TickPartition {
  // Time partitions' keys depend on the clock alone.
  const key = definition.keys({ now: tickTime, dynamicKeys: () => [] }).at(-1);
  if (key === undefined) return { kind: 'none', reason: `no partition of ${definition.describe()} had ended by ${tickTime.toISOString()}` };
  return { kind: 'partition', key };
}

const UNIT_NOUN: Record<TimePartitionsDefinition['unit'], string> = { hour: 'hour', day: 'day', week: 'week', month: 'month' };

/**
 * What a schedule's ticks materialize, for listings: `materializes the
 * partition of the day that ended (daily from 2026-01-01 (UTC))`, judged
 * at `sampleTick` (a window still in progress at its tick, with an
 * endOffset of 1, says so).
 */
export function describeSchedulePartitions(definition: TimePartitionsDefinition, sampleTick: Date | undefined): string {
  const noun = UNIT_NOUN[definition.unit];
  const at = sampleTick === undefined ? undefined : partitionAtTick(definition, sampleTick);
  const which = at?.kind === 'partition' && definition.timeWindow(at.key).end > sampleTick! ? `the ${noun} in progress` : `the ${noun} that ended`;
  return `materializes the partition of ${which} (${definition.describe()})`;
}
