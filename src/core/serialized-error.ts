import { SourceError, StrataError } from './errors.js';

/** An error as it crosses a thread boundary: what the executor needs to report it and decide on a retry, and a source to describe it. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** A StrataError's code, or a system error's (`ENOENT`). */
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
    code: error instanceof StrataError ? error.code : systemCode(error),
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
  const { code } = serialized;
  const error =
    code === 'STRATA_SOURCE'
      ? new SourceError(serialized.message, options)
      : code?.startsWith('STRATA_') === true
        ? new StrataError(code, serialized.message, options)
        : Object.assign(new Error(serialized.message), code === undefined ? {} : { code });
  error.stack = serialized.stack;
  return error;
}

/** The `code` of a system error (`ENOENT`, `EACCES`), by which callers describe it. */
function systemCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
