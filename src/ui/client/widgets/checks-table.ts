import type { CheckJson } from '../../api-types.js';
import { h, type Child } from '../dom.js';
import { formatCount, formatTime, formatValue } from '../format.js';
import { runPath } from '../router.js';
import { dataTable } from './data-table.js';
import { statusBadge } from './status-badge.js';

/**
 * An asset's checks as `assets checks` lists them: one row each (check,
 * status, failing, severity, when, run), and under a check that warned,
 * failed or could not run, a row that opens to show its failing rows or its
 * error. `open` holds the checks whose row is open, kept by the caller so
 * they stay open when the page re-reads.
 */
export function checksTable(checks: readonly CheckJson[], open: Set<string>): HTMLElement {
  if (checks.length === 0) return h('p', { class: 'muted' }, 'The asset declares no checks.');
  const columns = ['Check', 'Status', 'Failing', 'Severity', 'Checked', 'Run'];
  return h(
    'table',
    { class: 'checks' },
    h('thead', {}, h('tr', {}, ...columns.map((title) => h('th', { scope: 'col', class: title === 'Failing' ? 'number' : undefined }, title)))),
    h(
      'tbody',
      {},
      ...checks.flatMap((check) => {
        const detail = detailRow(check, columns.length, open);
        return detail === null ? [checkRow(check, false)] : [checkRow(check, true), detail];
      }),
    ),
  );
}

function checkRow(check: CheckJson, hasDetail: boolean): HTMLElement {
  return h(
    'tr',
    { class: hasDetail ? 'has-detail' : undefined, 'data-check': check.check, 'data-status': check.status },
    h('td', {}, h('code', {}, check.name), check.description === null ? null : h('div', { class: 'muted check-description' }, check.description)),
    h('td', {}, statusBadge(check.status), check.current || check.status === 'never-run' ? null : h('span', { class: 'muted', title: 'The check or a table it judged changed since: the next run checks again.' }, ' (stale)')),
    h('td', { class: 'number' }, formatCount(check.failing)),
    h('td', {}, check.blocking ? 'error, blocking' : check.severity),
    h('td', {}, formatTime(check.checkedAt)),
    h('td', {}, check.runId === null ? '—' : h('a', { href: runPath(check.runId) }, check.runId.slice(0, 8))),
  );
}

/** The row that opens to show why a check did not pass; null for one that passed or never ran. */
function detailRow(check: CheckJson, span: number, open: Set<string>): HTMLElement | null {
  const body = problemOf(check);
  if (body === null) return null;
  const details = h('details', { open: open.has(check.check) }, h('summary', {}, body.summary), body.content);
  details.addEventListener('toggle', () => (details.open ? open.add(check.check) : open.delete(check.check)));
  return h('tr', { class: 'check-detail', 'data-check-detail': check.check }, h('td', { colspan: span }, details));
}

function problemOf(check: CheckJson): { summary: string; content: Child } | null {
  if (check.status === 'errored') {
    const lines = [`could not run: ${formatValue(check.metadata.error)}`];
    if (check.metadata.hint !== undefined) lines.push(`hint: ${formatValue(check.metadata.hint)}`);
    return { summary: 'Why it could not run', content: h('pre', { class: 'error' }, lines.join('\n')) };
  }
  if (check.status !== 'warned' && check.status !== 'failed') return null;
  if (check.sample.length === 0) return { summary: 'No failing rows were kept', content: h('p', { class: 'muted' }, 'The check counted what fails it without keeping rows (a row count, or a custom check that returned no sample).') };
  const columns = [...new Set(check.sample.flatMap((row) => Object.keys(row)))];
  const kept = check.sample.length;
  const summary =
    check.failing !== null && check.failing > kept ? `The first ${kept} of ${formatCount(check.failing)} failing rows` : kept === 1 ? 'The failing row' : `The ${kept} failing rows`;
  return {
    summary,
    content: h(
      'div',
      { class: 'table-scroll' },
      dataTable(
        columns.map((column) => ({ title: column, cell: (row: Readonly<Record<string, unknown>>) => formatValue(row[column]) })),
        check.sample,
      ),
    ),
  };
}
