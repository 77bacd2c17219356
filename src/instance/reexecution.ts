import { StrataError } from '../core/errors.js';
import { RESERVED_TAG_PREFIX, ranOnlyChecks } from '../core/run-tags.js';
import type { InstanceStorage, RunRecord, RunTags } from '../storage/instance-storage.js';
import type { PlanSelection } from './instance.js';
import { assetOutcomes } from './run-summaries.js';

/**
 * `from-failure`: the assets of the run that did not materialize (Dagster's
 * "re-execute from failure"); `rerun`: the run's whole request again.
 */
export type ReexecutionMode = 'from-failure' | 'rerun';

/** A new run that re-executes `parent`: what it selects, and the tags it inherits. */
export interface Reexecution {
  readonly parent: RunRecord;
  readonly selection: PlanSelection;
  /** The parent's tags, without those Strata set for how it was launched (`strata/schedule`, ...): the new run is launched otherwise. */
  readonly tags: RunTags;
  /** `from-failure`: the assets whose step failed (retried whatever staleness says), then those skipped or never started. */
  readonly failed: readonly string[];
  readonly notMaterialized: readonly string[];
}

/**
 * What re-executing `parent` runs.
 *
 * `from-failure` selects the assets the run planned that did not end
 * materialized or up to date: its failed steps are refreshed (they ran for
 * a reason, and a passing error leaves nothing stale to show it), and the
 * skipped or never started ones run when staleness still plans them (after
 * their upstreams' retry, it usually does). Nothing else is selected. Throws
 * `STRATA_RUN_NOT_ENDED` for a run still queued or started,
 * `STRATA_NOTHING_TO_REEXECUTE` for one that succeeded or left nothing
 * undone.
 *
 * `rerun` repeats the run's request (job, or selection with exclude, force
 * and refresh), planned by staleness now. Throws `STRATA_RUN_NO_REQUEST` for
 * a run recorded before runs kept their request.
 *
 * Either throws `STRATA_RUN_ONLY_CHECKS` for a run of `assets check`: it
 * materialized nothing, and its checks run again with `assets check`.
 */
export async function reexecution(storage: InstanceStorage, parent: RunRecord, mode: ReexecutionMode): Promise<Reexecution> {
  if (ranOnlyChecks(parent.tags)) {
    throw new StrataError('STRATA_RUN_ONLY_CHECKS', `Run ${parent.runId} only ran checks, on what its assets stored: there is no materialization to ${mode === 'rerun' ? 'repeat' : 're-execute'}.`, {
      hint: `Run them again with: ${checkCommandOf(parent.selection)}`,
    });
  }
  const tags = Object.fromEntries(Object.entries(parent.tags).filter(([key]) => !key.startsWith(RESERVED_TAG_PREFIX)));
  if (mode === 'rerun') {
    if (parent.request === null) {
      throw new StrataError('STRATA_RUN_NO_REQUEST', `Run ${parent.runId} was recorded before Strata kept what a run was asked to run, so it cannot be repeated.`, {
        hint: `It ran "${parent.selection}": the selection expression, then the flags it ran with; give them to \`assets materialize --select\`.`,
      });
    }
    const { job, select, exclude, force, refresh, partition } = parent.request;
    return { parent, selection: job === undefined ? { select, exclude, force, refresh, partition } : { job, partition }, tags, failed: [], notMaterialized: [] };
  }
  if (parent.status === 'queued' || parent.status === 'started') {
    throw new StrataError('STRATA_RUN_NOT_ENDED', `Run ${parent.runId} is still ${parent.status}: it can be re-executed from its failure once it ends.`, {
      hint: `Wait for it with \`assets logs -f ${parent.runId}\`, or cancel it with \`assets cancel ${parent.runId}\`.`,
    });
  }
  const undone = await undoneAssets(storage, parent);
  const { failed, notMaterialized } = undone;
  if (notMaterialized.length === 0) {
    throw new StrataError('STRATA_NOTHING_TO_REEXECUTE', `Run ${parent.runId} has nothing to re-execute: ${whyNothingUndone(parent, undone)}.`, {
      hint: `Repeat the whole run with \`assets rerun ${parent.runId}\`, or materialize what is stale with \`assets materialize\`.`,
    });
  }
  // `key:` matches by equality and cannot be read as `and`/`or`/`not`.
  const keys = (list: readonly string[]) => list.map((key) => `key:${key}`).join(', ');
  // A partition run is re-executed for its partition.
  const selection = { select: keys(notMaterialized), refresh: failed.length === 0 ? undefined : keys(failed), partition: parent.request?.partition };
  return { parent, selection, tags, failed, notMaterialized };
}

/** What a run left undone: see `undoneAssets`. */
export interface UndoneAssets {
  readonly planned: readonly string[];
  readonly failed: readonly string[];
  readonly notMaterialized: readonly string[];
}

/**
 * The assets a run planned (its `run-start` event lists them, in plan order),
 * those that did not end materialized or up to date (what re-executing it
 * from its failure selects: none for a run canceled before it started), and
 * those of them that failed.
 */
export async function undoneAssets(storage: InstanceStorage, run: RunRecord): Promise<UndoneAssets> {
  const events = await storage.runEvents(run.runId);
  const listed = events.find((event) => event.type === 'run-start')?.data?.planned;
  const outcomes = assetOutcomes(events);
  const planned = Array.isArray(listed) ? listed.filter((key): key is string => typeof key === 'string') : [...outcomes.keys()];
  const notMaterialized = planned.filter((key) => outcomes.get(key) !== 'materialized' && outcomes.get(key) !== 'up-to-date');
  return { planned, failed: notMaterialized.filter((key) => outcomes.get(key) === 'failed'), notMaterialized };
}

/** Why a run that left nothing undone (see `undoneAssets`) has nothing to re-execute, as a clause: `it ended canceled without running any asset`. */
export function whyNothingUndone(run: RunRecord, undone: UndoneAssets): string {
  return undone.planned.length === 0 ? `it ended ${run.status} without running any asset` : `every asset it planned was materialized or up to date (it ended ${run.status})`;
}

/**
 * The `assets check` command that runs a check run's checks again, from the
 * selection it recorded (`checks of <select>[ except <exclude>]`, see
 * `Instance.check`); `*` (every asset) is the command's default.
 */
function checkCommandOf(recorded: string): string {
  const described = recorded.replace(/^checks of /, '');
  const at = described.indexOf(' except ');
  const select = at === -1 ? described : described.slice(0, at);
  const exclude = at === -1 ? undefined : described.slice(at + ' except '.length);
  return ['assets check', ...(select === '*' ? [] : [shellWord(select)]), ...(exclude === undefined ? [] : ['--exclude', shellWord(exclude)])].join(' ');
}

/** `text` as one shell word: bare when no character of it is special to a shell (a selection's `*` or space is). */
function shellWord(text: string): string {
  if (/^[\w.:/@+,-]+$/.test(text)) return text;
  return /["$`\\!]/.test(text) ? `'${text.replaceAll("'", "'\\''")}'` : `"${text}"`;
}
