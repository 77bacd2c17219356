import { StrataError } from '../core/errors.js';
import { ranOnlyChecks } from '../core/run-tags.js';
import type { InstanceStorage, RunRecord } from '../storage/instance-storage.js';

/**
 * The run `assets materialize --from-failure latest` re-executes: the newest
 * run that ended failed or canceled, and that no run re-executes yet (none
 * names it as its parent: `--from-failure`, `assets rerun`).
 *
 * Not the newest run, as `latest` is elsewhere: a plain materialize of
 * partitioned assets runs each partition, then the unpartitioned rest, so
 * the run of a partition that failed is seldom the newest. A failure that
 * a run re-executes is passed over, so `latest` again goes on to the next
 * one left (each failed partition in turn) instead of repeating it. Runs
 * of `assets check` are passed over too: they materialized nothing.
 *
 * Throws `STRATA_NO_RUNS` when no run is recorded, and
 * `STRATA_NOTHING_TO_REEXECUTE` when no failure is left, saying why.
 */
export async function latestFailedRun(storage: InstanceStorage): Promise<RunRecord> {
  const runs = await storage.listRuns();
  const reexecuted = new Set(runs.flatMap((run) => (run.parentRunId === null ? [] : [run.parentRunId])));
  const failures = runs.filter((run) => (run.status === 'failed' || run.status === 'canceled') && !ranOnlyChecks(run.tags));
  const latest = failures.find((run) => !reexecuted.has(run.runId));
  if (latest !== undefined) return latest;
  const [newest] = runs;
  if (newest === undefined) throw new StrataError('STRATA_NO_RUNS', 'No runs are recorded yet, so none failed.', { hint: 'Run `assets materialize` first.' });
  const [lastFailure] = failures;
  if (lastFailure !== undefined) {
    // Newest first: the run that re-executed it last.
    const child = runs.find((run) => run.parentRunId === lastFailure.runId)!;
    throw new StrataError('STRATA_NOTHING_TO_REEXECUTE', `No failed or canceled run is left to re-execute: the latest, ${lastFailure.runId}, was re-executed by run ${child.runId} (${child.status}).`, {
      hint: `To re-execute it again, name it: \`assets materialize --from-failure ${lastFailure.runId}\`; \`assets runs --status failed\` lists the failed runs.`,
    });
  }
  const going = newest.status === 'queued' || newest.status === 'started';
  throw new StrataError('STRATA_NOTHING_TO_REEXECUTE', `No materialization run has failed or been canceled, so there is nothing to re-execute from a failure (the latest run, ${newest.runId}, ${going ? 'is still' : 'ended'} ${newest.status}).`, {
    hint: going
      ? `Wait for it with \`assets logs -f ${newest.runId}\`; should it fail, \`assets materialize --from-failure latest\` re-executes it.`
      : 'Repeat a whole run with `assets rerun latest`, or materialize what is stale with `assets materialize`.',
  });
}
