import { parseDuration } from '../core/duration.js';
import type { ScheduleDefinition } from '../core/schedule.js';
import { toWallMs } from '../core/zoned-wall-time.js';
import { describeCron } from './describe-cron.js';
import { anchorInstant } from './interval-ticks.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How a schedule's ticks are written: its cron expression, or `every 90m` (with its anchor when it has one). */
export function scheduleCadence(schedule: ScheduleDefinition): string {
  if (schedule.every === undefined) return schedule.cron!;
  const every = typeof schedule.every === 'number' ? `${schedule.every}ms` : schedule.every;
  return schedule.anchor === undefined ? `every ${every}` : `every ${every} from ${schedule.anchor}`;
}

/**
 * A schedule in plain English: its cron expression's sentence (`At 02:00
 * every day`), or its interval's: `Every 90 minutes from 2026-01-01 00:00`
 * (elapsed time), `Every day at 02:00 from 2026-01-01` (whole days, in
 * wall-clock time).
 */
export function describeSchedule(schedule: ScheduleDefinition): string {
  if (schedule.every === undefined) return describeCron(schedule.cron!);
  const stepMs = parseDuration(schedule.every, `schedule "${schedule.name}": every`);
  const anchor = anchorInstant(schedule);
  const wall = new Date(toWallMs(anchor, schedule.timezone)).toISOString();
  const [date, time] = [wall.slice(0, 10), wall.slice(11, 16)];
  if (stepMs % DAY === 0) {
    const days = stepMs / DAY;
    const unit = days % 7 === 0 ? count(days / 7, 'week') : count(days, 'day');
    return `Every ${unit} at ${time} from ${date}`;
  }
  return `Every ${describeStep(stepMs)} from ${date} ${time}`;
}

function describeStep(stepMs: number): string {
  if (stepMs % HOUR === 0) return count(stepMs / HOUR, 'hour');
  return count(stepMs / MINUTE, 'minute');
}

/** `day`, `2 days`: "every day", "every 2 days". */
function count(amount: number, unit: string): string {
  return amount === 1 ? unit : `${amount} ${unit}s`;
}
