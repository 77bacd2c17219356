/** A stream the CLI writes to: `process.stdout`/`stderr`, or a capture in tests. */
export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

/**
 * Everything a command touches outside itself, injected so commands run
 * in-process in tests exactly as they do from the bin.
 */
export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly now: () => Date;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
  /**
   * Replaces the line printed when Ctrl-C / SIGTERM arrives (by default it
   * says the run is canceled), for a command whose first signal means
   * something else, such as a daemon with no run in flight. Absent in-process.
   */
  readonly setInterruptNotice?: ((notice: (signal: NodeJS.Signals) => string) => void) | undefined;
  /**
   * The command line's `--definitions`, set by `main` for every command, so
   * commands and the instance they open agree on one project.
   */
  readonly definitionsModule?: string | undefined;
  /** Where a confirmation is read from (`process.stdin`); absent counts as not a terminal, so nothing is ever asked. */
  readonly stdin?: (NodeJS.ReadableStream & { readonly isTTY?: boolean | undefined }) | undefined;
}
