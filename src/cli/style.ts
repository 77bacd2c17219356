import { styleText } from 'node:util';
import type { CliIO, OutputStream } from './cli-io.js';

type StyleName = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'gray';

/** Text styling that is a no-op when colour is off. */
export interface Style {
  readonly enabled: boolean;
  apply(style: StyleName, text: string): string;
}

/**
 * Colour is on only for a TTY, unless `--no-color` or `NO_COLOR` turns it
 * off or `FORCE_COLOR` (other than "0") turns it on (https://no-color.org).
 */
export function createStyle(stream: OutputStream, io: Pick<CliIO, 'env'>, noColorFlag: boolean): Style {
  const { NO_COLOR, FORCE_COLOR } = io.env;
  const enabled = noColorFlag
    ? false
    : NO_COLOR !== undefined && NO_COLOR !== ''
      ? false
      : FORCE_COLOR !== undefined
        ? FORCE_COLOR !== '0' && FORCE_COLOR !== 'false'
        : stream.isTTY === true;
  return {
    enabled,
    // We decide above, from the injected streams and env, whether to colour;
    // styleText must not second-guess it from process.stdout.
    apply: (style, text) => (enabled ? styleText(style, text, { validateStream: false }) : text),
  };
}
