import type { AssetResponse, HistoryEntry, PartitionsResponse, PreviewResponse } from '../../api-types.js';
import { ApiError, getJson } from '../api.js';
import { h, replaceChildren, type Child } from '../dom.js';
import { formatCount, formatDuration, formatTime, formatValue } from '../format.js';
import { reloadOnLiveEvents } from '../live-events.js';
import { assetPath, runPath, type Page } from '../router.js';
import { checksTable } from '../widgets/checks-table.js';
import { dataTable } from '../widgets/data-table.js';
import { errorBox } from '../widgets/error-box.js';
import { historyChart } from '../widgets/history-chart.js';
import { partitionsTable } from '../widgets/partitions-table.js';
import { statusBadge } from '../widgets/status-badge.js';

/**
 * One asset: what `assets list`, `why`, `checks` and `history` say of it,
 * for a partitioned asset what `assets partitions` lists, and the first
 * rows of its stored output (of a partitioned asset, of the partition
 * clicked, else of the one materialized last). Re-read when a run touches it.
 */
export const assetPage: Page = (container, params) => {
  const key = params.key ?? '';
  const encoded = encodeURIComponent(key);
  /** Its upstream assets, as last read: their checks can block it. */
  let upstream: readonly string[] = [];
  /** The checks whose failing rows are open, kept open across re-reads. */
  const openChecks = new Set<string>();
  /** The partition clicked, kept across re-reads; undefined: the server's choice (the one materialized last). */
  let chosenPartition: string | undefined;
  /** The partition the preview shows, marked in the partitions table. */
  let shownPartition: string | null = null;
  const details = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  // Kept across re-reads of the details, which place it under the why lines.
  const partitions = h('section', { class: 'partitions' });
  const preview = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  replaceChildren(container, h('div', { class: 'page-narrow' }, details, h('h2', {}, 'Preview (first rows)'), preview));

  async function load(): Promise<void> {
    let partitioned = false;
    try {
      const asset = await getJson<AssetResponse>(`/api/assets/${encoded}`);
      upstream = asset.deps.upstream;
      partitioned = asset.partitions !== null;
      renderDetails(details, asset, openChecks, partitions);
    } catch (error) {
      replaceChildren(details, h('h1', {}, key), errorBox(error));
    }
    if (partitioned) await loadPartitions();
    await loadPreview();
  }

  async function loadPartitions(): Promise<void> {
    try {
      const list = await getJson<PartitionsResponse>(`/api/assets/${encoded}/partitions`);
      replaceChildren(partitions, h('h2', {}, 'Partitions'), h('p', { class: 'partition-counts' }, `${list.counts.summary}.`), partitionsTable(list.partitions, choosePartition));
      markShown();
    } catch (error) {
      replaceChildren(partitions, h('h2', {}, 'Partitions'), errorBox(error));
    }
  }

  async function loadPreview(): Promise<void> {
    const query = chosenPartition === undefined ? '' : `?${new URLSearchParams({ partition: chosenPartition })}`;
    try {
      const rows = await getJson<PreviewResponse>(`/api/assets/${encoded}/preview${query}`);
      shownPartition = rows.partition;
      renderPreview(preview, rows, chosenPartition === undefined);
    } catch (error) {
      shownPartition = chosenPartition ?? null;
      // Never materialized, or its output is gone: the server's hint says so; that is no failure of the page.
      replaceChildren(preview, error instanceof ApiError && error.status === 404 ? h('p', { class: 'muted' }, error.message) : errorBox(error));
    }
    markShown();
  }

  function choosePartition(partition: string): void {
    chosenPartition = partition;
    void loadPreview();
  }

  function markShown(): void {
    for (const row of partitions.querySelectorAll<HTMLElement>('tr[data-partition]')) {
      if (row.dataset.partition === shownPartition) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
    }
  }

  const stopReloading = reloadOnLiveEvents(
    // A run's end can change this asset's status even when it did not run it
    // (an upstream changed); a check of an upstream can block it mid-run.
    (event) =>
      event.type === 'run-ended' ||
      ((event.type === 'materialization' || event.type === 'step-started' || event.type === 'step-ended') && event.assetKey === key) ||
      (event.type === 'check-evaluated' && (event.assetKey === key || upstream.includes(event.assetKey))),
    () => void load(),
  );
  void load();
  return stopReloading;
};

