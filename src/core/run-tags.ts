/**
 * Labels on a run, `key -> value`: given on the command line (`--tag
 * team=growth`), by a job, a schedule or a sensor's run request. Nothing plans
 * by them; they find runs again (`assets runs --tag team=growth`).
 */
export type RunTags = Readonly<Record<string, string>>;

/**
 * Keys Strata sets itself: `strata/schedule` and `strata/sensor` name the
 * schedule or sensor that launched a run, `strata/run=checks` marks a run
 * that only ran checks (`assets check`). Reserved, so a user's tag never
 * passes for one of them.
 */
export const RESERVED_TAG_PREFIX = 'strata/';

/** The tag of a run that only ran checks on stored assets (`assets check`): it materialized nothing, so it is repeated with `assets check`, not re-executed. */
export const CHECKS_RUN_TAG: RunTags = { [`${RESERVED_TAG_PREFIX}run`]: 'checks' };

/** Whether a run carries `CHECKS_RUN_TAG`: it only ran checks (`assets check`). */
export function ranOnlyChecks(tags: RunTags): boolean {
  return Object.entries(CHECKS_RUN_TAG).every(([key, value]) => tags[key] === value);
}

/** The tag of a run of one partition: `strata/partition=2026-01-05`, so `assets runs --tag` finds a partition's runs. */
export function partitionTag(partition: string): RunTags {
  return { [`${RESERVED_TAG_PREFIX}partition`]: partition };
}

/** The tag of a run of a backfill: `strata/backfill=<id>`, so `assets runs --tag` finds a backfill's runs and `assets backfill cancel` its running ones. */
export function backfillTag(id: string): RunTags {
  return { [`${RESERVED_TAG_PREFIX}backfill`]: id };
}

/** The tag Strata puts on a run launched by a schedule or sensor: `strata/schedule=<name>`. */
export function automationTag(kind: 'schedule' | 'sensor', name: string): RunTags {
  return { [`${RESERVED_TAG_PREFIX}${kind}`]: name };
}

/**
 * What is wrong with tags a user gave (`where` names their owner, e.g.
 * `job "refresh"`): an object of string values, keys non-empty, without `=`
 * (it separates key and value on the command line) and outside `strata/`.
 */
export function checkRunTags(tags: unknown, where: string): string[] {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) return [`${where}: tags must be an object of strings, such as { team: "growth" }`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(tags)) {
    const keyProblem = describeTagKey(key);
    if (keyProblem !== undefined) problems.push(`${where}: tag ${keyProblem}`);
    else if (typeof value !== 'string') problems.push(`${where}: tag "${key}" must have a string value, got ${typeof value}`);
  }
  return problems;
}

/** Why `key` cannot be a user's tag key, or undefined when it can. */
export function describeTagKey(key: string): string | undefined {
  if (key.length === 0) return 'keys cannot be empty';
  if (key.includes('=')) return `key "${key}" cannot contain "="`;
  if (key.startsWith(RESERVED_TAG_PREFIX)) return `key "${key}" starts with "${RESERVED_TAG_PREFIX}", which Strata reserves for its own tags`;
  return undefined;
}
