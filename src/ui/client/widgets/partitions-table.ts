import type { PartitionJson } from '../../api-types.js';
import { h } from '../dom.js';
import { formatCount, formatTime } from '../format.js';
import { runPath } from '../router.js';
import { statusBadge } from './status-badge.js';

/**
 * A partitioned asset's partitions as `assets partitions` lists them (status,
 * reasons, when, rows, run), in a scrolling box: an asset may have thousands.
 * The partition's key is a button: `onChoose` previews it. A reason shows
 * its kind, with the sentence of `assets why --partition` on hover.
 */
export function partitionsTable(partitions: readonly PartitionJson[], onChoose: (partition: string) => void): HTMLElement {
  if (partitions.length === 0) return h('p', { class: 'muted' }, 'It has no partitions yet (dynamic partitions get theirs from `assets partitions add`).');
  const columns = ['Partition', 'Status', 'Reasons', 'Last materialized', 'Rows', 'Run'];
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'partitions' },
      h('thead', {}, h('tr', {}, ...columns.map((title) => h('th', { scope: 'col', class: title === 'Rows' ? 'number' : undefined }, title)))),
      h(
        'tbody',
        {},
        ...partitions.map((partition) =>
          h(
            'tr',
            { 'data-partition': partition.partition, 'data-status': partition.status },
            h('td', {}, h('button', { type: 'button', class: 'link', title: `Preview partition ${partition.partition}`, onclick: () => onChoose(partition.partition) }, partition.partition)),
            h('td', {}, statusBadge(partition.status)),
            h('td', { title: partition.reasons.map((reason) => reason.sentence).join('\n') || undefined }, partition.reasons.map((reason) => reason.kind).join(', ') || '—'),
            h('td', {}, formatTime(partition.lastMaterializedAt)),
            h('td', { class: 'number' }, formatCount(partition.rows)),
            h('td', {}, partition.runId === null ? '—' : h('a', { href: runPath(partition.runId) }, partition.runId.slice(0, 8))),
          ),
        ),
      ),
    ),
  );
}
