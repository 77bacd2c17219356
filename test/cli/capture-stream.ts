import type { OutputStream } from '../../src/cli/cli-io.js';

/** An output stream that keeps what is written, posing as a terminal (or not) of a given width, for in-process CLI tests. */
export class CaptureStream implements OutputStream {
  text = '';

  constructor(
    readonly isTTY: boolean,
    readonly columns: number | undefined = 120,
  ) {}

  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
