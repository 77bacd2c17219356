import type { CliIO } from './cli-io.js';
import type { Style } from './style.js';

/**
 * Prints what the library found suspicious but not wrong (a union part of a
 * selection that selects nothing, a pool limit set on a pool no asset uses)
 * as `warning:` and `hint:` lines on stderr: the command goes on, and stdout
 * carries only its data, `--json` included.
 */
export function writeWarnings(io: Pick<CliIO, 'stderr'>, style: Style, warnings: readonly { readonly message: string; readonly hint: string }[]): void {
  for (const warning of warnings) {
    io.stderr.write(`${style.apply('yellow', 'warning:')} ${warning.message}\n${style.apply('yellow', 'hint:')} ${warning.hint}\n`);
  }
}
