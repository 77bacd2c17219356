/**
 * The one error family of Strata. Every error a user can cause or fix is a
 * `StrataError` with a stable `code` (like undici's `UND_ERR_*`), a `hint` that
 * says how to fix it, and the `cause` it wraps. The CLI prints `message` and
 * `hint`; anything that is not a StrataError is reported as an internal error.
 */
export class StrataError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  /** Whether trying the same step again may succeed (network errors, HTTP 5xx/429). */
  readonly retryable: boolean;

  constructor(
    code: string,
    message: string,
    options: { hint?: string; cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
  }
}

/** A definition set that breaks one or more rules; lists every problem at once. */
export class DefinitionError extends StrataError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const list = problems.map((problem) => `  - ${problem}`).join('\n');
    super(
      'STRATA_INVALID_DEFINITIONS',
      `The definitions have ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${list}`,
      { hint: 'Fix every problem listed; they were all found in one pass.' },
    );
    this.problems = problems;
  }
}

/** The asset graph has a cycle; `path` is the full loop, first key repeated last. */
export class CycleError extends StrataError {
  readonly path: readonly string[];

  constructor(path: readonly string[]) {
    super('STRATA_CYCLE', `Dependency cycle: ${path.join(' -> ')}`, {
      hint: 'Assets must form a DAG: remove one of the deps on this path.',
    });
    this.path = path;
  }
}

/** A key the user typed that names no asset (or job, schedule, ...). */
export class UnknownAssetError extends StrataError {
  constructor(kind: string, key: string, suggestions: readonly string[]) {
    super('STRATA_UNKNOWN_KEY', `Unknown ${kind} "${key}".`, {
      hint:
        suggestions.length > 0
          ? `Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?`
          : `Run \`assets list\` to see every ${kind}.`,
    });
  }
}

/** A data source could not be read: unreachable, an HTTP error, or a payload that is not what it should be. */
export class SourceError extends StrataError {
  /** How long the server asked us to wait before trying again (HTTP `Retry-After`), if it said. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown; retryable?: boolean; retryAfterMs?: number } = {}) {
    super('STRATA_SOURCE', message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A row that breaks its schema: names the table, the row, the field and the value. */
export class SchemaError extends StrataError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('STRATA_SCHEMA', message, options);
  }
}

/** Stored output that cannot be read back as its asset's table. */
export class IOManagerError extends StrataError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('STRATA_IO', message, options);
  }
}

/** The command line itself is wrong: a bad flag, a bad value, an unknown command. Exit code 2. */
export class UsageError extends StrataError {
  constructor(message: string, options: { hint?: string } = {}) {
    super('STRATA_USAGE', message, options);
  }
}

/**
 * A run refused because selected assets need upstream assets that are not
 * selected and have no stored output: `needing`, those selected assets, and
 * `missing`, the upstreams, so a command can say how to select them in its
 * own terms.
 */
export class UnstoredUpstreamsError extends StrataError {
  readonly needing: readonly string[];
  readonly missing: readonly string[];

  constructor(message: string, needing: readonly string[], missing: readonly string[], options: { hint?: string } = {}) {
    super('STRATA_UNMATERIALIZED_UPSTREAM', message, options);
    this.needing = needing;
    this.missing = missing;
  }
}

/**
 * A backfill refused because the runs of its partitions would skip targets
 * for failing blocking checks of upstreams that none of them runs again:
 * `blocked`, those assets, and `checks`, the failing checks
 * (`rate.positive`), so a command can say how to unblock them.
 */
export class BlockedByChecksError extends StrataError {
  readonly blocked: readonly string[];
  readonly checks: readonly string[];

  constructor(message: string, blocked: readonly string[], checks: readonly string[], options: { hint?: string } = {}) {
    super('STRATA_BLOCKED_BY_CHECKS', message, options);
    this.blocked = blocked;
    this.checks = checks;
  }
}

/**
 * A run refused because selected assets read upstream partitions that have
 * no stored output: `partitions`, the keys of those upstream partitions,
 * which a run of each key would have made (a caller whose own run of one
 * failed can tell that failure is the cause).
 */
export class UnstoredPartitionsError extends StrataError {
  readonly partitions: readonly string[];

  constructor(message: string, partitions: readonly string[], options: { hint?: string } = {}) {
    super('STRATA_UNMATERIALIZED_UPSTREAM', message, options);
    this.partitions = partitions;
  }
}
