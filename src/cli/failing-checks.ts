import type { CheckSummary } from '../instance/check-summaries.js';
import { plural } from './format.js';

/**
 * What a run with nothing to do says, in place of "Everything is up to
 * date", when checks of selected assets fail on what they store (their
 * `failedChecks`): the data is current, yet a run does not check unchanged
 * data again, so running once more changes nothing. `nothingRan` false when
 * it follows another note that began the sentence.
 */
export function describeFailingChecks(failing: readonly CheckSummary[], options: { readonly nothingRan: boolean }): string {
  const lines = failing.map(({ key, assetKey, latest }) => `  ${key}: ${latest?.status === 'errored' ? 'could not run' : 'failed'} on ${assetKey}'s stored output (assets checks ${assetKey} shows why)\n`);
  const verb = failing.length === 1 ? 'has' : 'have';
  return (
    `${options.nothingRan ? 'Nothing to run, but ' : ''}${plural(failing.length, 'check')} ${verb} not passed on what is stored, and a run does not check it again while that is unchanged:\n` +
    `${lines.join('')}Fix the data (a changed source or upstream runs again) or the check (a new version of it checks again).\n`
  );
}
