import type { CliIO } from './cli-io.js';

/** Writes the one JSON document a `--json` command prints: indented, on stdout, ending in a newline. */
export function writeJson(io: Pick<CliIO, 'stdout'>, document: unknown): void {
  io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}
