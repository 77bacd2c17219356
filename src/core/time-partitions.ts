/*
 * Hourly, daily, weekly and monthly partitions, in a time zone, with keys in
 * Dagster's formats (`2026-01-05`, hourly `2026-01-05-13:00`; a weekly or
 * monthly key is its window's first day).
 *
 * Windows are wall-clock windows: a daily partition runs from local midnight
 * to the next local midnight, so it lasts 23 or 25 hours on the days the
 * clocks change, and an hourly one from one local hour to the next. On the
 * spring-forward day the hour the clocks skip has no partition (23 hourly
 * partitions that day); on the fall-back day the hour the clocks repeat is ONE
 * partition that lasts two elapsed hours, so keys stay unique and every
 * instant belongs to exactly one partition. `fromWallMs` turns a window's
 * wall-clock start into an instant (the first occurrence of a repeated time,
 * the moment of the jump for a skipped one), so a window ends where the next
 * begins and a skipped hour's window is empty.
 *
 * The windows form a grid of wall-clock starts from the first aligned start on
 * or after `start` (index 0); keys are the non-empty windows of that grid.
 */
import { type DateKeyReading, type DateKeyShape, parseDateKey } from './date-key.js';
import { DefinitionError, UsageError } from './errors.js';
import { keysBetweenIn } from './partition-keys.js';
import type { PartitionKeyPart, PartitionsContext, TimePartitionsDefinition, TimeWindow } from './partitions.js';
import { suggestClosest } from './suggest.js';
import { fromWallMs, isTimeZone, toWallMs } from './zoned-wall-time.js';

/** What every time partitions factory takes. */
export interface TimePartitionsSpec {
  /** The first partition, a key (`2026-01-01`; hourly also `2026-01-01-06:00`), local time in `timezone`. Rounded up to the first window that starts on or after it. */
  readonly start: string;
  /** An IANA time zone name; default `UTC`. */
  readonly timezone?: string;
  /**
   * How many windows past the last complete one exist (Dagster's `end_offset`):
   * 0 (default) only complete windows, 1 also the one in progress, -1 holds the
   * last complete one back.
   */
  readonly endOffset?: number;
  /** No partition starts at or after this key (exclusive), read as `start` is. */
  readonly end?: string;
}

export interface WeeklyPartitionsSpec extends TimePartitionsSpec {
  /** The day a week starts, 0 = Sunday (default, as Dagster) to 6 = Saturday. */
  readonly dayOfWeek?: number;
}

export interface MonthlyPartitionsSpec extends TimePartitionsSpec {
  /** The day of the month a window starts, 1 (default) to 28, so every month has it. */
  readonly dayOfMonth?: number;
}

type Unit = TimePartitionsDefinition['unit'];

const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const ADJECTIVE: Record<Unit, string> = { hour: 'hourly', day: 'daily', week: 'weekly', month: 'monthly' };

/**
 * One partition per local day, keys `YYYY-MM-DD`.
 *
 * @example
 * const daily = dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Berlin' });
 */
export function dailyPartitions(spec: TimePartitionsSpec): TimePartitionsDefinition {
  return TimePartitions.create('day', spec, 0);
}

/** One partition per local hour, keys `YYYY-MM-DD-HH:mm`; `start` may be a day (`2026-01-01`, its midnight). */
export function hourlyPartitions(spec: TimePartitionsSpec): TimePartitionsDefinition {
  return TimePartitions.create('hour', spec, 0);
}

/** One partition per week starting on `dayOfWeek` (default Sunday), keys the week's first day `YYYY-MM-DD`. */
export function weeklyPartitions(spec: WeeklyPartitionsSpec): TimePartitionsDefinition {
  return TimePartitions.create('week', spec, spec.dayOfWeek ?? 0);
}

/** One partition per month starting on `dayOfMonth` (default 1), keys the month's first day `YYYY-MM-DD`. */
export function monthlyPartitions(spec: MonthlyPartitionsSpec): TimePartitionsDefinition {
  return TimePartitions.create('month', spec, spec.dayOfMonth ?? 1);
}

class TimePartitions implements TimePartitionsDefinition {
  readonly kind = 'time';
  readonly id: string;
  /** Instants of grid starts already computed: `fromWallMs` costs four Intl calls, and keys() walks the whole grid. */
  private readonly instants = new Map<number, number>();
  /** Whether each grid window is non-empty, and its key, by index: each is worked out once, whatever the clock. */
  private readonly nonEmpty = new Map<number, boolean>();
  private readonly keyTexts = new Map<number, string>();
  /** The keys at the last `now` asked: the planner asks for the same clock many times in a row. */
  private cached: { now: number; keys: readonly string[]; lastIndex: number } | undefined;
  /** The zone's offset near the last window checked, a guess that makes most existence checks one Intl call. */
  private offsetGuess = 0;

