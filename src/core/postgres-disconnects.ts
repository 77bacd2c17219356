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
