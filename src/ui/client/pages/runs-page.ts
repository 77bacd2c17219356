import type { RunJson, RunStatusWord, RunsResponse } from '../../api-types.js';
import { getJson } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatDuration, formatTime } from '../format.js';
import { reloadOnLiveEvents } from '../live-events.js';
import { runPath, type Page } from '../router.js';
import { dataTable } from '../widgets/data-table.js';
import { errorBox } from '../widgets/error-box.js';
import { statusBadge } from '../widgets/status-badge.js';

const STATUSES: readonly RunStatusWord[] = ['queued', 'started', 'success', 'failed', 'canceled', 'nothing-to-do'];
const PAGE_SIZE = 50;

/** The runs, newest first, as `assets runs` lists them, filtered by status; new runs and ends appear live. */
export const runsPage: Page = (container) => {
  const filter = h('select', { name: 'status', 'aria-label': 'Run status' }, h('option', { value: '' }, 'all statuses'), ...STATUSES.map((status) => h('option', { value: status }, status)));
  filter.value = new URLSearchParams(location.search).get('status') ?? '';
  const list = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  filter.addEventListener('change', () => {
    history.replaceState(null, '', filter.value === '' ? '/runs' : `/runs?${new URLSearchParams({ status: filter.value })}`);
    void load();
  });
  replaceChildren(container, h('div', { class: 'page-narrow' }, h('h1', {}, 'Runs'), h('div', { class: 'filters' }, h('label', {}, 'Status ', filter)), list));

  async function load(): Promise<void> {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (filter.value !== '') query.set('status', filter.value);
    try {
      const { runs, hasMore } = await getJson<RunsResponse>(`/api/runs?${query}`);
      replaceChildren(list, runsTable(runs), hasMore ? h('p', { class: 'muted' }, `The newest ${runs.length} shown; \`assets runs --limit N\` lists more.`) : null);
    } catch (error) {
      replaceChildren(list, errorBox(error));
    }
  }

  const stopReloading = reloadOnLiveEvents((event) => event.type === 'run-started' || event.type === 'run-ended', () => void load());
  void load();
  return stopReloading;
};

function runsTable(runs: readonly RunJson[]): HTMLElement {
  return dataTable(
    [
      { title: 'Run', cell: (run) => h('a', { href: runPath(run.runId), class: 'mono' }, run.runId.slice(0, 8)) },
      { title: 'Status', cell: (run) => statusBadge(run.status) },
      { title: 'Trigger', cell: (run) => run.trigger },
      { title: 'Selection', cell: (run) => h('code', {}, run.selection) },
      { title: 'Started', cell: (run) => formatTime(run.startedAt) },
      { title: 'Duration', cell: (run) => formatDuration(run.durationMs), numeric: true },
      { title: 'Materialized', cell: (run) => run.assets.materialized, numeric: true },
      { title: 'Up to date', cell: (run) => run.assets['up-to-date'], numeric: true },
      { title: 'Failed', cell: (run) => run.assets.failed, numeric: true },
      { title: 'Skipped', cell: (run) => run.assets.skipped, numeric: true },
    ],
    runs,
    'No runs match.',
  );
}
