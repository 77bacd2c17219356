import type { CancelResponse, RunDetailResponse, RunEventJson } from '../../api-types.js';
import { getJson, postJson } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatDuration, formatTime } from '../format.js';
import { reloadOnLiveEvents } from '../live-events.js';
import { assetPath, type Page } from '../router.js';
import { dataTable } from '../widgets/data-table.js';
import { errorBox } from '../widgets/error-box.js';
import { statusBadge } from '../widgets/status-badge.js';
import { stepTimeline } from '../widgets/step-timeline.js';

const LIVE_STATUSES = new Set(['queued', 'started']);
/** While a run is live, re-read it at most once per this (each step sends several events). */

/**
 * One run: its steps on a timeline, the errors of failed steps, and its
 * events as `assets logs` prints them, re-read as the run's events arrive
 * while it is live; Cancel asks a live run to stop.
 */
export const runPage: Page = (container, params) => {
  const runId = params.id ?? '';
  const view = h('div', { class: 'page-narrow' }, h('p', { class: 'muted' }, 'Loading…'));
  replaceChildren(container, view);
  let fullId = runId;

  async function load(): Promise<void> {
    try {
      const detail = await getJson<RunDetailResponse>(`/api/runs/${encodeURIComponent(runId)}`);
      fullId = detail.run.runId;
      render(detail);
    } catch (error) {
      replaceChildren(view, h('h1', {}, `Run ${runId}`), errorBox(error));
    }
  }

  function render({ run, events, steps }: RunDetailResponse): void {
    const live = LIVE_STATUSES.has(run.status);
    const cancel = h('button', { type: 'button', class: 'danger', 'data-action': 'cancel' }, 'Cancel run');
    const cancelResult = h('span', { 'aria-live': 'polite' });
    cancel.addEventListener('click', async () => {
      cancel.disabled = true;
      try {
        const { outcome } = await postJson<CancelResponse>(`/api/runs/${encodeURIComponent(run.runId)}/cancel`);
        replaceChildren(cancelResult, outcome === 'requested' ? ' Asked to stop; it ends once its steps notice.' : ' The run had already ended.');
      } catch (error) {
        cancel.disabled = false;
        replaceChildren(cancelResult, errorBox(error));
      }
    });
    const failures = steps.filter((step) => step.error !== null);
    replaceChildren(
      view,
      h('h1', {}, 'Run ', h('span', { class: 'mono' }, run.runId), ' ', statusBadge(run.status)),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Selection'),
        h('dd', {}, h('code', {}, run.selection)),
        h('dt', {}, 'Trigger'),
        h('dd', {}, run.trigger),
        h('dt', {}, 'Started'),
        h('dd', {}, formatTime(run.startedAt)),
        h('dt', {}, 'Duration'),
        h('dd', {}, live ? 'running…' : formatDuration(run.durationMs)),
        h('dt', {}, 'Assets'),
        h('dd', {}, `${run.assets.materialized} materialized, ${run.assets['up-to-date']} up to date, ${run.assets.failed} failed, ${run.assets.skipped} skipped`),
        run.workers.length > 0 && h('dt', {}, 'Workers'),
        run.workers.length > 0 && h('dd', {}, run.workers.join(', ')),
      ),
      live ? h('p', {}, cancel, cancelResult) : null,
      h('h2', {}, 'Steps'),
      steps.length === 0 ? h('p', { class: 'muted' }, 'No step has started yet.') : stepTimeline(steps, Date.now()),
      failures.length > 0 ? h('h2', {}, 'Errors') : null,
      ...failures.map((step) =>
        h(
          'div',
          { class: 'step-error', 'data-key': step.assetKey },
          h('p', {}, h('a', { href: assetPath(step.assetKey) }, step.assetKey), ` failed (attempt ${step.attempt}):`),
          h('pre', { class: 'error' }, step.error!.hint === null ? step.error!.message : `${step.error!.message}\nhint: ${step.error!.hint}`),
        ),
      ),
      h('h2', {}, 'Events'),
      h('div', { class: 'event-log table-scroll' }, eventsTable(events)),
    );
  }

  const stopReloading = reloadOnLiveEvents((event) => {
    const eventRunId = event.type === 'run-started' || event.type === 'run-ended' ? event.run.runId : event.type === 'tick' ? undefined : event.runId;
    return eventRunId === fullId;
  }, () => void load());
  void load();
  return stopReloading;
};

function eventsTable(events: readonly RunEventJson[]): HTMLElement {
  return dataTable(
    [
      { title: 'Time', cell: (event) => formatTime(event.time) },
      { title: 'Event', cell: (event) => event.type },
      { title: 'Asset', cell: (event) => (event.assetKey === null ? '' : event.assetKey) },
      { title: 'Level', cell: (event) => event.level },
      { title: 'Message', cell: (event) => event.message },
    ],
    events,
    'No events yet.',
  );
}
