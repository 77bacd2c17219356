import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summary, topAuthors, userStats } from '../../src/assets/analytics.js';
import { posts, users } from '../../src/assets/sources.js';
import { postsEnriched } from '../../src/assets/transforms.js';
import type { IOManager } from '../../src/core/io-manager.js';
import { CsvIOManager, defineDefinitions, JsonSource, materialize, PostgresIOManager, type Definitions } from '../../src/index.js';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { startTestPostgres, type TestPostgres } from '../storage/embedded-postgres.js';

const EDGE_CASES = fileURLToPath(new URL('../fixtures/edge-cases/', import.meta.url));
const KEYS = ['posts', 'posts_enriched', 'summary', 'top_authors', 'user_stats', 'users'];

let server: TestPostgres;
let dir: string;

beforeAll(async () => {
  server = await startTestPostgres();
  dir = await mkdtemp(join(tmpdir(), 'strata-pg-example-'));
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The example's assets on the edge-case source, every table stored by `io`. */
const definitionsWith = (io: IOManager): Definitions =>
  defineDefinitions({
    assets: [users, posts, postsEnriched, userStats, topAuthors, summary],
    ioManagers: { default: io },
    resources: { placeholder_api: new JsonSource({ url: EDGE_CASES }) },
  });

describe('the example pipeline through PostgresIOManager', () => {
  it('stores the same tables, with the same data versions, as through CSV files, and finds them fresh on the next run', async () => {
    const csv = new CsvIOManager({ baseDir: dir });
    const postgres = new PostgresIOManager({ connectionString: server.connectionString, schema: server.uniqueSchema('example') });
    const csvStorage = await SqliteInstanceStorage.open({ path: ':memory:' });
    const postgresStorage = await SqliteInstanceStorage.open({ path: ':memory:' });
    try {
      const viaCsv = await materialize(definitionsWith(csv), { storage: csvStorage });
      const postgresDefinitions = definitionsWith(postgres);
      const viaPostgres = await materialize(postgresDefinitions, { storage: postgresStorage });
      expect(viaCsv.status).toBe('success');
      expect(viaPostgres.status).toBe('success');
      const versions = (result: typeof viaCsv) => Object.fromEntries(result.assets.map((asset) => [asset.key, asset.dataVersion]));
      expect(Object.keys(versions(viaPostgres)).sort()).toEqual(KEYS);
      expect(versions(viaPostgres)).toEqual(versions(viaCsv));
      for (const key of KEYS) {
        const stored = postgresDefinitions.asset(key)!;
        expect((await postgres.load(stored)).rows(), key).toEqual((await csv.load(stored)).rows());
      }
      // The versions read back from the database match what the run recorded: nothing is stale.
      expect((await materialize(postgresDefinitions, { storage: postgresStorage })).status).toBe('nothing-to-do');
    } finally {
      await postgres.close();
      await csvStorage.close();
      await postgresStorage.close();
    }
  });
});
