import { Cron } from 'croner';
import { type Duration, parseDuration } from './duration.js';
import { isTimeZone, parseAnchor } from './zoned-wall-time.js';
import type { JobDefinition } from './job.js';
import { checkRunTags, type RunTags } from './run-tags.js';

/**
 * Whether a schedule or sensor ticks. `defaultStatus` is the status it has
 * until someone starts or stops it (`assets schedule start|stop`), which the
 * instance then remembers.
 */
export type AutomationStatus = 'running' | 'stopped';

/** Every valid status of a schedule or sensor. */
export const AUTOMATION_STATUSES: readonly AutomationStatus[] = ['running', 'stopped'];

/** What `schedule()` takes. */
export interface ScheduleSpec {
  /** Unique among schedules and sensors, `^[a-z][a-z0-9_-]*$`. */
  readonly name: string;
  /** The job it runs, or its name. */
  readonly job: JobDefinition | string;
  /** Five fields: minute, hour, day of month, month, day of week (or `@daily`, `@hourly`, ...). Give `cron` or `every`. */
  readonly cron?: string;
  /**
   * A fixed interval instead of a cron expression (`'90m'`, `'6h'`, `'2d'`):
   * ticks at `anchor` + n × `every`. A whole number of days keeps the local
   * wall-clock time of the anchor across daylight-saving changes (Prefect's
   * rule); any other interval follows elapsed time, so its local time shifts.
   */
  readonly every?: Duration;
  /**
   * Where the ticks of `every` are counted from: an ISO time, with an offset
   * (`2026-01-01T00:00:00Z`) or read in `timezone` without one
   * (`2026-01-01T09:00`). Default: midnight of 2000-01-01 in `timezone`.
   * With `cron`, it is a definitions problem: the expression names its times.
   */
  readonly anchor?: string;
  /** IANA time zone the cron expression (or an anchor without offset, and a daily interval) is read in; default `UTC`. */
  readonly timezone?: string;
  /** Default `running`: the daemon ticks it from the moment it first sees it. */
  readonly defaultStatus?: AutomationStatus;
  /** Recorded on every run it launches, over the job's own (see `RunTags`); Strata adds `strata/schedule=<name>`. */
  readonly tags?: RunTags;
  readonly description?: string;
}

/** A job on a cron expression, or on a fixed interval, in a time zone. */
export interface ScheduleDefinition {
  readonly name: string;
  /** The job's name. */
  readonly job: string;
  /** Exactly one of `cron` and `every` is set. */
  readonly cron: string | undefined;
  readonly every: Duration | undefined;
  /** For `every`: as given, or undefined for the default (see `ScheduleSpec.anchor`). */
  readonly anchor: string | undefined;
  readonly timezone: string;
  readonly defaultStatus: AutomationStatus;
  readonly tags: RunTags;
  readonly description: string | undefined;
}

/**
 * Declares a schedule. Plain data: the daemon works out its ticks, and
 * `defineDefinitions` checks the cron expression (or interval and anchor)
 * and the time zone.
 *
 * @example
 * const nightly = schedule({ name: 'nightly', job: refresh, cron: '0 2 * * *', timezone: 'Europe/Berlin' });
 * const often = schedule({ name: 'often', job: refresh, every: '90m', anchor: '2026-01-01T00:00:00Z' });
 */
export function schedule(spec: ScheduleSpec): ScheduleDefinition {
  return Object.freeze({
    name: spec.name,
    job: typeof spec.job === 'string' ? spec.job : spec.job.name,
    cron: spec.cron,
    every: spec.every,
    anchor: spec.anchor,
    timezone: spec.timezone ?? 'UTC',
    defaultStatus: spec.defaultStatus ?? 'running',
    tags: Object.freeze({ ...spec.tags }),
    description: spec.description,
  });
}

/**
 * The cron options every part of Strata reads an expression with: five
 * fields (minute precision; a sixth "seconds" field is refused rather than
 * silently changing the meaning of the others).
 */
export function cronOptions(timezone: string): { readonly timezone?: string; readonly utcOffset?: number; readonly mode: '5-part' } {
  // UTC as a fixed offset: the same times, without starting ICU's time zone data (~20 ms of every command's start-up).
  return timezone === 'UTC' ? { utcOffset: 0, mode: '5-part' } : { timezone, mode: '5-part' };
}

interface CronField {
  readonly label: string;
  readonly min: number;
  readonly max: number;
}

const CRON_FIELDS: readonly CronField[] = [
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day-of-month', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12 },
  { label: 'day-of-week', min: 0, max: 7 },
];

/** Any instant works: it only has to exist in every time zone. */
const REFERENCE_TIME = new Date(Date.UTC(2000, 0, 1));

/**
 * What is wrong with a schedule on its own: its cron expression (naming the
 * field and value, e.g. `hour 25 is out of range (0-23)`), its time zone, its
 * default status. croner decides what is valid; this only says where.
 */