  private constructor(
    readonly unit: Unit,
    readonly timezone: string,
    /** Wall time of window 0. */
    private readonly wall0: number,
    /** Day of week (weekly) or of month (monthly) windows start on; 0 otherwise. */
    private readonly alignment: number,
    readonly endOffset: number,
    /** The first grid index not a partition because of `end` (Infinity without one). */
    private readonly endIndex: number,
    private readonly endKey: string | undefined,
  ) {
    const settings = [`start=${this.keyAt(0)}`];
    if (unit === 'week') settings.push(`dayOfWeek=${alignment}`);
    if (unit === 'month') settings.push(`dayOfMonth=${alignment}`);
    settings.push(`timezone=${timezone}`, `endOffset=${endOffset}`);
    if (endKey !== undefined) settings.push(`end=${endKey}`);
    this.id = `${ADJECTIVE[unit]}(${settings.join(',')})`;
  }

  static create(unit: Unit, spec: TimePartitionsSpec, alignment: number): TimePartitions {
    const problems: string[] = [];
    const timezone = spec.timezone ?? 'UTC';
    const zoneProblem = timeZoneProblem(timezone);
    if (zoneProblem !== undefined) problems.push(`${factoryName(unit)}: ${zoneProblem}`);
    const endOffset = spec.endOffset ?? 0;
    if (!Number.isInteger(endOffset)) problems.push(`${factoryName(unit)}: endOffset must be a whole number of partitions, got ${String(spec.endOffset)}`);
    if (unit === 'week' && !(Number.isInteger(alignment) && alignment >= 0 && alignment <= 6)) {
      problems.push(`${factoryName(unit)}: dayOfWeek must be 0 (Sunday) to 6 (Saturday), got ${String(alignment)}`);
    }
    if (unit === 'month' && !(Number.isInteger(alignment) && alignment >= 1 && alignment <= 28)) {
      problems.push(`${factoryName(unit)}: dayOfMonth must be 1 to 28 (a day every month has), got ${String(alignment)}`);
    }
    const example = unit === 'hour' ? '"2026-01-01" or "2026-01-01-06:00"' : '"2026-01-01" (YYYY-MM-DD)';
    // A bound in a key's shape says what is wrong with its date; one in no shape, the shapes there are.
    const wallOf = (name: 'start' | 'end', text: unknown): number | undefined => {
      const bound = readBound(unit, text);
      if (bound.kind === 'date') return bound.wall;
      problems.push(`${factoryName(unit)}: ${name} ${bound.kind === 'nonexistent' ? bound.problem : `${JSON.stringify(text)} is not a date such as ${example}`}`);
      return undefined;
    };
    const startWall = wallOf('start', spec.start);
    const endWall = spec.end === undefined ? undefined : wallOf('end', spec.end);
    if (problems.length > 0) throw new DefinitionError(problems);
    const wall0 = alignUp(unit, alignment, startWall!);
    const draft = new TimePartitions(unit, timezone, wall0, alignment, endOffset, Infinity, undefined);
    if (endWall === undefined) return draft;
    // Windows that start before `end` are partitions (Dagster's exclusive end), the last one may reach past it.
    const endIndex = draft.floorIndex(endWall - 1) + 1;
    if (endIndex <= 0) throw new DefinitionError([`${factoryName(unit)}: end ${spec.end} leaves no partition: the first starts ${draft.keyAt(0)}`]);
    return new TimePartitions(unit, timezone, wall0, alignment, endOffset, endIndex, formatKey(unit === 'hour' ? 'hour' : 'day', endWall));
  }

  keys(context: PartitionsContext): readonly string[] {
    return this.current(context).keys;
  }

  problem(key: string, context: PartitionsContext): string | undefined {
    const reading = parseDateKey(key, shapeOf(this.unit));
    if (reading.kind === 'nonexistent') return reading.problem;
    if (reading.kind === 'malformed') {
      const format = this.unit === 'hour' ? 'YYYY-MM-DD-HH:mm' : 'YYYY-MM-DD';
      return `"${key}" is not ${this.article()} key: expected ${format}, such as ${this.keyAt(0)}`;
    }
    const wall = reading.wall;
    const index = this.alignedIndex(wall);
    if (index === undefined) {
      const holding = this.floorIndex(wall);
      const which = holding >= 0 && holding < this.endIndex ? `; the partition holding it is ${this.keyAt(holding)}` : '';
      return `"${key}" is not the start of ${this.article()} (${this.alignmentRule()})${which}`;
    }
    if (index >= 0 && index < this.endIndex && !this.hasWindow(index)) {
      return `"${key}" does not exist in ${this.timezone}: the clocks skip that time, so it has no partition`;
    }
    const { keys, lastIndex } = this.current(context);
    if (index >= 0 && index <= lastIndex && index < this.endIndex) return undefined;
    const range = keys.length === 0 ? `there are no ${ADJECTIVE[this.unit]} partitions yet` : `the ${ADJECTIVE[this.unit]} partitions now run from ${keys[0]} to ${keys[keys.length - 1]}`;
    if (index < 0) return `"${key}" is before the first partition: ${range}`;
    if (index >= this.endIndex) return `"${key}" is after the last partition (the definition ends at ${this.endKey}): ${range}`;
    return `"${key}" is not a partition yet (its window ends ${new Date(this.instantAt(index + 1)).toISOString()}): ${range}`;
  }