function renderDetails(container: HTMLElement, asset: AssetResponse, openChecks: Set<string>, partitions: HTMLElement): void {
  const partitioned = asset.partitions !== null;
  /** What a partitioned asset has per partition rather than as a whole. */
  const perPartition = () => h('span', { class: 'muted' }, 'per partition');
  replaceChildren(
    container,
    h('h1', {}, asset.key, ' ', statusBadge(asset.status)),
    asset.description === null ? h('p', { class: 'muted' }, 'No description.') : h('p', { class: 'description' }, asset.description),
    h(
      'dl',
      { class: 'facts' },
      ...fact('Group', h('a', { href: `/?${new URLSearchParams({ select: `group:${asset.group}` })}` }, asset.group)),
      ...fact('Tags', asset.tags.length === 0 ? '—' : asset.tags.join(', ')),
      ...fact('IO manager', `${asset.ioManager.key} (${asset.ioManager.kind})`),
      ...fact('Upstream', links(asset.deps.upstream)),
      ...fact('Downstream', links(asset.deps.downstream)),
      ...fact('Code version', h('code', {}, asset.codeVersion)),
      ...fact('Data version', partitioned ? perPartition() : asset.dataVersion === null ? '—' : h('code', {}, asset.dataVersion)),
      ...fact('Last materialized', partitioned && asset.lastMaterializedAt !== null ? `${formatTime(asset.lastMaterializedAt)} (its latest partition)` : formatTime(asset.lastMaterializedAt)),
      ...fact('Rows', partitioned ? perPartition() : formatCount(asset.rows)),
    ),
    h('h2', {}, 'Why'),
    h('ul', { class: 'why-list' }, ...asset.why.map((sentence) => h('li', {}, sentence))),
    partitioned ? partitions : null,
    h('h2', {}, 'Checks'),
    asset.blockedBy.length === 0 ? null : h('p', { class: 'notice blocked-by' }, 'Runs skip this asset until these upstream checks pass: ', links(asset.blockedBy, assetOfCheck), '.'),
    checksTable(asset.checks, openChecks),
    h('h2', {}, 'Schema'),
    dataTable(
      [
        { title: 'Column', cell: (column) => h('code', {}, column.name) },
        { title: 'Type', cell: (column) => column.type },
        { title: 'Nullable', cell: (column) => (column.nullable ? 'yes' : 'no') },
      ],
      asset.columns,
      'The asset declares no schema.',
    ),
    h('h2', {}, 'History'),
    historyChart(asset.history),
    dataTable(
      [
        { title: 'Materialized', cell: (entry) => formatTime(entry.materializedAt) },
        { title: 'Run', cell: (entry) => h('a', { href: runPath(entry.runId) }, entry.runId.slice(0, 8)) },
        ...(partitioned ? [{ title: 'Partition', cell: (entry: HistoryEntry) => entry.partition ?? '—' }] : []),
        { title: 'Rows', cell: (entry) => formatCount(entry.rows), numeric: true },
        { title: 'Duration', cell: (entry) => formatDuration(entry.durationMs), numeric: true },
        { title: 'Reasons', cell: (entry) => entry.reasons.join(', ') || '—' },
      ],
      asset.history,
      'Never materialized.',
    ),
  );
}

/** `latest`: the server chose the partition (the one materialized last), none was clicked. */
function renderPreview(container: HTMLElement, preview: PreviewResponse, latest: boolean): void {
  const rows = preview.truncated ? `The first ${preview.rows.length} rows` : preview.rows.length === 1 ? 'The only row' : `All ${preview.rows.length} rows`;
  replaceChildren(
    container,
    h(
      'p',
      { class: 'muted preview-caption' },
      preview.partition === null ? `${rows}.` : `${rows} of partition ${preview.partition}${latest ? ', the one materialized last (click another above to see it)' : ''}.`,
    ),
    h(
      'div',
      { class: 'table-scroll' },
      dataTable(
        preview.columns.map((column) => ({ title: column, cell: (row: Readonly<Record<string, unknown>>) => formatValue(row[column]) })),
        preview.rows,
        'The stored output has no rows.',
      ),
    ),
  );
}

function fact(term: string, value: Child): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}

/** Keys as links to their asset pages: `assetOf` gives the asset of a key that is not one (a check key). */
function links(keys: readonly string[], assetOf: (key: string) => string = (key) => key): Child {
  if (keys.length === 0) return '—';
  const list = h('span', {});
  keys.forEach((key, index) => {
    if (index > 0) list.append(', ');
    list.append(h('a', { href: assetPath(assetOf(key)) }, key));
  });
  return list;
}

/** The asset of a check key (`orders.unique_id`): check names hold no dot, so it is what comes before the last. */
function assetOfCheck(check: string): string {
  return check.slice(0, check.lastIndexOf('.'));
}
