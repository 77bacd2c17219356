import { SourceError, StrataError } from '../core/errors.js';

/** An error as it crosses a thread boundary: what the executor needs to report it and decide on a retry. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: string | undefined;
  readonly hint: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
}

export function serializeError(error: unknown): SerializedError {
  const base = error instanceof Error ? error : new Error(String(error));
  return {
    name: base.name,
    message: base.message,
    stack: base.stack,
    code: error instanceof StrataError ? error.code : undefined,
    hint: error instanceof StrataError ? error.hint : undefined,
    retryable: error instanceof StrataError && error.retryable,
    retryAfterMs: error instanceof SourceError ? error.retryAfterMs : undefined,
  };
}

/** Rebuilds an error on this side with the same message, code, hint and retry facts (its class may differ). */
export function deserializeError(serialized: SerializedError): Error {
  const options = {
    ...(serialized.hint === undefined ? {} : { hint: serialized.hint }),
    retryable: serialized.retryable,
    ...(serialized.retryAfterMs === undefined ? {} : { retryAfterMs: serialized.retryAfterMs }),
  };
  const error =
    serialized.code === 'STRATA_SOURCE'
      ? new SourceError(serialized.message, options)
      : serialized.code !== undefined
        ? new StrataError(serialized.code, serialized.message, options)
        : new Error(serialized.message);
  error.stack = serialized.stack;
  return error;
}
