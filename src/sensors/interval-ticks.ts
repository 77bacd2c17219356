import { parseDuration } from '../core/duration.js';
import type { ScheduleDefinition } from '../core/schedule.js';
import { fromWallMs, parseAnchor, toWallMs } from '../core/zoned-wall-time.js';

const DAY_MS = 86_400_000;

/** Where an interval schedule's ticks are counted from when it names no anchor: midnight of 2000-01-01 in its time zone. */
const DEFAULT_ANCHOR = '2000-01-01T00:00';

/** The instant a schedule on `every` counts its ticks from: its anchor, or the default one. */
export function anchorInstant(schedule: ScheduleDefinition): number {
  const anchor = parseAnchor(schedule.anchor ?? DEFAULT_ANCHOR, schedule.timezone);
  // The definitions refuse a schedule whose anchor names no instant, with the reason; only one never checked gets here.
  if (anchor.kind !== 'instant') throw new TypeError(`schedule "${schedule.name}": anchor "${schedule.anchor}" names no instant; define the schedule with defineDefinitions, which says why`);
  return anchor.instant;
}

/**
 * The ticks of a schedule on `every`: tick n is anchor + n × interval, each
 * computed from the anchor (never from the previous tick), so a thousand
 * ticks later there is no drift. A whole number of days, in wall-clock time
 * of the schedule's zone, so a daily tick stays at its local hour across
 * daylight-saving changes (see `fromWallMs` for the skipped and repeated
 * hours); any other interval (90m, 36h) in elapsed time, so it always means
 * what it says.
 */
class IntervalClock {
  readonly #stepMs: number;
  readonly #timeZone: string;
  readonly #wallClock: boolean;
  /** The anchor as a wall time (wall-clock mode) or an instant (elapsed mode). */
  readonly #origin: number;

  constructor(schedule: ScheduleDefinition) {
    this.#stepMs = parseDuration(schedule.every!, `schedule "${schedule.name}": every`);
    this.#timeZone = schedule.timezone;
    this.#wallClock = this.#stepMs % DAY_MS === 0;
    const anchor = anchorInstant(schedule);
    this.#origin = this.#wallClock ? toWallMs(anchor, schedule.timezone) : anchor;
  }

  tick(index: number): number {
    const at = this.#origin + index * this.#stepMs;
    return this.#wallClock ? fromWallMs(at, this.#timeZone) : at;
  }

  /** The index of the first tick strictly after `instant`. */
  firstAfter(instant: number): number {
    const position = this.#wallClock ? toWallMs(instant, this.#timeZone) : instant;
    let index = Math.floor((position - this.#origin) / this.#stepMs) + 1;
    // In wall-clock mode a daylight-saving change can put the estimate one off either way.
    while (this.tick(index - 1) > instant) index--;
    while (this.tick(index) <= instant) index++;
    return index;
  }
}

/** The next `count` ticks strictly after `after`, earliest first. */
export function nextIntervalTicks(schedule: ScheduleDefinition, after: Date, count: number): Date[] {
  const clock = new IntervalClock(schedule);
  const first = clock.firstAfter(after.getTime());
  return Array.from({ length: count }, (_, offset) => new Date(clock.tick(first + offset)));
}

/** The latest tick in `(after, until]`, or undefined when there is none: constant work however long the span. */
export function latestIntervalTick(schedule: ScheduleDefinition, after: Date, until: Date): Date | undefined {
  const clock = new IntervalClock(schedule);
  const latest = clock.tick(clock.firstAfter(until.getTime()) - 1);
  return latest > after.getTime() ? new Date(latest) : undefined;
}
