import { StrataError } from '../core/errors.js';
import type { EvaluatedCheck } from '../execution/evaluate-checks.js';
import type { MaterializationPlan } from '../execution/plan-materialization.js';
import type { AssetRunResult, MaterializeResult, RunOutcome } from '../execution/run-result.js';
import { openInstance } from '../instance/instance.js';
import { watchInputs } from '../instance/watch-inputs.js';

/**
 * One cycle of `assets materialize --watch`, run as a process of its own
 * (see watch-materialize.ts): it imports the definitions as they are on disk
 * now, materializes what is stale, and reports to its parent over IPC what
 * ran and which files to watch next. Its argument is a `WatchCycleRequest`
 * as JSON.
 */
export interface WatchCycleRequest {
  readonly cwd: string;
  readonly definitionsModule: string | undefined;
  readonly select: string | undefined;
  readonly exclude: string | undefined;
}

/** An asset the cycle's run planned: what happened to it, why it was planned, and its error's first line. */
export type WatchedAsset = Pick<AssetRunResult, 'key' | 'action' | 'reasons'> & { readonly error: string | undefined };

export type WatchCycleOutcome =
  | {
      readonly kind: 'ran';
      readonly runId: string | null;
      readonly status: RunOutcome;
      readonly assets: readonly WatchedAsset[];
      /** The checks the run evaluated: a failed blocking one is why a run fails with no asset failed. */
      readonly checks: readonly EvaluatedCheck[];
      /** What to watch next. */
      readonly files: readonly string[];
    }
  | { readonly kind: 'error'; readonly message: string; readonly hint: string | undefined; readonly files: readonly string[] };

const request = JSON.parse(process.argv[2]!) as WatchCycleRequest;
const controller = new AbortController();
// Ctrl-C reaches every process of the terminal's group: the parent decides, and asks with SIGTERM.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => controller.abort(new Error('the watch was stopped')));
process.send!(await runCycle(request, controller.signal), () => process.disconnect());

async function runCycle(request: WatchCycleRequest, signal: AbortSignal): Promise<WatchCycleOutcome> {
  let instance: Awaited<ReturnType<typeof openInstance>> | undefined;
  let definitionsFile: string | undefined;
  try {
    instance = await openInstance({ cwd: request.cwd, env: process.env, definitionsModule: request.definitionsModule });
    definitionsFile = instance.project.definitions instanceof StrataError ? undefined : instance.project.definitions.file;
    let plan: MaterializationPlan | undefined;
    const selection = { select: request.select, exclude: request.exclude, signal };
    // As a plain materialize: the stale partitions first, one run each, then the unpartitioned assets.
    const runs = await instance.materializeSelection({ ...selection, trigger: 'watch', onPlan: (made) => (plan = made.partition === undefined ? made : plan) });
    const ran: { partition: string | undefined; result: MaterializeResult }[] = [...runs.partitions, ...(runs.rest === undefined ? [] : [{ partition: undefined, result: runs.rest }])];
    const result = ran.at(-1)?.result ?? { runId: null, status: 'nothing-to-do' as const, assets: [], checks: [] };
    // A state selection that selects nothing now (`status:stale` with nothing stale) makes no plan; what
    // may make something stale is still watched: the modules, and the files every source asset observes.
    const observations = (plan ?? (await instance.plan({ signal }))).observations;
    const files = definitionsFile === undefined ? [] : await watchInputs(definitionsFile, observations, instance.project.root);
    return {
      kind: 'ran',
      runId: result.runId,
      status: worstOutcome(ran.map((run) => run.result.status)),
      assets: ran.flatMap(({ partition, result: one }) =>
        one.assets.map((asset) => ({ key: partition === undefined ? asset.key : `${asset.key} [${partition}]`, action: asset.action, reasons: asset.reasons, error: asset.error?.message.split('\n', 1)[0] })),
      ),
      checks: ran.flatMap((run) => run.result.checks),
      files,
    };
  } catch (error) {
    // The module being edited may not load yet: say why, and keep watching it.
    const files = definitionsFile === undefined ? [] : [definitionsFile];
    if (error instanceof StrataError) return { kind: 'error', message: error.message, hint: error.hint, files };
    return { kind: 'error', message: `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, hint: undefined, files };
  } finally {
    await instance?.close();
  }
}

/** The outcome of a cycle of several runs: the worst of theirs. */
function worstOutcome(outcomes: readonly RunOutcome[]): RunOutcome {
  for (const outcome of ['failed', 'canceled', 'success'] as const) if (outcomes.includes(outcome)) return outcome;
  return 'nothing-to-do';
}
