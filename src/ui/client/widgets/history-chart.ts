import type { HistoryEntry } from '../../api-types.js';
import { h, s } from '../dom.js';
import { formatCount, formatDuration } from '../format.js';

const WIDTH = 520;
const HEIGHT = 140;
const PAD = { left: 10, right: 10, top: 22, bottom: 22 };

/**
 * Rows and duration of an asset's materializations over time, oldest on the
 * left: two lines, each scaled to its own maximum (rows and milliseconds
 * share no unit), named in the legend with their ranges.
 */
export function historyChart(history: readonly HistoryEntry[]): Element | null {
  const entries = [...history].sort((a, b) => a.materializedAt.localeCompare(b.materializedAt));
  if (entries.length === 0) return null;
  if (entries.length < 2) return h('p', { class: 'muted' }, 'The chart needs two materializations or more.');
  const times = entries.map((entry) => new Date(entry.materializedAt).getTime());
  const first = times[0]!;
  const span = Math.max(1, times[times.length - 1]! - first);
  const x = (index: number) => PAD.left + ((times[index]! - first) / span) * (WIDTH - PAD.left - PAD.right);
  const line = (values: readonly (number | null)[]) => {
    const max = Math.max(1, ...values.map((value) => value ?? 0));
    const y = (value: number) => HEIGHT - PAD.bottom - (value / max) * (HEIGHT - PAD.top - PAD.bottom);
    return values
      .map((value, index) => (value === null ? undefined : `${x(index).toFixed(1)},${y(value).toFixed(1)}`))
      .filter((point): point is string => point !== undefined)
      .join(' ');
  };
  const rows = entries.map((entry) => entry.rows);
  const durations = entries.map((entry) => entry.durationMs);
  const knownRows = rows.filter((value): value is number => value !== null);
  const rowsRange = knownRows.length === 0 ? 'not counted' : range(Math.min(...knownRows), Math.max(...knownRows), formatCount);
  const durationRange = range(Math.min(...durations), Math.max(...durations), formatDuration);
  return s(
    'svg',
    { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': `Rows (${rowsRange}) and duration (${durationRange}) of the last ${entries.length} materializations` },
    s('line', { class: 'axis', x1: PAD.left, x2: WIDTH - PAD.right, y1: HEIGHT - PAD.bottom, y2: HEIGHT - PAD.bottom }),
    s('polyline', { class: 'rows-line', points: line(rows) }),
    s('polyline', { class: 'duration-line', points: line(durations) }),
    s('text', { x: PAD.left, y: 14 }, `── rows ${rowsRange}    - - duration ${durationRange}`),
    s('text', { x: PAD.left, y: HEIGHT - 6 }, entries[0]!.materializedAt.slice(0, 16).replace('T', ' ')),
    s('text', { x: WIDTH - PAD.right, y: HEIGHT - 6, 'text-anchor': 'end' }, entries[entries.length - 1]!.materializedAt.slice(0, 16).replace('T', ' ')),
  );
}

function range(min: number, max: number, format: (value: number) => string): string {
  return min === max ? format(min) : `${format(min)}–${format(max)}`;
}
