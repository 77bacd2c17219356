import type { AutomationStatus } from '../core/schedule.js';
import type { InstanceStorage, InstigatorKind, InstigatorState } from '../storage/instance-storage.js';

/*
 * Schedules and sensors together ("instigators", in Dagster's word): their
 * status as the instance and the definitions decide it, and the trigger their
 * runs record.
 */

/** What runs record as their trigger: `schedule:<name>` or `sensor:<name>`. */
export function triggerOf(kind: InstigatorKind, name: string): string {
  return `${kind}:${name}`;
}

/** The status set with start/stop, else the declared `defaultStatus`. */
export function effectiveStatus(definition: { readonly defaultStatus: AutomationStatus }, state: InstigatorState | undefined): AutomationStatus {
  return state?.status ?? definition.defaultStatus;
}

/** The state of a schedule or sensor nothing was stored for yet. */
export function initialState(kind: InstigatorKind, name: string): InstigatorState {
  return { kind, name, status: null, startedAt: null, cursor: null, lastTickAt: null };
}

/**
 * Starts or stops a schedule or sensor in the instance (`assets schedule
 * start|stop`), and says whether that changed its status. Starting sets the
 * start time, so ticks missed while it was stopped never run; stopping keeps
 * the cursor, so a sensor started again goes on where it left off.
 */
export async function setInstigatorStatus(
  storage: InstanceStorage,
  kind: InstigatorKind,
  definition: { readonly name: string; readonly defaultStatus: AutomationStatus },
  status: AutomationStatus,
  now: Date,
): Promise<{ readonly changed: boolean; readonly state: InstigatorState }> {
  const stored = await storage.instigatorState(kind, definition.name);
  const current = stored ?? initialState(kind, definition.name);
  const changed = effectiveStatus(definition, stored) !== status;
  const state: InstigatorState =
    status === 'running'
      ? { ...current, status, startedAt: changed ? now : (current.startedAt ?? now) }
      : { ...current, status, startedAt: null };
  await storage.saveInstigatorState(state);
  return { changed, state };
}
