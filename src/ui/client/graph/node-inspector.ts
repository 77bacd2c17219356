import type { GraphNode } from '../../api-types.js';
import { h, replaceChildren } from '../dom.js';
import { formatCount, formatTime } from '../format.js';
import { assetPath } from '../router.js';
import { statusBadge } from '../widgets/status-badge.js';

/**
 * The side panel that explains the node under the pointer or the keyboard
 * focus: its status and the sentences `assets why` prints for it. It keeps
 * the last node shown when the pointer leaves, so the text can be read.
 */
export function createNodeInspector(): { readonly element: HTMLElement; show(node: GraphNode | null): void } {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Hover over or focus an asset to see why it has its status.'));
  const element = h('section', { class: 'node-inspector', 'aria-live': 'polite' }, h('h2', {}, 'Why'), body);
  return {
    element,
    show(node) {
      if (node === null) return;
      replaceChildren(
        body,
        h('p', {}, h('a', { href: assetPath(node.key) }, node.key), ' ', statusBadge(node.status)),
        h('ul', { class: 'why-list' }, ...node.why.map((sentence) => h('li', {}, sentence))),
        h('p', { class: 'muted' }, node.lastMaterializedAt === null ? 'Never materialized.' : `Last materialized ${formatTime(node.lastMaterializedAt)}${node.partitions === null ? ` · ${formatCount(node.rows)} rows` : ' (its latest partition)'}`),
      );
    },
  };
}
