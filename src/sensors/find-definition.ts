import type { Definitions } from '../core/definitions.js';
import { UnknownAssetError } from '../core/errors.js';
import type { JobDefinition } from '../core/job.js';
import type { ScheduleDefinition } from '../core/schedule.js';
import type { SensorDefinition } from '../core/sensor.js';
import { suggestClosest } from '../core/suggest.js';

/*
 * Looking up a job, schedule or sensor by the name a user typed: an unknown
 * name is an `UnknownDefinitionError` (STRATA_UNKNOWN_KEY) with a did-you-mean
 * and the command that lists every name of that kind.
 */

export function findJob(definitions: Definitions, name: string): JobDefinition {
  return definitions.job(name) ?? unknown('job', name, definitions.jobs, ['assets jobs']);
}

export function findSchedule(definitions: Definitions, name: string): ScheduleDefinition {
  return definitions.schedule(name) ?? unknown('schedule', name, definitions.schedules, ['assets schedules']);
}

export function findSensor(definitions: Definitions, name: string): SensorDefinition {
  return definitions.sensor(name) ?? unknown('sensor', name, definitions.sensors, ['assets sensors']);
}

/**
 * A job, schedule or sensor name that the definitions do not declare. Still an
 * `UnknownAssetError` (same code, same catch), but its hint points to the
 * command that lists that kind (`assets jobs`, ...): `assets list` lists
 * assets only, so sending someone there for a schedule is a dead end.
 */
export class UnknownDefinitionError extends UnknownAssetError {
  // Redeclared so the constructor can replace the asset-oriented hint the base class writes.
  override readonly hint: string;

  /** `listedBy`: the commands that list every name of this kind, e.g. `['assets schedules']`. */
  constructor(kind: string, name: string, suggestions: readonly string[], listedBy: readonly string[]) {
    super(kind, name, suggestions);
    const commands = listedBy.map((command) => `\`${command}\``).join(' or ');
    this.hint =
      suggestions.length > 0
        ? `Did you mean ${suggestions.map((suggestion) => `"${suggestion}"`).join(' or ')}? ${commands} ${listedBy.length === 1 ? 'lists' : 'list'} every ${kind}.`
        : `Run ${commands} to see every ${kind}.`;
  }
}

function unknown(kind: string, name: string, known: readonly { readonly name: string }[], listedBy: readonly string[]): never {
  throw new UnknownDefinitionError(
    kind,
    name,
    suggestClosest(
      name,
      known.map((definition) => definition.name),
    ),
    listedBy,
  );
}
