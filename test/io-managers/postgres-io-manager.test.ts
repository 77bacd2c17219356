import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { IOManagerError, SchemaError, StrataError } from '../../src/core/errors.js';
import type { StoredAsset } from '../../src/core/io-manager.js';
import { describeColumns } from '../../src/core/row-schema.js';
import { Table, type Row } from '../../src/core/table.js';
import { MemoryIOManager } from '../../src/io-managers/memory-io-manager.js';
import { PostgresIOManager } from '../../src/io-managers/postgres-io-manager.js';
import { startTestPostgres, type TestPostgres } from '../storage/embedded-postgres.js';
import { describeIOManagerContract, everyKindAsset, everyKindRows, multi, scoresAsset, single, tableOf } from './io-manager-contract.js';

let server: TestPostgres;

beforeAll(async () => {
  server = await startTestPostgres();
});

afterAll(async () => {
  await server?.stop();
});

// A schema per test: every test starts with no tables.
describeIOManagerContract('PostgresIOManager', async () => {
  const schema = server.uniqueSchema('contract');
  const manager = new PostgresIOManager({ connectionString: server.connectionString, schema });
  return {
    manager,
    cleanup: () => manager.close(),
    storedNames: async () =>
      (await server.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND tablename <> '_strata_versions'", [schema])).rows
        .map((row) => row.name)
        .sort(),
  };
});

const scores = scoresAsset;
const scoreRows: Row[] = [
  { id: 1, name: 'ada', score: 1.5 },
  { id: 2, name: 'bob', score: null },
];

describe('PostgresIOManager', () => {
  let schema: string;
  let manager: PostgresIOManager;

  beforeEach(() => {
    schema = server.uniqueSchema('io');
    manager = new PostgresIOManager({ connectionString: server.connectionString, schema });
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await manager.close();
  });

  /** The tables in the manager's schema, as Postgres lists them. */
  const tablesInSchema = async (): Promise<string[]> =>
    (await server.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [schema])).rows.map((row) => row.name);
  const storeError = async (asset: StoredAsset, table: Table<Row>): Promise<StrataError> => {
    const error = await manager.store(asset, table).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StrataError);
    return error as StrataError;
  };

  describe('where it stores', () => {
    it('is visible to every worker on every host, of kind "postgres", and names its table in the metadata', async () => {
      expect(manager.kind).toBe('postgres');
      expect(manager.visibility).toBe('cluster');
      const { metadata } = await manager.store(scores, tableOf(scores, scoreRows));
      expect(metadata).toMatchObject({ rows: 2, columns: ['id', 'name', 'score'], table: `${schema}.scores` });
      expect(metadata.bytes).toBe(Buffer.byteLength('id,name,score\n1,ada,1.5\n2,bob,\n'));
      expect(await tablesInSchema()).toEqual(['_strata_versions', 'scores']);
    });

    it('gives a table the same data version as the CSV and memory IO managers', async () => {
      const table = tableOf(everyKindAsset, everyKindRows);
      const { dataVersion } = await manager.store(everyKindAsset, table);
      expect(dataVersion).toBe((await new MemoryIOManager().store(everyKindAsset, table)).dataVersion);
    });

    it('defaults to STRATA_DATABASE_URL and the strata_assets schema, and never shows the password', async () => {
      vi.stubEnv('STRATA_DATABASE_URL', server.connectionString);
      const fromEnv = new PostgresIOManager();
      try {
        expect(fromEnv.schema).toBe('strata_assets');
        expect(fromEnv.location).toBe(`postgres://postgres:***@127.0.0.1:${server.port}/strata_test (schema "strata_assets")`);
        await fromEnv.store(scores, tableOf(scores, scoreRows));
        expect((await server.query('SELECT count(*)::int AS n FROM strata_assets.scores')).rows[0]).toEqual({ n: 2 });
      } finally {
        await fromEnv.close();
      }
    });

    it('says how to configure a database when it has none, on first use rather than at construction', async () => {
      vi.stubEnv('STRATA_DATABASE_URL', '');
      const unconfigured = new PostgresIOManager();
      expect(unconfigured.location).toContain('set STRATA_DATABASE_URL');
      const error = await unconfigured.load(scores).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IOManagerError);
      expect((error as IOManagerError).message).toBe('Cannot load asset "scores": the Postgres IO manager has no database.');
      expect((error as IOManagerError).hint).toContain('STRATA_DATABASE_URL');
    });

    it('reports a database it cannot reach as retryable, without the password', async () => {
      const unreachable = new PostgresIOManager({ connectionString: 'postgres://strata:s3cret@127.0.0.1:1/nowhere' });
      const error = await unreachable.dataVersion(scores).catch((caught: unknown) => caught);
      await unreachable.close();
      expect(error).toBeInstanceOf(StrataError);
      expect((error as StrataError).code).toBe('STRATA_IO_UNAVAILABLE');
      expect((error as StrataError).retryable).toBe(true);
      expect((error as StrataError).message).toMatch(/^Cannot read the data version of asset "scores" in postgres:\/\/strata:\*\*\*@127\.0\.0\.1:1\/nowhere \(schema "strata_assets"\): cannot reach the database/);
      expect((error as StrataError).message).not.toContain('s3cret');
      expect((error as StrataError).hint).toContain('running and reachable');
    });

    it('reports a wrong password as a refused login', async () => {
      const refused = new PostgresIOManager({ connectionString: server.connectionString.replace('strata-test', 'wrong'), schema });
      const error = await refused.store(scores, tableOf(scores, scoreRows)).catch((caught: unknown) => caught);
      await refused.close();
      expect(error).toBeInstanceOf(IOManagerError);
      expect((error as IOManagerError).message).toMatch(/^Cannot store asset "scores" in .*: the database refused the login/);
      expect((error as IOManagerError).hint).toContain('password');
    });
  });

  describe('table and column names', () => {
    it('quotes keys and column names that need it, so each names exactly its own table', async () => {
      const odd: StoredAsset[] = ['Users', 'user "stats"', 'select', '../escaped', 'a.b', 'zoë 東京'].map((key) => ({
        key,
        columns: [
          { name: 'Id', kind: 'integer', nullable: false },
          { name: 'the "name", quoted', kind: 'string', nullable: false },
        ],
      }));
      for (const [index, asset] of odd.entries()) {
        await manager.store(asset, tableOf(asset, [{ Id: index, 'the "name", quoted': asset.key }]));
      }
      for (const [index, asset] of odd.entries()) {
        expect((await manager.load(asset)).rows()).toEqual([{ Id: index, 'the "name", quoted': asset.key }]);
      }
      expect(await tablesInSchema()).toEqual(['../escaped', '_strata_versions', 'a.b', 'select', 'user "stats"', 'Users', 'zoë 東京'].sort());
    });

    it('round-trips a one-column table holding "\\.", the end-of-data marker of COPY before Postgres 18', async () => {
      const asset: StoredAsset = { key: 'markers', columns: [{ name: 'v', kind: 'string', nullable: false }] };
      const rows: Row[] = [{ v: 'a' }, { v: '\\.' }, { v: 'b' }];
      const { metadata } = await manager.store(asset, tableOf(asset, rows));
      expect(metadata.rows).toBe(3);
      expect((await manager.load(asset)).rows()).toEqual(rows);
    });

    it('refuses a key longer than Postgres keeps whole, instead of letting two keys share a table', async () => {
      const long: StoredAsset = { ...scores, key: 'k'.repeat(64) };
      const error = await storeError(long, tableOf(long, scoreRows));
      expect(error).toBeInstanceOf(IOManagerError);
      expect(error.message).toContain('1 to 63 bytes');
      expect(error.hint).toBe('Choose a shorter asset key.');
    });

    it('refuses keys that would name its own tables', async () => {
      const reserved: StoredAsset = { ...scores, key: '_strata_versions' };
      const error = await storeError(reserved, tableOf(reserved, scoreRows));
      expect(error).toBeInstanceOf(IOManagerError);
      expect(error.message).toContain('names starting with "_strata_" are its own');
    });
  });

  describe('column types', () => {
    it('stores each kind as a Postgres type, NOT NULL unless nullable, enums as text', async () => {
      const { columns } = describeColumns(
        z.object({ id: z.int(), amount: z.number(), name: z.string(), active: z.boolean(), tier: z.enum(['gold', 'silver']), note: z.string().nullable() }),
      );
      const asset: StoredAsset = { key: 'typed', columns };
      await manager.store(asset, tableOf(asset, [{ id: 2 ** 53 - 1, amount: -0, name: 'x', active: true, tier: 'gold', note: null }]));
      const described = await server.query<{ column_name: string; data_type: string; is_nullable: string }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'typed' ORDER BY ordinal_position`,
        [schema],
      );
      expect(described.rows).toEqual([
        { column_name: 'id', data_type: 'bigint', is_nullable: 'NO' },
        { column_name: 'amount', data_type: 'double precision', is_nullable: 'NO' },
        { column_name: 'name', data_type: 'text', is_nullable: 'NO' },
        { column_name: 'active', data_type: 'boolean', is_nullable: 'NO' },
        { column_name: 'tier', data_type: 'text', is_nullable: 'NO' },
        { column_name: 'note', data_type: 'text', is_nullable: 'YES' },
      ]);
      const loaded = (await manager.load(asset)).rows();
      expect(loaded).toEqual([{ id: 2 ** 53 - 1, amount: -0, name: 'x', active: true, tier: 'gold', note: null }]);
      expect(Object.is(loaded[0]!.amount, -0)).toBe(true);
    });

    it('holds values other SQL reads as what they are', async () => {
      await manager.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows));
      const { rows } = await server.query(`SELECT id, text, amount, active, maybe_text, maybe_count FROM "${schema}".every_kind WHERE id IN (2, 3) ORDER BY id`);
      expect(rows).toEqual([
        { id: '2', text: 'Zoë 東京 🦀 naïve', amount: -1.5, active: false, maybe_text: null, maybe_count: null },
        { id: '3', text: 'a, b, c', amount: 0.30000000000000004, active: true, maybe_text: '', maybe_count: '-7' },
      ]);
    });

    it('reads doubles back exactly even when the session would round them', async () => {
      await server.query(`ALTER DATABASE strata_test SET extra_float_digits = 0`);
      try {
        const fresh = new PostgresIOManager({ connectionString: server.connectionString, schema });
        try {
          await fresh.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows));
          expect((await fresh.load(everyKindAsset)).rows()).toEqual(everyKindRows);
        } finally {
          await fresh.close();
        }
      } finally {
        await server.query('ALTER DATABASE strata_test RESET extra_float_digits');
      }
    });
  });

  describe('an atomic swap', () => {
    /** Enough rows for several COPY chunks of about 1 MiB each, so a failure comes after data went to the server. */
    const manyRows = (count: number): Row[] => Array.from({ length: count }, (_, index) => ({ id: index, name: `name ${index} ${'x'.repeat(40)}`, score: index / 3 }));

    it('keeps the previous table and version when the table fails its schema after the first chunks were sent', async () => {
      const before = await manager.store(scores, tableOf(scores, scoreRows));
      const rows = manyRows(60_000);
      rows.push({ id: 1.5, name: 'bad', score: 0 });
      const error = await storeError(scores, tableOf(scores, rows));
      expect(error).toBeInstanceOf(SchemaError);
      expect(error.message).toBe('Cannot store asset "scores": row 60000 of 60001, column "id" must be an integer, got 1.5.');
      expect((await manager.load(scores)).rows()).toEqual(scoreRows);
      expect(await manager.dataVersion(scores)).toBe(before.dataVersion);
      // The half-copied table went with the rollback.
      expect(await tablesInSchema()).toEqual(['_strata_versions', 'scores']);
    });

    it('keeps the previous table when Postgres rejects a value mid-copy, naming the row and column', async () => {
      const before = await manager.store(scores, tableOf(scores, scoreRows));
      const rows = manyRows(60_000);
      rows[50_000] = { id: 50_000, name: 'nul \u0000 inside', score: 1 };
      const error = await storeError(scores, tableOf(scores, rows));
      expect(error).toBeInstanceOf(SchemaError);
      expect(error.message).toMatch(/^Cannot store asset "scores": Postgres rejected row 50000: invalid byte sequence for encoding "UTF8": 0x00\.$/);
      expect(error.hint).toContain('NUL');
      expect((await manager.load(scores)).rows()).toEqual(scoreRows);
      expect(await manager.dataVersion(scores)).toBe(before.dataVersion);
      expect(await tablesInSchema()).toEqual(['_strata_versions', 'scores']);
    });

    it('rejects an integer past a bigint with a SchemaError and stores nothing', async () => {
      const error = await storeError(scores, tableOf(scores, [{ id: 1e21, name: 'big', score: null }]));
      expect(error).toBeInstanceOf(SchemaError);
      expect(error.message).toMatch(/^Cannot store asset "scores": Postgres rejected row 0, column "id": /);
      expect(await manager.dataVersion(scores)).toBeUndefined();
    });

    it('lets readers see the previous table until the new one is committed', async () => {
      await manager.store(scores, tableOf(scores, scoreRows));
      const storing = manager.store(scores, tableOf(scores, manyRows(100_000)));
      // Read through another manager (other connections) while the store runs.
      const reader = new PostgresIOManager({ connectionString: server.connectionString, schema });
      try {
        const seen = new Set<number>();
        let done = false;
        void storing.finally(() => (done = true));
        while (!done) seen.add((await reader.load(scores)).numRows);
        await storing;
        seen.add((await reader.load(scores)).numRows);
        // Never an empty or partial table: the old one until the commit, the new one after.
        expect([...seen].filter((count) => count !== 2 && count !== 100_000)).toEqual([]);
        expect(seen.has(100_000)).toBe(true);
      } finally {
        await reader.close();
      }
    });

    it('explains a table that views depend on, and keeps it', async () => {
      await manager.store(scores, tableOf(scores, scoreRows));
      await server.query(`CREATE VIEW "${schema}".named AS SELECT name FROM "${schema}".scores`);
      const error = await storeError(scores, tableOf(scores, scoreRows.slice(0, 1)));
      expect(error).toBeInstanceOf(IOManagerError);
      expect(error.message).toContain('other objects depend on it: view');
      expect(error.hint).toContain('Drop the views');
      expect((await manager.load(scores)).numRows).toBe(2);
    });
  });

  describe('tables changed outside Strata', () => {
    it.each([
      ['an update', (table: string) => `UPDATE ${table} SET name = 'eve' WHERE id = 2`, [{ id: 1, name: 'ada', score: 1.5 }, { id: 2, name: 'eve', score: null }]],
      ['an insert', (table: string) => `INSERT INTO ${table} VALUES (3, 'cy', 0.5)`, [...scoreRows, { id: 3, name: 'cy', score: 0.5 }]],
      ['a delete', (table: string) => `DELETE FROM ${table} WHERE id = 1`, scoreRows.slice(1)],
      ['a truncate', (table: string) => `TRUNCATE ${table}`, []],
      ['a column type change', (table: string) => `ALTER TABLE ${table} ALTER COLUMN score TYPE real`, scoreRows],
      // Neither rewrites the table nor fires a row trigger: only its columns tell.
      ['a column renamed and another added under its name', (table: string) => `ALTER TABLE ${table} RENAME COLUMN name TO old_name; ALTER TABLE ${table} ADD COLUMN name text NOT NULL DEFAULT 'y'`, [{ id: 1, name: 'y', score: 1.5 }, { id: 2, name: 'y', score: null }]],
      ['a column dropped and added again with a default', (table: string) => `ALTER TABLE ${table} DROP COLUMN name; ALTER TABLE ${table} ADD COLUMN name text NOT NULL DEFAULT 'x'`, [{ id: 1, name: 'x', score: 1.5 }, { id: 2, name: 'x', score: null }]],
    ])('notices %s: the data version is that of the new content', async (_, change, expected) => {
      const stored = await manager.store(scores, tableOf(scores, scoreRows));
      await server.query(change(`"${schema}".scores`));
      const version = await manager.dataVersion(scores);
      expect((await manager.load(scores)).rows()).toEqual(expected);
      expect(version).toBe((await new MemoryIOManager().store(scores, tableOf(scores, expected as Row[]))).dataVersion);
      if (JSON.stringify(expected) !== JSON.stringify(scoreRows)) expect(version).not.toBe(stored.dataVersion);
      // Storing again makes the version cheap (and trusted) again.
      const again = await manager.store(scores, tableOf(scores, scoreRows));
      expect(await manager.dataVersion(scores)).toBe(again.dataVersion);
      expect((await server.query(`SELECT count(*)::int AS n FROM "${schema}"._strata_versions`)).rows[0]).toEqual({ n: 1 });
    });

    it('refuses to replace a table it did not store, such as another tool\'s, and keeps it', async () => {
      await server.query(`CREATE SCHEMA "${schema}"`);
      await server.query(`CREATE TABLE "${schema}".scores (name text, id integer, score real, extra text)`);
      await server.query(`INSERT INTO "${schema}".scores VALUES ('ada', 1, 1.5, 'kept')`);
      const error = await storeError(scores, tableOf(scores, scoreRows));
      expect(error).toBeInstanceOf(IOManagerError);
      expect(error.message).toContain(`the table ${schema}.scores exists, and Strata did not store it, so it would be lost. Nothing was stored.`);
      expect(error.hint).toContain('Give the IO manager a schema of its own');
      expect((await server.query(`SELECT name, extra FROM "${schema}".scores`)).rows).toEqual([{ name: 'ada', extra: 'kept' }]);
      expect(await tablesInSchema()).toEqual(['_strata_versions', 'scores']);
      // Once it is out of the way, the asset is stored as usual.
      await server.query(`DROP TABLE "${schema}".scores`);
      await manager.store(scores, tableOf(scores, scoreRows));
      expect((await manager.load(scores)).rows()).toEqual(scoreRows);
    });

    it('reads the versions table of an older Strata, which recorded no columns, and records them on its next store', async () => {
      const stored = await manager.store(scores, tableOf(scores, scoreRows));
      await server.query(`ALTER TABLE "${schema}"._strata_versions DROP COLUMN columns`);
      const upgraded = new PostgresIOManager({ connectionString: server.connectionString, schema });
      try {
        expect(await upgraded.dataVersion(scores)).toBe(stored.dataVersion);
        await upgraded.store(scores, tableOf(scores, scoreRows));
        expect((await server.query(`SELECT columns FROM "${schema}"._strata_versions`)).rows).toEqual([{ columns: '1 id bigint, 2 name text, 3 score double precision' }]);
        expect(await upgraded.dataVersion(scores)).toBe(stored.dataVersion);
      } finally {
        await upgraded.close();
      }
    });

    it('hashes a table created without Strata, and loads it', async () => {
      await server.query(`CREATE SCHEMA "${schema}"`);
      await server.query(`CREATE TABLE "${schema}".scores (name text, id integer, score real, extra text)`);
      await server.query(`INSERT INTO "${schema}".scores VALUES ('ada', 1, 1.5, 'ignored'), ('bob', 2, NULL, NULL)`);
      expect(await manager.dataVersion(scores)).toBe((await new MemoryIOManager().store(scores, tableOf(scores, scoreRows))).dataVersion);
      expect((await manager.load(scores)).rows()).toEqual(scoreRows);
    });

    it('reports a value it cannot read by line and column, and its connections still work after', async () => {
      const single = new PostgresIOManager({ connectionString: server.connectionString, schema, maxConnections: 1 });
      try {
        await single.store(scores, tableOf(scores, scoreRows));
        await server.query(`UPDATE "${schema}".scores SET score = 'NaN' WHERE id = 2`);
        const error = await single.load(scores).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(IOManagerError);
        expect((error as IOManagerError).message).toBe(`Cannot read table ${schema}.scores in ${single.location}: line 3: column "score" must be a finite number, got "NaN".`);
        expect(await single.delete(scores)).toBe(true);
      } finally {
        await single.close();
      }
    });

    it('reports a schema column the stored table lacks', async () => {
      await manager.store(scores, tableOf(scores, scoreRows));
      await server.query(`ALTER TABLE "${schema}".scores DROP COLUMN score`);
      const error = await manager.load(scores).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IOManagerError);
      expect((error as IOManagerError).message).toMatch(/^Cannot load asset "scores": column "score" does not exist in table .*scores/);
      expect((error as IOManagerError).hint).toContain('--select scores --force');
    });
  });

  it('creates its schema again when it was dropped behind its back, on the next store', async () => {
    await manager.store(scores, tableOf(scores, scoreRows));
    await server.query(`DROP SCHEMA "${schema}" CASCADE`);
    expect(await manager.dataVersion(scores)).toBeUndefined();
    const error = await storeError(scores, tableOf(scores, scoreRows));
    expect(error.message).toContain('does not exist');
    const again = await manager.store(scores, tableOf(scores, scoreRows));
    expect(await manager.dataVersion(scores)).toBe(again.dataVersion);
  });

  describe('partitions', () => {
    const day = (key: string): StoredAsset => ({ ...scores, partition: single(key) });

    it("stores a partition as the table <key>/<partition>, named so in the metadata, with a version of its own", async () => {
      const first = await manager.store(day('2026-01-05'), tableOf(scores, scoreRows));
      await manager.store(day('2026-01-06'), tableOf(scores, scoreRows.slice(0, 1)));
      await manager.store({ ...scores, partition: multi('2026-01-05', 'eu') }, tableOf(scores, scoreRows));
      expect(first.metadata.table).toBe(`${schema}.scores/2026-01-05`);
      expect(await tablesInSchema()).toEqual(['_strata_versions', 'scores/2026-01-05', 'scores/2026-01-06', 'scores/date=2026-01-05/region=eu']);
      expect((await server.query(`SELECT count(*)::int AS n FROM "${schema}"."scores/2026-01-06"`)).rows[0]).toEqual({ n: 1 });
      expect((await server.query(`SELECT asset FROM "${schema}"._strata_versions ORDER BY asset`)).rows.map((row) => row.asset)).toEqual([
        'scores/2026-01-05',
        'scores/2026-01-06',
        'scores/date=2026-01-05/region=eu',
      ]);
    });

    it('notices a partition changed outside Strata, and only that one', async () => {
      const first = await manager.store(day('2026-01-05'), tableOf(scores, scoreRows));
      const second = await manager.store(day('2026-01-06'), tableOf(scores, scoreRows));
      await server.query(`DELETE FROM "${schema}"."scores/2026-01-05" WHERE id = 1`);
      expect(await manager.dataVersion(day('2026-01-05'))).toBe((await new MemoryIOManager().store(scores, tableOf(scores, scoreRows.slice(1)))).dataVersion);
      expect(await manager.dataVersion(day('2026-01-05'))).not.toBe(first.dataVersion);
      expect(await manager.dataVersion(day('2026-01-06'))).toBe(second.dataVersion);
    });

    it('names the table of a long key within 63 bytes, and keeps long keys that differ at the end apart', async () => {
      const long = '2026-01-05-'.repeat(10);
      const a = await manager.store(day(`${long}a`), tableOf(scores, scoreRows));
      const b = await manager.store(day(`${long}b`), tableOf(scores, scoreRows.slice(1)));
      expect(a.metadata.table).not.toBe(b.metadata.table);
      for (const name of await tablesInSchema()) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
      expect((await manager.load(day(`${long}a`))).rows()).toEqual(scoreRows);
      expect((await manager.load(day(`${long}b`))).rows()).toEqual(scoreRows.slice(1));
    });

    it('names the partition and the command that makes it when its table is missing', async () => {
      const error = await manager.load(day('2026-01-05')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IOManagerError);
      expect((error as IOManagerError).message).toBe(`Cannot load partition "2026-01-05" of asset "scores": table ${schema}.scores/2026-01-05 in ${manager.location} does not exist.`);
      expect((error as IOManagerError).hint).toBe('Materialize it with `assets materialize --select scores --partition 2026-01-05`.');
    });
  });

  it('deletes the table and its version', async () => {
    await manager.store(scores, tableOf(scores, scoreRows));
    expect(await manager.delete(scores)).toBe(true);
    expect(await tablesInSchema()).toEqual(['_strata_versions']);
    expect((await server.query(`SELECT count(*)::int AS n FROM "${schema}"._strata_versions`)).rows[0]).toEqual({ n: 0 });
    expect(await manager.delete(scores)).toBe(false);
  });
});
