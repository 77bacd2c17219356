import { afterAll, beforeAll } from 'vitest';
import { PostgresIOManager } from '../../src/io-managers/postgres-io-manager.js';
import { startTestPostgres, type TestPostgres } from '../storage/embedded-postgres.js';
import { describeIOManagerContract } from './io-manager-contract.js';

let server: TestPostgres;

beforeAll(async () => {
  server = await startTestPostgres();
});

afterAll(async () => {
  await server?.stop();
});

// A schema per test: every test starts with no tables.
describeIOManagerContract('PostgresIOManager', async () => {
  const manager = new PostgresIOManager({ connectionString: server.connectionString, schema: server.uniqueSchema('contract') });
  return { manager, cleanup: () => manager.close() };
});
