import type { GraphResponse } from '../../api-types.js';
import { getJson } from '../api.js';
import { h, replaceChildren, s } from '../dom.js';
import { drawGraph } from '../graph/graph-drawing.js';
import { createMaterializePanel } from '../graph/materialize-panel.js';
import { createNodeInspector } from '../graph/node-inspector.js';
import { enablePanZoom, type PanZoom } from '../graph/pan-zoom.js';
import { reloadOnLiveEvents } from '../live-events.js';
import { assetPath, navigate, type Page } from '../router.js';
import { errorBox } from '../widgets/error-box.js';

/** Above this many assets the graph opens with every group collapsed, so the first view is readable and quick to draw. */
const COLLAPSE_GROUPS_ABOVE = 300;
/** Live events come in bursts (a step's end, its materialization, the next step's start): re-read the graph at most once per this. */
const ZOOM_STEP = 1.25;
/** The performance mark set when the graph is first in the DOM. */
const FIRST_DRAW_MARK = 'strata:graph-drawn';

/**
 * The asset graph: the server's layout as SVG, statuses updating live, a
 * selection box in the CLI's language that highlights what it selects, and
 * Materialize for that selection (plan first, then confirm).
 */
export const graphPage: Page = (container) => {
  const params = new URLSearchParams(location.search);
  let selection = params.get('select') ?? '';
  let graph: GraphResponse | undefined;
  let collapsed: Set<string> | undefined;
  let panZoom: PanZoom | undefined;
  let latestRequest = 0;

  const input = h('input', { name: 'selection', type: 'search', placeholder: 'Selection, e.g. +daily_revenue', 'aria-label': 'Selection (the CLI’s selection language)', value: selection, autocomplete: 'off', spellcheck: 'false' });
  const selectionError = h('div', { class: 'selection-error' });
  const codeEdited = h('div', { class: 'code-edited', role: 'status' });
  const materializeButton = h('button', { type: 'button', class: 'primary', 'data-action': 'materialize' }, 'Materialize…');
  const form = h(
    'form',
    { class: 'graph-toolbar', role: 'search' },
    input,
    h('button', { type: 'submit' }, 'Select'),
    h('button', { type: 'button', onclick: () => applySelection('') }, 'Clear'),
    materializeButton,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void applySelection(input.value.trim());
  });

  const content = s('g', {});
  const svg = s(
    'svg',
    { class: 'asset-graph', role: 'group', 'aria-label': 'Asset graph' },
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0 0 L10 5 L0 10 z', fill: '#8a94a6' }))),
    content,
  );
  const zoomButtons = h(
    'div',
    { class: 'graph-zoom' },
    h('button', { type: 'button', 'aria-label': 'Zoom in', onclick: () => panZoom?.zoomBy(1 / ZOOM_STEP) }, '+'),
    h('button', { type: 'button', 'aria-label': 'Zoom out', onclick: () => panZoom?.zoomBy(ZOOM_STEP) }, '−'),
    h('button', { type: 'button', onclick: () => panZoom?.fit() }, 'Fit'),
  );
  const canvas = h('div', { class: 'graph-canvas' }, h('p', { class: 'muted' }, 'Loading the graph…'));
  const inspector = createNodeInspector();
  const materializePanel = createMaterializePanel();
  materializeButton.addEventListener('click', async () => {
    // What the box says is what gets planned, even if Select was not pressed.
    if (input.value.trim() !== selection) await applySelection(input.value.trim());
    await materializePanel.showPlan({ select: selection === '' ? '*' : selection });
  });

  replaceChildren(container, form, selectionError, codeEdited, h('div', { class: 'graph-layout' }, canvas, h('aside', { class: 'graph-side' }, materializePanel.element, inspector.element)));

  async function load(): Promise<void> {
    const request = ++latestRequest;
    const query = selection === '' ? '' : `?${new URLSearchParams({ select: selection })}`;
    try {
      const next = await getJson<GraphResponse>(`/api/graph${query}`);
      // A slower, older answer must not overwrite a newer one.
      if (request !== latestRequest) return;
      // A part of the selection that selects nothing is likely a typo: say so, as the CLI does, above what the rest highlights.
      replaceChildren(selectionError, ...next.warnings.map((warning) => h('p', { class: 'notice', 'data-selection-warning': '' }, `warning: ${warning}`)));
      replaceChildren(codeEdited, codeEditedNotice(next.codeEditedSinceLoad));
      graph = next;
      collapsed ??= new Set(next.nodes.length > COLLAPSE_GROUPS_ABOVE ? next.groups.map((group) => group.name) : []);
      draw();
    } catch (error) {
      if (request !== latestRequest) return;
      replaceChildren(selectionError, errorBox(error));
      if (graph === undefined) replaceChildren(canvas, errorBox(error));
    }
  }

  function draw(): void {
    if (!graph || !collapsed) return;
    const selected = graph.selected === null ? null : new Set(graph.selected);
    const drawing = drawGraph(graph, { collapsed, selected }, {
        onInspect: (node) => inspector.show(node),
        onOpen: (node) => navigate(assetPath(node.key)),
        onToggleGroup: (name) => {
          if (!collapsed!.delete(name)) collapsed!.add(name);
          draw();
          // Keep the keyboard on the toggle just pressed: the drawing was replaced.
          svg.querySelector<SVGGElement>(`[data-group="${CSS.escape(name)}"] .group-toggle`)?.focus();
        },
      });
    content.replaceChildren(drawing.element);
    if (!svg.isConnected) {
      replaceChildren(canvas, svg, zoomButtons);
      panZoom = enablePanZoom(svg, drawing.bounds);
      // Time to first render, from navigation start: the bench reads this mark.
      performance.mark(FIRST_DRAW_MARK);
    } else {
      panZoom?.setContentBounds(drawing.bounds);
    }
  }

  async function applySelection(expression: string): Promise<void> {
    selection = expression;
    input.value = expression;
    const url = expression === '' ? '/' : `/?${new URLSearchParams({ select: expression })}`;
    history.replaceState(null, '', url);
    await load();
  }

  const stopReloading = reloadOnLiveEvents((event) => event.type !== 'tick', () => void load());
  void load();

  return () => {
    stopReloading();
    latestRequest = Number.POSITIVE_INFINITY;
  };
};

/** Why a plan here can disagree with the CLI after an edit: the server runs the code it loaded. */
function codeEditedNotice(files: readonly string[]): HTMLElement | null {
  if (files.length === 0) return null;
  return h(
    'p',
    { class: 'notice' },
    `Code changed on disk since assets ui started: ${files.join(', ')}. Plans and runs here use the code it loaded; restart assets ui to run the new code.`,
  );
}
