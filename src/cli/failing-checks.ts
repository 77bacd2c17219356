import { CHECK_AGAIN_HINT, type CheckNotPassed, describeCheckNotPassed, describeChecksNotPassed } from '../instance/describe-checks-not-passed.js';

/**
 * What a run with nothing to do says, in place of "Everything is up to
 * date", when checks of selected assets fail on what they store (see
 * `Instance.checksNotPassed`): the data is current, yet a run does not check
 * unchanged data again, so running once more changes nothing. `nothingRan`
 * false when it follows another note that began the sentence.
 */
export function describeFailingChecks(failing: readonly CheckNotPassed[], options: { readonly nothingRan: boolean }): string {
  const lines = failing.map((check) => `  ${describeCheckNotPassed(check)} (assets checks ${check.assetKey} shows why)\n`);
  return `${options.nothingRan ? 'Nothing to run, but ' : ''}${describeChecksNotPassed(failing.length)}\n${lines.join('')}${CHECK_AGAIN_HINT}\n`;
}
