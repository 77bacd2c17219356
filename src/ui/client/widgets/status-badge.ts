import { h } from '../dom.js';

/**
 * A status as a word in a coloured badge. The word is always there, so the
 * status reads without colour; the class picks the colour (app.css).
 */
export function statusBadge(word: string): HTMLSpanElement {
  return h('span', { class: `status status-${word}`, 'data-status': word }, word);
}
