import type { StaleReasonKind } from '../graph/planner.js';
import type { EvaluatedCheck } from './evaluate-checks.js';

/**
 * What happened to one asset in a run: `materialized`; `up-to-date` (planned
 * only because an upstream was, and its inputs came out unchanged: early
 * cutoff); `failed`; `skipped` (an upstream failed, or the run was canceled
 * before it started).
 */
export type AssetAction = 'materialized' | 'up-to-date' | 'failed' | 'skipped';

export interface AssetError {
  readonly message: string;
  readonly code: string | undefined;
  readonly hint: string | undefined;
}

export interface AssetRunResult {
  readonly key: string;
  readonly action: AssetAction;
  readonly reasons: readonly StaleReasonKind[];
  readonly rows: number | undefined;
  readonly durationMs: number;
  readonly dataVersion: string | undefined;
  readonly attempts: number;
  readonly error: AssetError | undefined;
  /** For an asset skipped because checks of its upstreams failed: those checks (`orders.unique_id`). */
  readonly blockedByChecks?: readonly string[];
}

export type RunOutcome = 'success' | 'failed' | 'canceled' | 'nothing-to-do';

export interface MaterializeResult {
  /** Null when nothing was stale: no run is recorded for that. */
  readonly runId: string | null;
  readonly status: RunOutcome;
  /** One entry per planned asset, in topological order. */
  readonly assets: readonly AssetRunResult[];
  /** Every asset check the run evaluated, in the order they ended. */
  readonly checks: readonly EvaluatedCheck[];
  readonly durationMs: number;
}
