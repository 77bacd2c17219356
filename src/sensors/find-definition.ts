import type { Definitions } from '../core/definitions.js';
import { UnknownAssetError } from '../core/errors.js';
import type { JobDefinition } from '../core/job.js';
import type { ScheduleDefinition } from '../core/schedule.js';
import type { SensorDefinition } from '../core/sensor.js';
import { suggestClosest } from '../core/suggest.js';

/*
 * Looking up a job, schedule or sensor by the name a user typed: an unknown
 * name is an `UnknownAssetError` (STRATA_UNKNOWN_KEY) with a did-you-mean.
 */

export function findJob(definitions: Definitions, name: string): JobDefinition {
  return definitions.job(name) ?? unknown('job', name, definitions.jobs);
}

export function findSchedule(definitions: Definitions, name: string): ScheduleDefinition {
  return definitions.schedule(name) ?? unknown('schedule', name, definitions.schedules);
}

export function findSensor(definitions: Definitions, name: string): SensorDefinition {
  return definitions.sensor(name) ?? unknown('sensor', name, definitions.sensors);
}

function unknown(kind: string, name: string, known: readonly { readonly name: string }[]): never {
  throw new UnknownAssetError(
    kind,
    name,
    suggestClosest(
      name,
      known.map((definition) => definition.name),
    ),
  );
}
