import { formatCount } from '../core/format-count.js';

/*
 * What a run or plan with nothing to do says when checks of selected assets
 * have not passed on what those store (see `Instance.checksNotPassed`),
 * worded alike by the CLI and the UI. Plain values in, so the UI's bundle
 * takes nothing else of the instance.
 */

/** A check that has not passed: `errored` when it could not run. */
export interface CheckNotPassed {
  /** `orders.unique_id` */
  readonly key: string;
  readonly assetKey: string;
  readonly status: 'failed' | 'errored';
}

/** `2 checks have not passed on what is stored, and a run does not check it again while that is unchanged:` */
export function describeChecksNotPassed(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'check has' : 'checks have'} not passed on what is stored, and a run does not check it again while that is unchanged:`;
}

/** `orders.unique_id: failed on orders's stored output` */
export function describeCheckNotPassed(check: CheckNotPassed): string {
  return `${check.key}: ${check.status === 'errored' ? 'could not run' : 'failed'} on ${check.assetKey}'s stored output`;
}

/** How to have them checked again. */
export const CHECK_AGAIN_HINT = 'Fix the data (a changed source or upstream runs again) or the check (a new version of it checks again).';
