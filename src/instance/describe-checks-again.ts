import { formatCount } from '../core/format-count.js';

/**
 * What a dry run says of the checks a run would evaluate again on what is
 * stored, without materializing their assets (`DryRunOfRest.checksAgain`),
 * worded alike by `assets materialize --dry-run` and the UI's plan. Plain
 * keys in, so the UI's bundle takes nothing else of the instance.
 *
 * @example
 * describeChecksAgain(['orders.unique_id']);
 * // '1 check would run again on what is stored, without materializing its asset: orders.unique_id.'
 */
export function describeChecksAgain(checks: readonly string[]): string {
  const one = checks.length === 1;
  return `${formatCount(checks.length)} ${one ? 'check' : 'checks'} would run again on what is stored, without materializing ${one ? 'its asset' : 'their assets'}: ${checks.join(', ')}.`;
}