  keysBetween(from: string, to: string, context: PartitionsContext): readonly string[] {
    return keysBetweenIn(this.keys(context), from, to, (key) => this.problem(key, context), this.describe());
  }

  parts(key: string): readonly PartitionKeyPart[] {
    return [{ dimension: undefined, key }];
  }

  describe(): string {
    let shape = ADJECTIVE[this.unit];
    if (this.unit === 'week') shape += ` (${WEEKDAYS[this.alignment]} to ${WEEKDAYS[(this.alignment + 6) % 7]})`;
    if (this.unit === 'month' && this.alignment !== 1) shape += ` (from day ${this.alignment})`;
    let text = `${shape} from ${this.keyAt(0)} (${this.timezone})`;
    if (this.endKey !== undefined) text += `, before ${this.endKey}`;
    if (this.endOffset === 1) text += ', including the one in progress';
    else if (this.endOffset > 1) text += `, including ${this.endOffset} past the last complete one`;
    else if (this.endOffset < 0) text += `, holding back the last ${-this.endOffset} complete`;
    return text;
  }

  timeWindow(key: string): TimeWindow {
    const wall = parseKey(this.unit, key);
    const index = wall === undefined ? undefined : this.alignedIndex(wall);
    if (index === undefined) throw new UsageError(`"${key}" is not the first key of ${this.article()}.`, { hint: `Give a key of ${this.describe()}, such as ${this.keyAt(0)}.` });
    return { start: new Date(this.instantAt(index)), end: new Date(this.instantAt(index + 1)) };
  }

  keysOverlapping(window: TimeWindow): readonly string[] {
    const start = window.start.getTime();
    const end = window.end.getTime();
    if (!(end > start)) return [];
    // Wall time points at the window holding `start`; around a fall-back it can be one off, so settle on instants.
    let index = this.floorIndex(toWallMs(start, this.timezone));
    while (this.instantAt(index) > start) index--;
    while (this.instantAt(index + 1) <= start) index++;
    const keys: string[] = [];
    for (index = Math.max(index, 0); index < this.endIndex && this.instantAt(index) < end; index++) {
      if (this.hasWindow(index)) keys.push(this.keyAt(index));
    }
    return keys;
  }

  /** The keys now and the grid index of the last one (-1 when none). */
  private current(context: PartitionsContext): { keys: readonly string[]; lastIndex: number } {
    const now = context.now.getTime();
    if (this.cached?.now === now) return this.cached;
    // The window holding `now` has the grid index of the number of complete ones; wall time guesses it, instants settle it.
    let complete = Math.max(0, this.floorIndex(toWallMs(now, this.timezone)));
    while (complete > 0 && this.instantAt(complete) > now) complete--;
    while (complete < this.endIndex && this.instantAt(complete + 1) <= now) complete++;
    const indices: number[] = [];
    for (let index = 0; index < complete && index < this.endIndex; index++) if (this.hasWindow(index)) indices.push(index);
    if (this.endOffset < 0) indices.splice(Math.max(0, indices.length + this.endOffset));
    for (let index = complete, added = 0; added < this.endOffset && index < this.endIndex; index++) {
      if (!this.hasWindow(index)) continue;
      indices.push(index);
      added++;
    }
    const keys = indices.map((index) => this.keyAt(index));
    const lastIndex = indices.length === 0 ? -1 : indices[indices.length - 1]!;
    this.cached = { now, keys, lastIndex };
    return this.cached;
  }

  private article(): string {
    return this.unit === 'hour' ? 'an hourly partition' : `a ${ADJECTIVE[this.unit]} partition`;
  }

  private alignmentRule(): string {
    if (this.unit === 'hour') return 'they start on the hour';
    if (this.unit === 'week') return `they start on ${WEEKDAYS[this.alignment]}s`;
    if (this.unit === 'month') return `they start on day ${this.alignment} of a month`;
    return 'they start at midnight';
  }

