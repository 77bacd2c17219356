import type pg from 'pg';

/**
 * Keeps a dropped Postgres connection (a server restart, an idle timeout, a
 * network reset) from ending the process. pg reports it as an 'error' event:
 * on the pool for an idle connection, which the pool then discards; on the
 * client for one checked out between queries (inside a transaction, say),
 * whose next query then fails with the reason. Without a listener either
 * event throws. The failed query is what reports the problem, as a
 * StrataError where Strata made it; the next one reconnects.
 *
 * Every pool Strata opens (instance storage, PostgresIOManager, the work pool)
 * calls this once, right after creating it.
 */
export function surviveDisconnects(pool: pg.Pool): void {
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
}

// SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
/** connection_exception, and the server going away: admin_shutdown, crash_shutdown, cannot_connect_now. */
const CONNECTION_STATES = /^(08|57P0[123])/;
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The SQLSTATE of a server error; undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
  const fields = error as { code?: unknown; severity?: unknown } | null;
  // pg's DatabaseError; duck-typed so this module does not load pg.
  return typeof fields?.code === 'string' && typeof fields.severity === 'string' ? fields.code : undefined;
}

/** Whether `error` says the database could not be reached or went away, rather than refusing what was asked of it. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const state = sqlState(error);
  if (state !== undefined) return CONNECTION_STATES.test(state);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  // pg's own words when the socket closes under a query or a connect times out.
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(error.message);
}

/** The first wait between tries in `retryWhileUnreachable`; each wait doubles, up to `MAX_RETRY_WAIT_MS`. */
const FIRST_RETRY_WAIT_MS = 250;
const MAX_RETRY_WAIT_MS = 2_000;

/**
 * Runs `attempt`, and again while it fails because the database is
 * unreachable (a restart, a failover), for at most `limitMs` or until
 * `signal` aborts. Any other error, and the connection error of the last try,
 * is thrown. For writes that must outlive a short outage because nothing can
 * redo them later.
 */
export async function retryWhileUnreachable<T>(attempt: () => Promise<T>, options: { readonly limitMs: number; readonly signal?: AbortSignal }): Promise<T> {
  const deadline = Date.now() + options.limitMs;
  for (let wait = FIRST_RETRY_WAIT_MS; ; wait = Math.min(wait * 2, MAX_RETRY_WAIT_MS)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConnectionError(error) || options.signal?.aborted || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
