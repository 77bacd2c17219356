import { IOManagerError } from '../core/errors.js';

/** The longest Postgres name, in bytes: Postgres cuts longer names short (NAMEDATALEN - 1), silently but for a NOTICE, so two long names could end up as one table. */
export const MAX_POSTGRES_NAME_BYTES = 63;

/**
 * `name` as a quoted Postgres identifier, so any text (capitals, spaces,
 * quotes, `..`) names exactly that table, schema or column. Throws an
 * `IOManagerError` naming `what` for a name Postgres cannot hold whole: empty,
 * longer than 63 bytes, or with a NUL character.
 *
 * @example
 * quotePostgresName('user "stats"', 'asset key'); // '"user ""stats"""'
 */
export function quotePostgresName(name: string, what: string): string {
  if (name.length === 0 || name.includes('\0') || Buffer.byteLength(name) > MAX_POSTGRES_NAME_BYTES) {
    throw new IOManagerError(
      `The ${what} ${JSON.stringify(name)} cannot name a Postgres table, schema or column: a name is 1 to ${MAX_POSTGRES_NAME_BYTES} bytes of UTF-8 without NUL characters.`,
      { hint: `Choose a shorter ${what}.` },
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}