  /** Wall time of grid window `index` (any integer; negative ones are before the start). */
  private wallAt(index: number): number {
    if (this.unit === 'month') {
      const first = new Date(this.wall0);
      return Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + index, this.alignment);
    }
    return this.wall0 + index * stepOf(this.unit);
  }

  private keyAt(index: number): string {
    let key = this.keyTexts.get(index);
    if (key === undefined) {
      key = formatKey(this.unit, this.wallAt(index));
      this.keyTexts.set(index, key);
    }
    return key;
  }

  /** The grid index of the window whose wall-clock span holds `wall`. */
  private floorIndex(wall: number): number {
    if (this.unit !== 'month') return Math.floor((wall - this.wall0) / stepOf(this.unit));
    const first = new Date(this.wall0);
    const date = new Date(wall);
    const index = (date.getUTCFullYear() - first.getUTCFullYear()) * 12 + date.getUTCMonth() - first.getUTCMonth();
    return wall < this.wallAt(index) ? index - 1 : index;
  }

  /** The grid index that starts exactly at `wall`, or undefined when `wall` is not a window's start. */
  private alignedIndex(wall: number): number | undefined {
    const index = this.floorIndex(wall);
    return this.wallAt(index) === wall ? index : undefined;
  }

  private instantAt(index: number): number {
    // In UTC a wall time is its instant: nothing to cache.
    if (this.timezone === 'UTC') return this.wallAt(index);
    let instant = this.instants.get(index);
    if (instant === undefined) {
      instant = fromWallMs(this.wallAt(index), this.timezone);
      this.instants.set(index, instant);
    }
    return instant;
  }

  /** Whether grid window `index` lasts at all: false only for one the clocks jump over (a skipped hour). */
  private hasWindow(index: number): boolean {
    if (this.timezone === 'UTC') return true;
    let known = this.nonEmpty.get(index);
    if (known === undefined) {
      known = this.checkWindow(index);
      this.nonEmpty.set(index, known);
    }
    return known;
  }

  private checkWindow(index: number): boolean {
    // A start that occurs on the clock opens a non-empty window; guess its instant from the zone's offset nearby.
    const wall = this.wallAt(index);
    for (let attempt = 0; attempt < 2; attempt++) {
      const guess = wall - this.offsetGuess;
      const seen = toWallMs(guess, this.timezone);
      if (seen === wall) return true;
      this.offsetGuess = seen - guess;
    }
    // The start itself is skipped: the window is empty only when its end comes at the same instant.
    return this.instantAt(index) < this.instantAt(index + 1);
  }
}

function factoryName(unit: Unit): string {
  return `${ADJECTIVE[unit]}Partitions`;
}

function stepOf(unit: Exclude<Unit, 'month'>): number {
  return unit === 'hour' ? HOUR : unit === 'day' ? DAY : 7 * DAY;
}

/** The first window start of the grid on or after `wall`. */
function alignUp(unit: Unit, alignment: number, wall: number): number {
  if (unit === 'hour') return Math.ceil(wall / HOUR) * HOUR;
  const midnight = Math.ceil(wall / DAY) * DAY;
  if (unit === 'day') return midnight;
  const date = new Date(midnight);
  if (unit === 'week') return midnight + ((alignment - date.getUTCDay() + 7) % 7) * DAY;
  const thisMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), alignment);
  return thisMonth >= midnight ? thisMonth : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, alignment);
}

function formatKey(unit: Unit, wall: number): string {
  const iso = new Date(wall).toISOString();
  return unit === 'hour' ? `${iso.slice(0, 10)}-${iso.slice(11, 16)}` : iso.slice(0, 10);
}

/** The shape of a unit's keys: hours, or the first day of a day, week or month. */
function shapeOf(unit: Unit): DateKeyShape {
  return unit === 'hour' ? 'hour' : 'day';
}

/** The wall time a key names, or undefined when it names none. */
function parseKey(unit: Unit, key: string): number | undefined {
  const reading = parseDateKey(key, shapeOf(unit));
  return reading.kind === 'date' ? reading.wall : undefined;
}

/** A `start` or `end`: a key, or for hourly partitions also a plain day. */
function readBound(unit: Unit, text: unknown): DateKeyReading {
  if (typeof text !== 'string') return { kind: 'malformed' };
  const reading = parseDateKey(text, shapeOf(unit));
  return reading.kind === 'malformed' && unit === 'hour' ? parseDateKey(text, 'day') : reading;
}

/** Why `timezone` is not an IANA zone Intl knows, with the closest names; undefined when it is one. */
function timeZoneProblem(timezone: unknown): string | undefined {
  if (isTimeZone(timezone)) return undefined;
  const suggestions = typeof timezone === 'string' ? suggestClosest(timezone, Intl.supportedValuesOf('timeZone')) : [];
  const guess = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : ' (e.g. "UTC", "Europe/Berlin", "America/New_York")';
  return `timezone ${JSON.stringify(timezone)} is not an IANA time zone name${guess}`;
}
