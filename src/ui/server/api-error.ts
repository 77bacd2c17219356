import { StrataError, UnknownAssetError, UsageError } from '../../core/errors.js';
import type { ApiError } from '../api-types.js';

/** Codes of things that are not there: answered 404. */
const NOT_FOUND = new Set(['STRATA_UNKNOWN_RUN', 'STRATA_NO_RUNS', 'STRATA_NOT_MATERIALIZED']);
/** Codes of selection errors whose message ends with the expression and a caret under the column. */
const WITH_CARET = new Set(['STRATA_SELECTION_SYNTAX', 'STRATA_SELECTION_LEGACY']);

/**
 * An error as the API answers it, with its HTTP status: 404 for what is not
 * there, 409 for an action on a run that has ended, 400 for any other
 * Strata error (a mistake in the request: its message and hint say which),
 * and 500 for anything else, which is a bug of ours.
 */
export function apiError(error: unknown): { readonly status: 400 | 404 | 409 | 500; readonly body: { readonly error: ApiError } } {
  if (!(error instanceof StrataError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 500, body: { error: { message: `Internal error: ${message}`, hint: 'This is a bug in Strata; the server log (stderr of `assets ui`) has the stack.', code: null, caret: null } } };
  }
  let message = error.message;
  let caret: string | null = null;
  if (WITH_CARET.has(error.code)) {
    // The message's last two lines are the caret block (see `pointAt`); the API sends them apart so the page can set them in monospace.
    const lines = error.message.split('\n');
    if (lines.length >= 3) {
      message = lines.slice(0, -2).join('\n');
      caret = lines.slice(-2).join('\n');
    }
  }
  const status = error instanceof UnknownAssetError || NOT_FOUND.has(error.code) ? 404 : error.code === 'STRATA_RUN_ENDED' ? 409 : 400;
  return { status, body: { error: { message, hint: error.hint ?? null, code: error.code, caret } } };
}

/** A request the API cannot read (a bad query value, a body that is not the expected JSON). */
export function badRequest(message: string, hint: string): UsageError {
  return new UsageError(message, { hint });
}
