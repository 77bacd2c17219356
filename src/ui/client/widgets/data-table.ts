import { h, type Child } from '../dom.js';

export interface Column<Row> {
  readonly title: string;
  readonly cell: (row: Row) => Child;
  /** Right-aligned, tabular figures. */
  readonly numeric?: boolean;
}

/** A table of `rows`, one column per entry of `columns`; `empty` shows instead when there are none. */
export function dataTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[], empty = 'Nothing yet.'): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, empty);
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { class: column.numeric ? 'number' : undefined, scope: 'col' }, column.title)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...columns.map((column) => h('td', { class: column.numeric ? 'number' : undefined }, column.cell(row)))))),
  );
}
