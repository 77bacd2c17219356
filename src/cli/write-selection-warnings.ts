import type { SelectionWarning } from '../graph/selection-warnings.js';
import type { CliIO } from './cli-io.js';
import type { Style } from './style.js';

/**
 * Prints what the graph layer found suspicious about a selection (a union
 * part that selects nothing) as `warning:` and `hint:` lines on stderr: the
 * command goes on, and stdout carries only its data, `--json` included.
 */
export function writeSelectionWarnings(io: Pick<CliIO, 'stderr'>, style: Style, warnings: readonly SelectionWarning[]): void {
  for (const warning of warnings) {
    io.stderr.write(`${style.apply('yellow', 'warning:')} ${warning.message}\n${style.apply('yellow', 'hint:')} ${warning.hint}\n`);
  }
}
