import type { CliIO } from './cli-io.js';

/**
 * Whether to draw with Unicode (box-drawing lines, `●`) or plain ASCII.
 *
 * The locale decides, as the C library would: the first non-empty of
 * `LC_ALL`, `LC_CTYPE` and `LANG`, UTF-8 when it names that codeset
 * (`en_US.UTF-8`, `C.utf8`); anything else (`C`, `POSIX`, `en_US.ISO-8859-1`)
 * gets ASCII. With none of them set we assume UTF-8, TTY or not: Node always
 * writes UTF-8, and an unset locale is mostly a container or a CI job whose
 * viewer shows UTF-8 fine, so the output is the same on screen and in a pipe.
 * `--ascii` forces ASCII whatever the locale says.
 */
export function supportsUnicode(io: Pick<CliIO, 'env'>): boolean {
  const locale = [io.env.LC_ALL, io.env.LC_CTYPE, io.env.LANG].find((value) => value !== undefined && value !== '');
  return locale === undefined || /utf-?8/i.test(locale);
}
