import type { MaterializeResponse, PlanResponse, SelectionRequest } from '../../api-types.js';
import { describeChecksAgain } from '../../../instance/describe-checks-again.js';
import { CHECK_AGAIN_HINT, describeCheckNotPassed, describeChecksNotPassed } from '../../../instance/describe-checks-not-passed.js';
import { describeHeldBack, describeSelectUpstreams, describeStaleCount } from '../../../instance/describe-stale-for-unselected.js';
import { listSome } from '../../../core/partition-keys.js';
import { postJson } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { assetPath, runPath } from '../router.js';
import { errorBox } from '../widgets/error-box.js';

/**
 * Materialize in two steps, as `--dry-run` then a run: the plan with each
 * asset's reasons first, then a confirm button that launches exactly that
 * selection. Nothing runs until the user has seen what would.
 */
export function createMaterializePanel(): { readonly element: HTMLElement; showPlan(selection: SelectionRequest): Promise<void> } {
  const body = h('div', {});
  const element = h('section', { class: 'materialize-panel', hidden: true, 'aria-live': 'polite' }, h('h2', {}, 'Materialize'), body);

  async function showPlan(selection: SelectionRequest): Promise<void> {
    element.hidden = false;
    replaceChildren(body, h('p', { class: 'muted' }, 'Planning…'));
    let plan: PlanResponse;
    try {
      plan = await postJson<PlanResponse>('/api/plan', selection);
    } catch (error) {
      replaceChildren(body, errorBox(error));
      return;
    }
    const cancel = h('button', { type: 'button', onclick: () => (element.hidden = true) }, 'Close');
    if (plan.plan.length === 0 && plan.partitions.length === 0 && plan.checks.length === 0) {
      const lead = 'Nothing to materialize, but ';
      const outcome =
        plan.staleForUnselected.length === 0 && plan.checksNotPassed.length === 0
          ? [h('p', { 'data-plan': 'empty' }, `All ${plan.selected.length} selected assets are up to date: nothing to materialize.`)]
          : [...staleForUnselected(plan, lead), ...checksNotPassed(plan, plan.staleForUnselected.length === 0 ? lead : '')];
      replaceChildren(body, ...warnings(plan), ...outcome, cancel);
      return;
    }
    // As `--dry-run` counts: an asset the run would skip for a failing check upstream is not materialized,
    // nor a partition whose run would skip every asset it plans.
    const toRun = plan.plan.filter((step) => !step.skipped).length;
    const partitionsToRun = plan.partitions.length - plan.partitionsOnlySkipping.length;
    const work = [...(partitionsToRun === 0 ? [] : [counted(partitionsToRun, 'partition')]), ...(toRun === 0 ? [] : [counted(toRun, 'asset')])];
    // A run of checks alone materializes nothing, nor runs whose every planned asset (of the rest, of every partition)
    // would be skipped: the button says so rather than promise work. Relabelled, not disabled, as Dagster lets one launch
    // a run a failing blocking check will skip steps of: the check may pass before the run starts, which then builds
    // them, and otherwise the run records what it skipped and why; the notices above the button give that why.
    const label = work.length > 0 ? `Materialize ${work.join(' and ')}` : plan.checks.length > 0 ? `Run ${counted(plan.checks.length, 'check')} again` : 'Run anyway';
    const confirm = h('button', { type: 'button', class: 'primary', 'data-action': 'confirm-materialize' }, label);
    confirm.addEventListener('click', () => void launch(selection, confirm));
    replaceChildren(
      body,
      ...warnings(plan),
      ...partitionRuns(plan),
      ...(plan.plan.length === 0
        ? []
        : [
            h('p', {}, `${plan.partitions.length === 0 ? 'A run' : 'Then a run'} would materialize ${toRun} of the ${plan.selected.length} selected assets${toRun === plan.plan.length ? '' : ` and skip ${plan.plan.length - toRun}`}, in this order:`),
            h(
              'ol',
              { class: 'plan-list' },
              ...plan.plan.map((step) =>
                h('li', { 'data-key': step.key, ...(step.skipped ? { 'data-skipped': 'true' } : {}) }, h('strong', {}, step.key), h('ul', {}, ...step.reasons.map((reason) => h('li', {}, reason.sentence)), ...skippedReason(step))),
              ),
            ),
          ]),
      ...(plan.checks.length === 0 ? [] : [h('p', { 'data-plan': 'checks-again' }, describeChecksAgain(plan.checks.map((check) => check.check)))]),
      ...staleForUnselected(plan, ''),
      h('p', {}, confirm, ' ', cancel),
    );
  }

  async function launch(selection: SelectionRequest, confirm: HTMLButtonElement): Promise<void> {
    confirm.disabled = true;
    try {
      const { runId } = await postJson<MaterializeResponse>('/api/materialize', selection);
      replaceChildren(
        body,
        runId === null
          ? h('p', {}, 'Everything became up to date meanwhile: no run was needed.')
          : h('p', { 'data-run-id': runId }, 'Run ', h('a', { href: runPath(runId) }, runId), ' started. The graph updates as its steps finish.'),
      );
    } catch (error) {
      confirm.disabled = false;
      body.appendChild(errorBox(error));
    }
  }

  return { element, showPlan };
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Why the run would skip a planned asset, as the dry run's "blocked by": nothing for one it materializes. */
function skippedReason(step: PlanResponse['plan'][number]): HTMLElement[] {
  if (!step.skipped) return [];
  return [h('li', { class: 'notice' }, `Would be skipped: ${whySkipped(step.blockedBy)}.`)];
}

/** Why a run would skip an asset: the failing blocking checks upstream, or (none) an upstream it reads that would be skipped. */
function whySkipped(blockedBy: readonly string[]): string {
  return blockedBy.length === 0 ? 'an upstream it reads would be skipped' : `blocking ${blockedBy.length === 1 ? 'check' : 'checks'} ${blockedBy.join(', ')} failed on what an upstream stores`;
}

/** The first few of `keys`, in order. */

/** The partitions a run materializes first, one run each, as `assets materialize` does (the first few by key), and what their runs would skip. */
function partitionRuns(plan: PlanResponse): HTMLElement[] {
  const { partitions } = plan;
  if (partitions.length === 0) return [];
  return [
    h('p', { 'data-plan': 'partitions' }, `The stale or missing partitions run first, one run each: ${counted(partitions.length, 'partition')} (${listSome(partitions)}).`),
    ...plan.skippedInPartitions.map((skipped) =>
      h('p', { class: 'notice', 'data-skipped-in-partitions': skipped.key }, `Their runs would skip ${skipped.key} in ${counted(skipped.partitions.length, 'partition')} (${listSome(skipped.partitions)}): ${whySkipped(skipped.blockedBy)}.`),
    ),
  ];
}

function warnings(plan: PlanResponse): HTMLElement[] {
  return plan.warnings.map((warning) => h('p', { class: 'notice' }, `warning: ${warning}`));
}

/**
 * Selected assets a run leaves stale (the only news of an empty plan, while
 * the graph shows them stale): a run never runs an upstream the selection
 * leaves out, so say which ones hold them back, and how to select them too.
 */
function staleForUnselected(plan: PlanResponse, lead: string): HTMLElement[] {
  const stale = plan.staleForUnselected;
  if (stale.length === 0) return [];
  return [
    h('p', { 'data-plan': 'stale-for-unselected' }, `${lead}${describeStaleCount(stale.length)}`),
    h('ul', {}, ...stale.map(({ key, upstreams, upstreamPartitions }) => h('li', { 'data-key': key }, h('strong', {}, key), `: ${describeHeldBack(upstreams, upstreamPartitions)}`))),
    h('p', {}, describeSelectUpstreams(stale.length, `+${stale[0]!.key}`)),
  ];
}

/**
 * Checks that have not passed on what selected assets store (the news of an
 * empty plan when the graph shows them failing a check): a run does not check
 * unchanged data again, so say which, with a link to each asset's checks.
 */
function checksNotPassed(plan: PlanResponse, lead: string): HTMLElement[] {
  const checks = plan.checksNotPassed;
  if (checks.length === 0) return [];
  return [
    h('p', { 'data-plan': 'checks-not-passed' }, `${lead}${describeChecksNotPassed(checks.length)}`),
    h('ul', {}, ...checks.map((check) => h('li', { 'data-check': check.key }, describeCheckNotPassed(check), ' (', h('a', { href: assetPath(check.assetKey) }, 'see why'), ')'))),
    h('p', {}, CHECK_AGAIN_HINT),
  ];
}