export function checkSchedule(definition: ScheduleDefinition): string[] {
  const where = `schedule "${definition.name}"`;
  const problems: string[] = [];
  if (!AUTOMATION_STATUSES.includes(definition.defaultStatus)) {
    problems.push(`${where}: defaultStatus must be "running" or "stopped", got "${String(definition.defaultStatus)}"`);
  }
  problems.push(...checkRunTags(definition.tags, where));
  if ((definition.cron === undefined) === (definition.every === undefined)) {
    problems.push(`${where}: give either cron (such as "0 2 * * *") or every (such as "90m"), not ${definition.cron === undefined ? 'neither' : 'both'}`);
    return problems;
  }
  if (definition.every !== undefined) return [...problems, ...checkInterval(definition, where)];
  // A cron expression names its own times: an anchor beside it would be ignored, and its author misled.
  if (definition.anchor !== undefined) {
    problems.push(`${where}: anchor "${String(definition.anchor)}" is read only with every; cron "${String(definition.cron)}" names its own times: drop anchor, or replace cron with every (such as "1d")`);
  }
  if (typeof definition.cron !== 'string') {
    problems.push(`${where}: cron must be a string such as "0 2 * * *"`);
    return problems;
  }
  const cronProblem = describeCronProblem(definition.cron);
  if (cronProblem !== undefined) {
    problems.push(`${where}: cron "${definition.cron}": ${cronProblem}`);
    return problems;
  }
  if (typeof definition.timezone !== 'string' || definition.timezone.trim() === '') {
    problems.push(`${where}: timezone must be an IANA time zone name such as "UTC" or "Europe/Berlin"`);
    return problems;
  }
  let next: Date | null;
  try {
    next = new Cron(definition.cron, cronOptions(definition.timezone)).nextRun(REFERENCE_TIME);
  } catch {
    problems.push(unknownTimeZone(where, definition.timezone));
    return problems;
  }
  if (next === null) problems.push(`${where}: cron "${definition.cron}": matches no date at all (e.g. February 30)`);
  return problems;
}

/** The shortest interval a schedule may have: the daemon ticks with minute precision, as cron does. */
const MIN_INTERVAL_MS = 60_000;

function checkInterval(definition: ScheduleDefinition, where: string): string[] {
  const problems: string[] = [];
  let intervalMs: number | undefined;
  try {
    intervalMs = parseDuration(definition.every!, `${where}: every`);
  } catch (error) {
    problems.push((error as Error).message.replace(/\.$/, '; write a duration such as "90m", "6h" or "1d"'));
  }
  if (intervalMs !== undefined && (intervalMs < MIN_INTERVAL_MS || intervalMs % MIN_INTERVAL_MS !== 0)) {
    problems.push(`${where}: every must be a whole number of minutes, at least 1m; got ${String(definition.every)}`);
  }
  if (!isTimeZone(definition.timezone)) {
    problems.push(unknownTimeZone(where, definition.timezone));
  } else if (definition.anchor !== undefined) {
    const anchor = parseAnchor(definition.anchor, definition.timezone);
    if (anchor.kind === 'malformed') problems.push(`${where}: anchor "${definition.anchor}" is not an ISO time such as "2026-01-01T00:00:00Z" or "2026-01-01T09:00"`);
    if (anchor.kind === 'nonexistent') problems.push(`${where}: anchor "${definition.anchor}" names no time: ${anchor.problem}`);
  }
  return problems;
}

function unknownTimeZone(where: string, timezone: unknown): string {
  return `${where}: timezone "${String(timezone)}" is not an IANA time zone name (e.g. "UTC", "Europe/Berlin", "America/New_York")`;
}

function describeCronProblem(expression: string): string | undefined {
  const croner = cronerError(expression);
  if (croner === undefined) return undefined;
  const text = expression.trim();
  if (text.startsWith('@')) return `unknown shorthand; use @yearly, @monthly, @weekly, @daily or @hourly, or five fields`;
  const fields = text === '' ? [] : text.split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  }
  // Check each field alone, the others as `*`, to say which one croner refuses.
  for (const [index, field] of CRON_FIELDS.entries()) {
    const probe = CRON_FIELDS.map((_, other) => (other === index ? fields[index]! : '*')).join(' ');
    const fieldError = cronerError(probe);
    if (fieldError !== undefined) return describeFieldProblem(field, fields[index]!, fieldError);
  }
  return croner;
}

function describeFieldProblem(field: CronField, text: string, cronerMessage: string): string {
  const size = field.max - field.min + 1;
  for (const part of text.split(',')) {
    const [base = '', step] = part.split('/', 2);
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= size)) {
      return `${field.label} step "/${step}" must be a whole number from 1 to ${size}`;
    }
    for (const bound of base.split('-')) {
      if (/^\d+$/.test(bound) && (Number(bound) < field.min || Number(bound) > field.max)) {
        return `${field.label} ${Number(bound)} is out of range (${field.min}-${field.max})`;
      }
    }
  }
  return `${field.label} field "${text}" is not valid: ${cronerMessage}`;
}

/** croner's complaint about an expression, without its prefix, or undefined when it accepts it. */
function cronerError(expression: string): string | undefined {
  try {
    // Parsing happens in the constructor; without a callback nothing is scheduled.
    new Cron(expression, cronOptions('UTC'));
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error))
      .replace(/^CronPattern: /, '')
      .replace(/^configuration entry \d+ \((.*)\) /, '');
  }
}
