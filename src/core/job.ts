import { checkRunTags, type RunTags } from './run-tags.js';

/**
 * How a job forces assets beyond what staleness plans: `none` (staleness
 * decides everything), `sources` (re-run the selected assets that have no
 * upstream assets, for outside data that cannot be versioned cheaply, and let
 * staleness and early cutoff decide the rest), `all` (every selected asset).
 */
export type JobForce = 'none' | 'sources' | 'all';

/** Every valid `force`, in the order messages list them. */
const JOB_FORCE_VALUES: readonly JobForce[] = ['none', 'sources', 'all'];

/** What `job()` takes. */
export interface JobSpec {
  /** Unique among the jobs, `^[a-z][a-z0-9_-]*$`. */
  readonly name: string;
  /** Selection expression, as `assets materialize --select` takes it. */
  readonly select: string;
  /** Selection subtracted from `select`. */
  readonly exclude?: string;
  /** Default `none`. */
  readonly force?: JobForce;
  /** Recorded on every run of the job (see `RunTags`). */
  readonly tags?: RunTags;
  readonly description?: string;
}

/** A named selection with the options of its runs: what schedules and sensors run. */
export interface JobDefinition {
  readonly name: string;
  readonly select: string;
  readonly exclude: string | undefined;
  readonly force: JobForce;
  readonly tags: RunTags;
  readonly description: string | undefined;
}

/**
 * Declares a job: a named selection run through the planner. `defineDefinitions`
 * checks it with the rest; the selection itself is checked against the graph
 * when the definitions are loaded.
 *
 * @example
 * const refresh = job({ name: 'refresh', select: '*', force: 'sources', tags: { team: 'data' } });
 */
export function job(spec: JobSpec): JobDefinition {
  return Object.freeze({
    name: spec.name,
    select: spec.select,
    exclude: spec.exclude,
    force: spec.force ?? 'none',
    tags: Object.freeze({ ...spec.tags }),
    description: spec.description,
  });
}

/** What is wrong with a job on its own (names and references are checked by the definitions). */
export function checkJob(definition: JobDefinition): string[] {
  const where = `job "${definition.name}"`;
  const problems: string[] = [];
  if (typeof definition.select !== 'string' || definition.select.trim() === '') {
    problems.push(`${where}: select must be a selection expression such as "*" or "+daily_revenue"`);
  }
  if (definition.exclude !== undefined && (typeof definition.exclude !== 'string' || definition.exclude.trim() === '')) {
    problems.push(`${where}: exclude must be a selection expression, or left out`);
  }
  if (!JOB_FORCE_VALUES.includes(definition.force)) {
    problems.push(`${where}: force must be one of ${JOB_FORCE_VALUES.map((value) => `"${value}"`).join(', ')}, got "${String(definition.force)}"`);
  }
  problems.push(...checkRunTags(definition.tags, where));
  return problems;
}
