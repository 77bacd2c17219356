import { StrataError } from '../core/errors.js';
import { ranOnlyChecks } from '../core/run-tags.js';
import type { InstanceStorage, RunRecord } from '../storage/instance-storage.js';
import { undoneAssets, whyNothingUndone } from './reexecution.js';

/**
 * The run `assets materialize --from-failure latest` re-executes: the newest
 * run that ended failed or canceled, that no run re-executes yet (none
 * names it as its parent: `--from-failure`, `assets rerun`), and that left
 * an asset undone to re-execute.
 *
 * Not the newest run, as `latest` is elsewhere: a plain materialize of
 * partitioned assets runs each partition, then the unpartitioned rest, so
 * the run of a partition that failed is seldom the newest. A failure that
 * a run re-executes is passed over, so `latest` again goes on to the next
 * one left (each failed partition in turn) instead of repeating it. Passed
 * over too, as Dagster offers re-execution from failure only for a run with
 * steps that failed or never ran: runs of `assets check` (they materialized
 * nothing), and runs with nothing left undone, such as a queued run
 * canceled before it started, which would otherwise hide an older failure.
 *
 * Throws `STRATA_NO_RUNS` when no run is recorded, and
 * `STRATA_NOTHING_TO_REEXECUTE` when no failure is left, saying why.
 */
export async function latestFailedRun(storage: InstanceStorage): Promise<RunRecord> {
  const failures = (await storage.failedRuns()).filter(({ run }) => !ranOnlyChecks(run.tags));
  // Newest first, reading the events of the runs passed over only.
  for (const { run, reexecutedBy } of failures) {
    if (reexecutedBy === null && (await undoneAssets(storage, run)).notMaterialized.length > 0) return run;
  }
  const [lastFailure] = failures;
  if (lastFailure !== undefined) {
    const { run, reexecutedBy } = lastFailure;
    if (reexecutedBy === null) {
      throw new StrataError('STRATA_NOTHING_TO_REEXECUTE', `No failed or canceled run is left to re-execute: the latest, ${run.runId}, left nothing undone (${whyNothingUndone(run, await undoneAssets(storage, run))}).`, {
        hint: `Repeat it whole with \`assets rerun ${run.runId}\`, or name an earlier failure: \`assets materialize --from-failure <run>\`; \`assets runs --status failed\` lists the failed runs.`,
      });
    }
    // Pruning may have deleted the run that re-executed it since it was read.
    const child = await storage.getRun(reexecutedBy);
    throw new StrataError('STRATA_NOTHING_TO_REEXECUTE', `No failed or canceled run is left to re-execute: the latest, ${run.runId}, was re-executed by run ${reexecutedBy}${child === undefined ? '' : ` (${child.status})`}.`, {
      hint: `To re-execute it again, name it: \`assets materialize --from-failure ${run.runId}\`; \`assets runs --status failed\` lists the failed runs.`,
    });
  }
  const newest = await storage.latestRun();
  if (newest === undefined) throw new StrataError('STRATA_NO_RUNS', 'No runs are recorded yet, so none failed.', { hint: 'Run `assets materialize` first.' });
  const going = newest.status === 'queued' || newest.status === 'started';
  throw new StrataError('STRATA_NOTHING_TO_REEXECUTE', `No materialization run has failed or been canceled, so there is nothing to re-execute from a failure (the latest run, ${newest.runId}, ${going ? 'is still' : 'ended'} ${newest.status}).`, {
    hint: going
      ? `Wait for it with \`assets logs -f ${newest.runId}\`; should it fail, \`assets materialize --from-failure latest\` re-executes it.`
      : 'Repeat a whole run with `assets rerun latest`, or materialize what is stale with `assets materialize`.',
  });
}
