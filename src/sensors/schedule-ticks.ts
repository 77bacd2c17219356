import { Cron } from 'croner';
import type { ScheduleDefinition } from '../core/schedule.js';
import { cronOptions } from '../core/schedule.js';
import { latestIntervalTick, nextIntervalTicks } from './interval-ticks.js';

/*
 * Tick times of a schedule, from croner, in the schedule's time zone. Across
 * daylight-saving changes croner does what cron users expect: a fixed time of
 * day that falls into the spring-forward gap runs at the first valid time
 * after it, and one that occurs twice in the fall-back hour runs once;
 * interval expressions (`0 * * * *`) follow real elapsed hours, so they never
 * lose or repeat an instant. Tick times are instants: comparing them is all
 * the daemon needs to never run a tick twice. Interval schedules (`every`)
 * have their own clock (see `interval-ticks.ts`).
 */

function cronOf(schedule: ScheduleDefinition): Cron {
  // No callback: croner only computes times, it schedules nothing.
  return new Cron(schedule.cron!, cronOptions(schedule.timezone));
}

/** The next `count` tick times strictly after `after`, earliest first. */
export function nextScheduleTicks(schedule: ScheduleDefinition, after: Date, count: number): Date[] {
  if (schedule.every !== undefined) return nextIntervalTicks(schedule, after, count);
  return cronOf(schedule).nextRuns(count, after);
}

/**
 * The latest tick time in `(after, until]`, or undefined when there is none.
 * Constant work however long the span: the daemon asks this after downtime,
 * and runs only that one tick.
 */
export function latestScheduleTick(schedule: ScheduleDefinition, after: Date, until: Date): Date | undefined {
  if (schedule.every !== undefined) return latestIntervalTick(schedule, after, until);
  // previousRuns is strict before its reference; one millisecond later makes `until` itself count.
  const [latest] = cronOf(schedule).previousRuns(1, new Date(until.getTime() + 1));
  return latest !== undefined && latest.getTime() > after.getTime() ? latest : undefined;
}

/**
 * The latest `limit` tick times in `(after, until]`, oldest first: the
 * catch-up of a schedule whose ticks each run a partition of their own.
 * Work grows with `limit`, never with the length of the span.
 */
export function latestScheduleTicks(schedule: ScheduleDefinition, after: Date, until: Date, limit: number): Date[] {
  const ticks: Date[] = [];
  for (let before = until; ticks.length < limit; ) {
    const tick = latestScheduleTick(schedule, after, before);
    if (tick === undefined) break;
    ticks.unshift(tick);
    before = new Date(tick.getTime() - 1);
  }
  return ticks;
}
