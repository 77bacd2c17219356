import type { Definitions } from '../core/definitions.js';
import type { JobForce } from '../core/job.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import { selectJobAssets } from '../graph/check-job-selections.js';

/** A job as `assets jobs` (and a UI) lists it: its selection, what that selects now, and what runs it. */
export interface JobSummary {
  readonly name: string;
  readonly select: string;
  readonly exclude: string | null;
  readonly force: JobForce;
  readonly description: string | null;
  /** The assets its selection selects, in topological order. */
  readonly assets: readonly string[];
  /** The selected assets with no upstream assets (what `force: 'sources'` re-runs). */
  readonly sources: readonly string[];
  /** The schedules and sensors that run it, by name. */
  readonly schedules: readonly string[];
  readonly sensors: readonly string[];
}

/** Every job of the definitions, sorted by name, with what it selects against the current asset graph. */
export function summarizeJobs(definitions: Definitions, graph: AssetGraph): JobSummary[] {
  return definitions.jobs.map((job) => {
    const { selected, sources } = selectJobAssets(graph, job);
    return {
      name: job.name,
      select: job.select,
      exclude: job.exclude ?? null,
      force: job.force,
      description: job.description ?? null,
      assets: selected,
      sources,
      schedules: definitions.schedules.filter((schedule) => schedule.job === job.name).map((schedule) => schedule.name),
      sensors: definitions.sensors.filter((sensor) => sensor.job === job.name).map((sensor) => sensor.name),
    };
  });
}
