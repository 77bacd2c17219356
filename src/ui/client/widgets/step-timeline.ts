import type { StepAttempt } from '../../api-types.js';
import { s } from '../dom.js';
import { formatDuration } from '../format.js';

const ROW = 26;
const LABEL_WIDTH = 180;
const WIDTH = 900;
/** A bar never thinner than this, so an instant step (skipped, up to date) still shows. */
const MIN_BAR = 3;

/**
 * One bar per step attempt on a shared time axis, coloured by outcome, with
 * the outcome also in the bar's label and tooltip. `now` ends the bars of
 * attempts still running.
 */
export function stepTimeline(steps: readonly StepAttempt[], now: number): SVGSVGElement {
  const starts = steps.map((step) => Date.parse(step.startedAt));
  const ends = steps.map((step) => (step.endedAt === null ? now : Date.parse(step.endedAt)));
  const first = Math.min(...starts);
  const span = Math.max(1, Math.max(...ends) - first);
  const scale = (WIDTH - LABEL_WIDTH - 110) / span;
  const height = steps.length * ROW + 6;
  return s(
    'svg',
    { class: 'timeline', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-label': 'Step timeline' },
    ...steps.map((step, index) => {
      const x = LABEL_WIDTH + (starts[index]! - first) * scale;
      const width = Math.max(MIN_BAR, (ends[index]! - starts[index]!) * scale);
      const y = index * ROW + 4;
      const label = `${step.outcome} · ${formatDuration(ends[index]! - starts[index]!)}`;
      return s(
        'g',
        { class: 'timeline-step', 'data-key': step.assetKey, 'data-outcome': step.outcome },
        s('title', {}, `${step.assetKey} attempt ${step.attempt}: ${label}`),
        s('text', { x: 4, y: y + 14 }, step.attempt > 1 ? `${step.assetKey} (attempt ${step.attempt})` : step.assetKey),
        s('rect', { class: `bar-${barClass(step.outcome)}`, x, y, width, height: ROW - 8, rx: 2 }),
        s('text', { x: x + width + 6, y: y + 14 }, label),
      );
    }),
  );
}

function barClass(outcome: StepAttempt['outcome']): string {
  // A retried attempt failed; the retry gets its own bar.
  return outcome === 'retried' ? 'failure' : outcome;
}
