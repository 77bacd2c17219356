import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Definitions } from '../core/definitions.js';
import { CHECKS_RUN_TAG } from '../core/run-tags.js';
import type { InstanceStorage, RunEvent } from '../storage/instance-storage.js';
import { checkFailsRun } from './check-states.js';
import { type EvaluatedCheck, evaluateChecks } from './evaluate-checks.js';
import { recordCheckResults } from './record-check-results.js';
import { RunRecorder } from './run-recorder.js';

export interface CheckStoredOptions {
  readonly storage: InstanceStorage;
  /** The selection the keys came from, as the run records it (`top_customers+`). */
  readonly selection: string;
  readonly now?: (() => Date) | undefined;
  readonly onEvent?: ((event: RunEvent) => void) | undefined;
  /** Aborted (Ctrl-C): no further asset is checked, and the run ends `canceled`. */
  readonly signal?: AbortSignal | undefined;
}

/** What `assets check` did: the run it recorded (none when no selected asset has checks), each result, and the assets it could not check. */
export interface CheckStoredResult {
  readonly runId: string | null;
  readonly status: 'success' | 'failed' | 'canceled' | 'nothing-to-do';
  readonly checks: readonly EvaluatedCheck[];
  /** Selected assets with checks but no stored output to judge. */
  readonly notMaterialized: readonly string[];
}

/**
 * Runs every check of `keys` on what is stored now, without
 * materializing anything (`assets check`): each asset's table read through
 * its IO manager, in the order of `keys` (topological, as selections give
 * them), recorded as a run of its own. The run
 * fails when an `error` check fails or cannot run.
 */
export async function checkStoredAssets(definitions: Definitions, selectedKeys: readonly string[], options: CheckStoredOptions): Promise<CheckStoredResult> {
  const now = options.now ?? (() => new Date());
  const keys = selectedKeys.filter((key) => definitions.asset(key)!.checks.length > 0);
  if (keys.length === 0) return { runId: null, status: 'nothing-to-do', checks: [], notMaterialized: [] };
  const { storage } = options;
  const recorded = await storage.latestMaterializations(keys);
  const runId = randomUUID();
  await storage.createRun({
    runId,
    status: 'started',
    selection: `checks of ${options.selection}`,
    trigger: 'cli',
    tags: CHECKS_RUN_TAG,
    startedAt: now(),
    endedAt: null,
    pid: process.pid,
    hostname: hostname(),
  });
  const recorder = new RunRecorder(storage, runId, now, options.onEvent);
  recorder.event({ type: 'run-start', message: `Run ${runId} started: checks of ${keys.length} asset${keys.length === 1 ? '' : 's'}`, data: { checked: keys } });
  // Written now, not with the first results: whoever follows the run from another process sees it start.
  await recorder.flush();
  const checks: EvaluatedCheck[] = [];
  const notMaterialized: string[] = [];
  let status: 'success' | 'failed' | 'canceled' = 'failed';
  try {
    for (const key of keys) {
      if (options.signal?.aborted === true) break;
      const asset = definitions.asset(key)!;
      const record = recorded.get(key);
      // The version stored now, not the recorded one: a table edited since is judged as it is.
      const dataVersion = record === undefined ? undefined : await definitions.ioManagers[asset.ioManager]!.dataVersion(asset, record);
      if (record === undefined || dataVersion === undefined) {
        notMaterialized.push(key);
        recorder.event({ type: 'log', assetKey: key, level: 'warn', message: `${key} has no stored output to check: materialize it first (assets materialize --select ${key})` });
        continue;
      }
      // The recorded row count speaks only for the output it was recorded with; an edited one is counted.
      const rows = dataVersion === record.dataVersion ? Number(record.metadata.rows ?? 0) : undefined;
      const evaluated = await evaluateChecks(definitions, storage, { asset, dataVersion, rows, table: undefined }, asset.checks);
      await recordCheckResults(recorder, storage, runId, now(), evaluated);
      checks.push(...evaluated);
    }
    status = options.signal?.aborted === true ? 'canceled' : checks.some(checkFailsRun) ? 'failed' : 'success';
    return { runId, status, checks, notMaterialized };
  } finally {
    recorder.event({ type: 'run-end', level: status === 'success' ? 'info' : status === 'canceled' ? 'warn' : 'error', message: `Run ${runId} ${status}`, data: { status } });
    await recorder.flush();
    await storage.finishRun(runId, status, now());
  }
}
