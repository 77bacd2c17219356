import type { Definitions } from '../core/definitions.js';
import { StrataError } from '../core/errors.js';
import type { JobDefinition } from '../core/job.js';
import type { RunTags } from '../core/run-tags.js';
import { materialize, type MaterializeOptions } from '../execution/materialize.js';
import type { PlanOptions } from '../execution/plan-materialization.js';
import type { MaterializeResult } from '../execution/run-result.js';
import { AssetGraph } from '../graph/asset-graph.js';
import { selectJobAssets } from '../graph/check-job-selections.js';
import { findJob } from './find-definition.js';

/** The plan options a job's runs are made with. */
export type JobPlanOptions = Required<Pick<PlanOptions, 'select'>> & Pick<PlanOptions, 'exclude' | 'force' | 'refresh'>;

/**
 * What `materialize` is given for a job: its selection, and its `force`
 * mapped to the planner's options. `force: 'sources'` refreshes the selected
 * assets that have no upstream assets (named one by one, so the run records
 * exactly what was forced) and lets staleness and early cutoff decide the
 * rest; `force: 'all'` forces every selected asset.
 *
 * Throws `STRATA_UNKNOWN_KEY` (with did-you-mean) for an unknown job,
 * `STRATA_JOB_NO_SOURCES` for `force: 'sources'` on a selection without
 * sources, and the selection errors of its selection.
 */
export function jobPlanOptions(definitions: Definitions, job: JobDefinition | string): JobPlanOptions {
  const definition = typeof job === 'string' ? findJob(definitions, job) : job;
  const options = { select: definition.select, exclude: definition.exclude };
  switch (definition.force) {
    case 'all':
      return { ...options, force: true };
    case 'sources': {
      const { sources } = selectJobAssets(new AssetGraph(definitions), definition);
      if (sources.length === 0) {
        // checkJobSelections reports this when the CLI loads the definitions; here for programmatic callers.
        throw new StrataError('STRATA_JOB_NO_SOURCES', `Job "${definition.name}" forces its sources, but "${definition.select}" selects no asset without upstream assets.`, {
          hint: 'Select the sources too (e.g. "+<asset>"), or use force "all".',
        });
      }
      return { ...options, refresh: sources.join(', ') };
    }
    default:
      return options;
  }
}

/** The tags every run of the job records (see `JobSpec.tags`); throws for an unknown job as `jobPlanOptions` does. */
export function jobTags(definitions: Definitions, job: JobDefinition | string): RunTags {
  return (typeof job === 'string' ? findJob(definitions, job) : job).tags;
}

/** What `runJob` takes: `materialize`'s options, except the ones the job decides. */
export type RunJobOptions = Omit<MaterializeOptions, 'select' | 'exclude' | 'force' | 'refresh'>;

/**
 * Materializes a job: plans its selection by staleness (with its `force`)
 * and runs what is stale, recording the run with `trigger` (default `cli`),
 * the job's tags (`options.tags` over them) and the job as its request.
 *
 * @example
 * const result = await runJob(definitions, 'refresh', { storage, trigger: 'cli' });
 */
export function runJob(definitions: Definitions, job: JobDefinition | string, options: RunJobOptions): Promise<MaterializeResult> {
  const name = typeof job === 'string' ? job : job.name;
  return materialize(definitions, { ...options, ...jobPlanOptions(definitions, job), tags: { ...jobTags(definitions, job), ...options.tags }, request: { job: name } });
}
