import type { AssetLogger } from './asset.js';
import type { Definitions } from './definitions.js';
import type { JobDefinition } from './job.js';
import type { RunTags } from './run-tags.js';
import { AUTOMATION_STATUSES, type AutomationStatus } from './schedule.js';

/** The latest materialization of an asset, as a sensor sees it. */
export interface SensorMaterialization {
  readonly runId: string;
  readonly materializedAt: Date;
  /** What the IO manager computed for the stored output. */
  readonly dataVersion: string;
}

/**
 * A run a sensor asks for: a job (default: the sensor's own `job`), or a
 * selection. A run key makes the request idempotent: a request whose run key
 * this sensor already launched is dropped. `tags` are recorded on the run,
 * over its job's (see `RunTags`); Strata adds `strata/sensor=<name>`.
 */
export interface RunRequest {
  readonly job?: string;
  readonly select?: string;
  readonly runKey?: string;
  readonly tags?: RunTags;
}

/**
 * What an evaluation returns: run requests, or a skip reason. `cursor`, when
 * given, replaces the stored cursor, but only once every requested run was
 * launched: a tick that could not launch its runs is evaluated again from the
 * old cursor.
 */
export type SensorResult =
  | { readonly runRequests: readonly RunRequest[]; readonly cursor?: string }
  | { readonly skip: string; readonly cursor?: string };

/** What `evaluate` receives. Read-only: a sensor asks for runs, it never runs anything itself. */
export interface SensorContext {
  readonly name: string;
  /** What the last successful evaluation stored, or undefined on the first. */
  readonly cursor: string | undefined;
  /** The time of this tick (injected: tests and `assets daemon --once --now` set it). */
  readonly now: Date;
  /** When the sensor was last evaluated, or undefined. */
  readonly lastTickAt: Date | undefined;
  /** The latest recorded materialization of an asset, or undefined if it was never materialized. */
  latestMaterialization(assetKey: string): Promise<SensorMaterialization | undefined>;
  readonly definitions: Definitions;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder relative paths are read from. */
  readonly cwd: string;
  /** Aborted when the daemon stops: pass it on to anything that waits. */
  readonly signal: AbortSignal;
  readonly log: AssetLogger;
}

/** What `sensor()` takes. */
export interface SensorSpec {
  /** Unique among schedules and sensors, `^[a-z][a-z0-9_-]*$`. */
  readonly name: string;
  /** How often the daemon evaluates it: a whole number of seconds, at least 1. */
  readonly intervalSeconds: number;
  /** The job run requests without `job` or `select` run. */
  readonly job?: JobDefinition | string;
  readonly evaluate: (context: SensorContext) => SensorResult | Promise<SensorResult>;
  /** Default `running`. */
  readonly defaultStatus?: AutomationStatus;
  readonly description?: string;
}

/** A function the daemon evaluates every `intervalSeconds`, which asks for runs. */
export interface SensorDefinition {
  readonly name: string;
  readonly intervalSeconds: number;
  /** The default job's name. */
  readonly job: string | undefined;
  readonly evaluate: (context: SensorContext) => SensorResult | Promise<SensorResult>;
  readonly defaultStatus: AutomationStatus;
  readonly description: string | undefined;
}

/**
 * Declares a sensor.
 *
 * @example
 * const onNewOrders = sensor({
 *   name: 'new-orders',
 *   intervalSeconds: 60,
 *   job: refresh,
 *   evaluate: async ({ cursor, latestMaterialization }) => {
 *     const latest = await latestMaterialization('orders');
 *     if (latest === undefined || latest.runId === cursor) return { skip: 'no new orders' };
 *     return { runRequests: [{ runKey: latest.runId }], cursor: latest.runId };
 *   },
 * });
 */
export function sensor(spec: SensorSpec): SensorDefinition {
  return Object.freeze({
    name: spec.name,
    intervalSeconds: spec.intervalSeconds,
    job: spec.job === undefined || typeof spec.job === 'string' ? spec.job : spec.job.name,
    evaluate: spec.evaluate,
    defaultStatus: spec.defaultStatus ?? 'running',
    description: spec.description,
  });
}

/** What is wrong with a sensor on its own (names and references are checked by the definitions). */
export function checkSensor(definition: SensorDefinition): string[] {
  const where = `sensor "${definition.name}"`;
  const problems: string[] = [];
  if (!Number.isSafeInteger(definition.intervalSeconds) || definition.intervalSeconds < 1) {
    problems.push(`${where}: intervalSeconds must be a whole number >= 1, got ${String(definition.intervalSeconds)}`);
  }
  if (typeof definition.evaluate !== 'function') problems.push(`${where}: evaluate must be a function`);
  if (!AUTOMATION_STATUSES.includes(definition.defaultStatus)) {
    problems.push(`${where}: defaultStatus must be "running" or "stopped", got "${String(definition.defaultStatus)}"`);
  }
  return problems;
}
