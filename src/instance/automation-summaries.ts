import type { Definitions } from '../core/definitions.js';
import type { AutomationStatus, ScheduleDefinition } from '../core/schedule.js';
import type { SensorDefinition } from '../core/sensor.js';
import { describeSchedule } from '../sensors/describe-schedule.js';
import { describeSchedulePartitions, schedulePartitions } from '../sensors/schedule-partition.js';
import { effectiveStatus, triggerOf } from '../sensors/instigator.js';
import { nextScheduleTicks } from '../sensors/schedule-ticks.js';
import type { InstanceStorage, InstigatorState, StoredTick } from '../storage/instance-storage.js';

/*
 * What `assets schedules`, `assets sensors` and the UI's automation page show
 * of each schedule and sensor: its definition, its status as the instance and
 * the definition decide it, its last tick and (schedules) its next ticks; and
 * the JSON all of them print.
 */

/** A schedule with its state in the instance. */
export interface ScheduleSummary {
  readonly schedule: ScheduleDefinition;
  readonly state: InstigatorState | undefined;
  readonly status: AutomationStatus;
  readonly lastTick: StoredTick | undefined;
  /** The next tick times after `now`, oldest first. */
  readonly nextTicks: readonly Date[];
  /** What each tick materializes when its job is partitioned (`materializes the partition of the day that ended (...)`), else undefined. */
  readonly partitions: string | undefined;
}

/** A sensor with its state in the instance. */
export interface SensorSummary {
  readonly sensor: SensorDefinition;
  readonly state: InstigatorState | undefined;
  readonly status: AutomationStatus;
  /** Its last evaluation. */
  readonly lastTick: StoredTick | undefined;
}

/** Every schedule of the definitions, in declaration order, with its next `nextTicks` tick times after `now`. */
export async function summarizeSchedules(definitions: Definitions, storage: InstanceStorage, options: { readonly now: Date; readonly nextTicks: number }): Promise<ScheduleSummary[]> {
  const states = await statesByTrigger(storage);
  return Promise.all(
    definitions.schedules.map(async (schedule) => {
      const state = states.get(triggerOf('schedule', schedule.name));
      const [lastTick] = await storage.listTicks({ kind: 'schedule', name: schedule.name, limit: 1 });
      const nextTicks = nextScheduleTicks(schedule, options.now, options.nextTicks);
      const partitioned = schedulePartitions(definitions, schedule);
      const partitions = partitioned === undefined ? undefined : describeSchedulePartitions(partitioned, nextTicks[0]);
      return { schedule, state, status: effectiveStatus(schedule, state), lastTick, nextTicks, partitions };
    }),
  );
}

/** Every sensor of the definitions, in declaration order. */
export async function summarizeSensors(definitions: Definitions, storage: InstanceStorage): Promise<SensorSummary[]> {
  const states = await statesByTrigger(storage);
  return Promise.all(
    definitions.sensors.map(async (sensor) => {
      const state = states.get(triggerOf('sensor', sensor.name));
      const [lastTick] = await storage.listTicks({ kind: 'sensor', name: sensor.name, limit: 1 });
      return { sensor, state, status: effectiveStatus(sensor, state), lastTick };
    }),
  );
}

async function statesByTrigger(storage: InstanceStorage): Promise<Map<string, InstigatorState>> {
  return new Map((await storage.instigatorStates()).map((state) => [triggerOf(state.kind, state.name), state]));
}

/** A tick as every `--json` document and the UI's API print it; `runs` when their outcome is known. */
export function tickToJson(tick: StoredTick, runs?: readonly { readonly runId: string; readonly status: string }[]) {
  return {
    id: tick.id,
    kind: tick.kind,
    name: tick.name,
    tickTime: tick.tickTime.toISOString(),
    evaluatedAt: tick.evaluatedAt.toISOString(),
    status: tick.status,
    runIds: tick.runIds,
    skipReason: tick.skipReason,
    error: tick.error,
    cursor: tick.cursor,
    ...(runs === undefined ? {} : { runs: runs.map((run) => ({ runId: run.runId, status: run.status })) }),
  };
}

/** A schedule as `assets schedules --json` and the UI's API print it; next ticks in UTC. */
export function scheduleToJson({ schedule, state, status, lastTick, nextTicks, partitions }: ScheduleSummary) {
  return {
    name: schedule.name,
    job: schedule.job,
    cron: schedule.cron ?? null,
    every: schedule.every ?? null,
    anchor: schedule.anchor ?? null,
    description: describeSchedule(schedule),
    partitions: partitions ?? null,
    timezone: schedule.timezone,
    status,
    statusSetBy: statusSetBy(state),
    startedAt: state?.startedAt?.toISOString() ?? null,
    nextTicks: nextTicks.map((tick) => tick.toISOString()),
    lastTick: lastTick === undefined ? null : tickToJson(lastTick),
  };
}

/** A sensor as `assets sensors --json` and the UI's API print it. */
export function sensorToJson({ sensor, state, status, lastTick }: SensorSummary) {
  return {
    name: sensor.name,
    job: sensor.job ?? null,
    intervalSeconds: sensor.intervalSeconds,
    description: sensor.description ?? null,
    status,
    statusSetBy: statusSetBy(state),
    startedAt: state?.startedAt?.toISOString() ?? null,
    cursor: state?.cursor ?? null,
    lastTick: lastTick === undefined ? null : tickToJson(lastTick),
  };
}

/** `instance` when start/stop set the status, `definition` when it is the declared default. */
function statusSetBy(state: InstigatorState | undefined): 'definition' | 'instance' {
  return (state?.status ?? null) === null ? 'definition' : 'instance';
}
