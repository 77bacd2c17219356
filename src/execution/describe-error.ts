import { StrataError } from '../core/errors.js';
import type { AssetError } from './run-result.js';

/** An error as results, events and plans carry it: its message, and a StrataError's code and hint. */
export function describeError(error: unknown): AssetError {
  if (error instanceof StrataError) return { message: error.message, code: error.code, hint: error.hint };
  if (error instanceof Error) return { message: error.message, code: undefined, hint: undefined };
  return { message: String(error), code: undefined, hint: undefined };
}
