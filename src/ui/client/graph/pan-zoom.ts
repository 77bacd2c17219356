import type { Box } from './graph-drawing.js';

/**
 * Pan (drag) and zoom (wheel, or the + / − / fit buttons) of an SVG by its
 * viewBox, so text and strokes stay sharp at every scale and the layout's
 * coordinates stay the node coordinates.
 */

interface ViewBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PanZoom {
  zoomBy(factor: number): void;
  /** Shows the whole drawing. */
  fit(): void;
  /** Sets what `fit` shows (groups were collapsed or expanded, the graph changed). */
  setContentBounds(bounds: Box): void;
  readonly viewBox: Readonly<ViewBox>;
}

const MARGIN = 20;
const WHEEL_STEP = 1.0015;

export function enablePanZoom(svg: SVGSVGElement, bounds: Box): PanZoom {
  let content = bounds;
  const view: ViewBox = { x: 0, y: 0, width: 1, height: 1 };
  const apply = () => svg.setAttribute('viewBox', `${view.x} ${view.y} ${view.width} ${view.height}`);

  /** Zooms by `factor` (> 1 zooms out) keeping the drawing point under (`cx`, `cy`) in place. */
  const zoomAround = (factor: number, cx: number, cy: number) => {
    view.x = cx - (cx - view.x) * factor;
    view.y = cy - (cy - view.y) * factor;
    view.width *= factor;
    view.height *= factor;
    apply();
  };

  const fit = () => {
    const box = svg.getBoundingClientRect();
    // Before layout (hidden, zero-size) keep the drawing's own aspect ratio.
    const aspect = box.width > 0 && box.height > 0 ? box.width / box.height : content.width / Math.max(1, content.height);
    const width = content.width + 2 * MARGIN;
    const height = content.height + 2 * MARGIN;
    view.width = Math.max(width, height * aspect);
    view.height = view.width / aspect;
    view.x = content.x - MARGIN - (view.width - width) / 2;
    view.y = content.y - MARGIN - (view.height - height) / 2;
    apply();
  };

  /** A point on screen, in drawing coordinates. */
  const toDrawing = (clientX: number, clientY: number) => {
    const box = svg.getBoundingClientRect();
    return { x: view.x + ((clientX - box.left) / box.width) * view.width, y: view.y + ((clientY - box.top) / box.height) * view.height };
  };

  svg.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const at = toDrawing(event.clientX, event.clientY);
      zoomAround(WHEEL_STEP ** event.deltaY, at.x, at.y);
    },
    { passive: false },
  );

  let drag: { pointerId: number; clientX: number; clientY: number; moved: boolean } | undefined;
  svg.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    drag = { pointerId: event.pointerId, clientX: event.clientX, clientY: event.clientY, moved: false };
  });
  svg.addEventListener('pointermove', (event) => {
    if (drag?.pointerId !== event.pointerId) return;
    const dx = event.clientX - drag.clientX;
    const dy = event.clientY - drag.clientY;
    // A few pixels of jitter is still a click on a node, not a drag.
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) {
      drag.moved = true;
      svg.setPointerCapture(event.pointerId);
      svg.classList.add('dragging');
    }
    const box = svg.getBoundingClientRect();
    view.x -= (dx / box.width) * view.width;
    view.y -= (dy / box.height) * view.height;
    drag.clientX = event.clientX;
    drag.clientY = event.clientY;
    apply();
  });
  const endDrag = (event: PointerEvent) => {
    if (drag?.pointerId !== event.pointerId) return;
    if (drag.moved) {
      svg.classList.remove('dragging');
      // The click that ends a drag must not open the node under the pointer.
      // It follows pointerup in the same task, if at all: drop the guard after.
      const swallow = (click: MouseEvent) => click.stopPropagation();
      svg.addEventListener('click', swallow, { capture: true, once: true });
      setTimeout(() => svg.removeEventListener('click', swallow, { capture: true }), 0);
    }
    drag = undefined;
  };
  svg.addEventListener('pointerup', endDrag);
  svg.addEventListener('pointercancel', endDrag);

  fit();
  return {
    zoomBy: (factor) => zoomAround(factor, view.x + view.width / 2, view.y + view.height / 2),
    fit,
    setContentBounds: (next) => {
      content = next;
    },
    get viewBox() {
      return { ...view };
    },
  };
}
