/**
 * The logging calls the executor makes: a subset of pino's API, so the CLI can
 * pass a pino logger (pretty on a TTY, JSON lines on stderr) and tests a silent one.
 */
export interface Logger {
  debug(data: object, message?: string): void;
  info(data: object, message?: string): void;
  warn(data: object, message?: string): void;
  error(data: object, message?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

const noop = (): void => {};

/** Discards everything; the default when the caller gives no logger. */
export const silentLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
});
