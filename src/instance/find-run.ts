import { StrataError } from '../core/errors.js';
import type { InstanceStorage, RunRecord } from '../storage/instance-storage.js';

/** `latest`, a whole run id, or a prefix that only one run id starts with (as git takes commit ids). */
export async function findRun(storage: InstanceStorage, wanted: string): Promise<RunRecord> {
  if (wanted === 'latest') {
    const latest = await storage.latestRun();
    if (latest === undefined) throw new StrataError('STRATA_NO_RUNS', 'No runs are recorded yet.', { hint: 'Run `assets materialize` first.' });
    return latest;
  }
  const exact = await storage.getRun(wanted);
  if (exact !== undefined) return exact;
  const matches = (await storage.listRuns()).filter((run) => run.runId.startsWith(wanted.toLowerCase()));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new StrataError('STRATA_UNKNOWN_RUN', `No run id starts with "${wanted}".`, { hint: '`assets runs` lists the recorded runs; `latest` names the newest.' });
  }
  const shown = matches.slice(0, 5).map((run) => `${run.runId} (${run.status}, ${run.startedAt.toISOString()})`);
  throw new StrataError('STRATA_AMBIGUOUS_RUN', `"${wanted}" is the start of ${matches.length} run ids: ${shown.join(', ')}${matches.length > shown.length ? ', ...' : ''}.`, {
    hint: 'Give more characters of the run id.',
  });
}
