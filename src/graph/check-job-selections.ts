import type { Definitions } from '../core/definitions.js';
import { StrataError } from '../core/errors.js';
import type { JobDefinition } from '../core/job.js';
import { AssetGraph } from './asset-graph.js';
import { scheduledJobPartitions } from './job-partitions.js';
import { selectAssets } from './resolve-selection.js';

/** The assets a job selects, and which of them are its sources. */
export interface JobSelection {
  /** In topological order, ties by key. */
  readonly selected: readonly string[];
  /** The selected assets without upstream assets: what `force: 'sources'` re-runs. */
  readonly sources: readonly string[];
}

/**
 * Resolves a job's selection against the graph. Throws the selection errors
 * (syntax, unknown key, empty selection) as `selectAssets` does.
 */
export function selectJobAssets(graph: AssetGraph, job: JobDefinition): JobSelection {
  const selected = selectAssets(graph, { select: job.select, ...(job.exclude === undefined ? {} : { exclude: job.exclude }) });
  return { selected, sources: selected.filter((key) => graph.parents(key).length === 0) };
}

/**
 * Checks every job's selection against the asset graph, which `defineDefinitions`
 * (in core, without the selection language) cannot: syntax errors, unknown
 * keys, selections that select nothing, `force: 'sources'` on a selection
 * with no source assets, and a scheduled job whose ticks cannot each run one
 * partition (see `scheduledJobPartitions`). Returns the problems, each naming
 * its job, in job name order; the caller reports them together as one
 * `DefinitionError`.
 */
export function checkJobSelections(definitions: Definitions, graph: AssetGraph = new AssetGraph(definitions)): string[] {
  const problems: string[] = [];
  const scheduled = new Map<string, string[]>();
  for (const schedule of definitions.schedules) scheduled.set(schedule.job, [...(scheduled.get(schedule.job) ?? []), schedule.name]);
  for (const job of definitions.jobs) {
    const where = `job "${job.name}"`;
    let selection: JobSelection;
    try {
      selection = selectJobAssets(graph, job);
    } catch (error) {
      if (!(error instanceof StrataError)) throw error;
      problems.push(`${where}: ${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}`);
      continue;
    }
    if (job.force === 'sources' && selection.sources.length === 0) {
      problems.push(
        `${where}: force "sources" re-runs the selected assets that have no upstream assets, but "${job.select}" selects none; ` +
          'select the sources too, or use force "all"',
      );
    }
    const schedules = scheduled.get(job.name);
    const partitions = schedules === undefined ? undefined : scheduledJobPartitions(graph, selection.selected);
    if (partitions?.kind === 'problem') problems.push(`${where}, run by schedule ${schedules!.map((name) => `"${name}"`).join(', ')}: ${partitions.problem}`);
  }
  return problems;
}
