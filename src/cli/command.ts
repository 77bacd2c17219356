import type { CliIO } from './cli-io.js';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** Shown in help as `--flag <VALUE>`. */
  readonly valueName?: string;
  readonly short?: string;
  /** May be given more than once; values are collected in order. */
  readonly multiple?: boolean;
}

export interface ParsedArgs {
  readonly flags: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** One `assets <name>` subcommand: flag specs for parsing and help, and `run`, which returns the exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** e.g. `assets materialize [--select EXPR] [--json]` */
  readonly usage: string;
  readonly description?: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /**
   * Whole command lines a user can paste. They, and the CLI's usage hints,
   * name the bundled example's assets (`+top_authors`): with no project the
   * CLI runs that example, so each works as written. What the framework
   * below the CLI says names no example asset.
   */
  readonly examples: readonly string[];
  /** How many positional arguments it takes at most (default 0). */
  readonly maxPositionals?: number;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** Exit codes (STYLE.md): ok, a run failed, a usage error, canceled by a signal. */
export const EXIT = Object.freeze({ ok: 0, runFailed: 1, usage: 2, canceled: 130 });
