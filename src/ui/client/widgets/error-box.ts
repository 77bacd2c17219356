import { ApiError } from '../api.js';
import type { ApiErrorResponse } from '../../api-types.js';
import { h } from '../dom.js';

/**
 * An error as the CLI prints it: the message, the caret under the offending
 * column of a selection (monospace, so the caret lines up), and the hint.
 */
export function errorBox(error: unknown): HTMLElement {
  const detail = error instanceof ApiError ? (error.body as Partial<ApiErrorResponse> | undefined)?.error : undefined;
  const message = detail?.message ?? (error instanceof Error ? error.message : String(error));
  const lines = [`error: ${message}`];
  if (detail?.caret) lines.push(detail.caret);
  if (detail?.hint) lines.push(`hint: ${detail.hint}`);
  return h('pre', { class: 'error', role: 'alert' }, lines.join('\n'));
}
