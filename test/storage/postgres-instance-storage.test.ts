import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrataError } from '../../src/core/errors.js';
import type { RunRecord } from '../../src/storage/instance-storage.js';
import { PostgresInstanceStorage } from '../../src/storage/postgres-instance-storage.js';
import { latestPostgresSchemaVersion, migratePostgres, postgresMigrations, schemaVersion } from '../../src/storage/postgres-migrations.js';
import { startTestPostgres, type TestPostgres } from './embedded-postgres.js';
import { describeInstanceStorageContract } from './storage-contract.js';

let server: TestPostgres;

beforeAll(async () => {
  server = await startTestPostgres();
});

afterAll(async () => {
  await server?.stop();
});

// A schema per test: every test starts from an empty, newly migrated instance.
describeInstanceStorageContract('Postgres', async () => {
  const storage = await PostgresInstanceStorage.open({ connectionString: server.connectionString, schema: server.uniqueSchema('contract') });
  return { storage, cleanup: () => storage.close() };
});

describe('PostgresInstanceStorage', () => {
  it('migrates a new database once when several processes open it at once', async () => {
    const url = await server.createDatabase();
    const opened = await Promise.all(
      Array.from({ length: 4 }, () => PostgresInstanceStorage.open({ connectionString: url, maxConnections: 2 })),
    );
    try {
      const check = new PostgresProbe(url);
      try {
        const { rows } = await check.query<{ version: number }>('SELECT version FROM strata.schema_migrations ORDER BY version');
        expect(rows.map((row) => row.version)).toEqual(postgresMigrations.map((migration) => migration.version));
      } finally {
        await check.end();
      }
      // They all see one instance.
      const keys = await Promise.all(opened.map((storage) => storage.instanceKey()));
      expect(new Set(keys).size).toBe(1);
      await opened[0]!.createRun(run({ runId: 'seen-by-all' }));
      for (const storage of opened) expect((await storage.getRun('seen-by-all'))?.runId).toBe('seen-by-all');
    } finally {
      await Promise.all(opened.map((storage) => storage.close()));
    }
  });

  it('numbers the migrations 1, 2, ... in order, the last one being the latest version', () => {
    expect(postgresMigrations.map((m) => m.version)).toEqual(postgresMigrations.map((_, index) => index + 1));
    expect(latestPostgresSchemaVersion).toBe(postgresMigrations.length);
  });

  it('applies pending migrations in one transaction: a failing one leaves no trace, not even the schema', async () => {
    const schema = server.uniqueSchema('broken');
    const broken = [...postgresMigrations, { version: latestPostgresSchemaVersion + 1, description: 'broken', sql: 'CREATE TABLE runs (id integer)' }];
    const client = new pg.Client({ connectionString: server.connectionString });
    await client.connect();
    try {
      await expect(migratePostgres(client, schema, 'test', broken)).rejects.toMatchObject({ code: '42P07' });
      expect(await schemaVersion(client, schema)).toBe(0);
      const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      expect(rows).toEqual([]);
      // Without the broken step, the same schema migrates from nothing.
      await migratePostgres(client, schema, 'test', postgresMigrations);
      expect(await schemaVersion(client, schema)).toBe(latestPostgresSchemaVersion);
    } finally {
      await client.end();
    }
  });

  it('moves a version-3 queued run\'s request and tags onto the run', async () => {
    const schema = server.uniqueSchema('v3queue');
    const client = new pg.Client({ connectionString: server.connectionString });
    await client.connect();
    try {
      await migratePostgres(client, schema, 'test', postgresMigrations.slice(0, 3));
      await client.query(`
        INSERT INTO ${schema}.runs (run_id, status, selection, triggered_by, started_at) VALUES ('q1', 'queued', 'job refresh', 'cli', now()), ('q2', 'queued', '+users', 'cli', now());
        INSERT INTO ${schema}.queued_runs (run_id, request) VALUES ('q1', '{"job":"refresh","tags":{"team":"data"}}'), ('q2', '{"select":"+users"}');
      `);
    } finally {
      await client.end();
    }
    const storage = await PostgresInstanceStorage.open({ connectionString: server.connectionString, schema });
    try {
      expect(await storage.getRun('q1')).toMatchObject({ tags: { team: 'data' }, request: { job: 'refresh' }, parentRunId: null });
      expect(await storage.getRun('q2')).toMatchObject({ tags: {}, request: { select: '+users' } });
      expect((await storage.queuedRuns()).map((entry) => entry.request)).toEqual([{ job: 'refresh' }, { select: '+users' }]);
    } finally {
      await storage.close();
    }
  });

  it('indexes what the CLI looks up: latest materializations and check results, runs by start, status and parent, events, ticks, leases, pool slots, launches', async () => {
    const schema = server.uniqueSchema('indexes');
    const storage = await PostgresInstanceStorage.open({ connectionString: server.connectionString, schema });
    await storage.close();
    const { rows } = await server.query<{ name: string; definition: string }>(
      `SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = $1 AND indexname NOT LIKE '%\\_pkey' AND indexname <> 'runs_run_id_key' ORDER BY indexname`,
      [schema],
    );
    expect(Object.fromEntries(rows.map((row) => [row.name, row.definition.replace(/^.* USING btree /, '')]))).toEqual({
      asset_leases_by_run: '(run_id)',
      backfill_targets_by_position: '(backfill_id, "position")',
      backfill_targets_by_status: '(backfill_id, status)',
      backfills_backfill_id_key: '(backfill_id)',
      backfills_by_creation: '(created_at DESC, id DESC)',
      check_results_by_check: '(asset_key, check_name, id DESC)',
      check_results_by_run: '(run_id)',
      events_by_run: '(run_id, seq)',
      launches_by_job: '(job, run_id)',
      launches_by_run: '(run_id) WHERE (run_id IS NOT NULL)',
      launches_by_run_key: '(triggered_by, run_key) WHERE (run_key IS NOT NULL)',
      materializations_by_asset: '(asset_key, id DESC)',
      materializations_by_partition: '(asset_key, partition, id DESC)',
      materializations_by_run: '(run_id)',
      pool_slots_by_run: '(run_id)',
      runs_by_parent: '(parent_run_id, started_at DESC, id DESC)',
      runs_by_start: '(started_at DESC, id DESC)',
      runs_by_status: '(status, started_at DESC, id DESC)',
      ticks_by_instigator: '(kind, name, id DESC)',
    });
  });

  it('refuses a schema written by a newer Strata and leaves it untouched', async () => {
    const schema = server.uniqueSchema('future');
    const newer = latestPostgresSchemaVersion + 1;
    await server.query(`CREATE SCHEMA ${schema}`);
    await server.query(`CREATE TABLE ${schema}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    await server.query(`INSERT INTO ${schema}.schema_migrations (version, description) VALUES ($1, 'from the future')`, [newer]);
    await server.query(`CREATE TABLE ${schema}.from_the_future (x integer)`);

    const error = await PostgresInstanceStorage.open({ connectionString: server.connectionString, schema }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StrataError);
    expect((error as StrataError).code).toBe('STRATA_STORAGE_TOO_NEW');
    expect((error as StrataError).message).toContain(`schema version ${newer}`);
    expect((error as StrataError).message).toContain(`supports up to ${latestPostgresSchemaVersion}`);
    expect((error as StrataError).message).toContain(`schema "${schema}"`);
    expect((error as StrataError).hint).toMatch(/upgrade Strata/);

    expect(await tablesOf(schema)).toEqual(['from_the_future', 'schema_migrations']);
    const { rows } = await server.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`);
    expect(rows).toEqual([{ version: newer }]);
  });

  it('keeps its tables in the schema it is given, whatever characters name it', async () => {
    const url = await server.createDatabase();
    const schema = `Team "A"; DROP TABLE runs; --`;
    const custom = await PostgresInstanceStorage.open({ connectionString: url, schema });
    const standard = await PostgresInstanceStorage.open({ connectionString: url });
    const check = new PostgresProbe(url);
    try {
      expect(custom.schema).toBe(schema);
      expect(standard.schema).toBe('strata');
      await custom.createRun(run({ runId: 'in-custom' }));
      expect(await standard.getRun('in-custom')).toBeUndefined();
      expect((await custom.getRun('in-custom'))?.runId).toBe('in-custom');

      const { rows } = await check.query<{ schema: string; tables: number }>(
        `SELECT table_schema AS schema, count(*)::int AS tables FROM information_schema.tables
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema') GROUP BY table_schema ORDER BY table_schema`,
      );
      const expected = 18; // seventeen tables and schema_migrations
      expect(rows).toEqual([
        { schema, tables: expected },
        { schema: 'strata', tables: expected },
      ]);
    } finally {
      await check.end();
      await custom.close();
      await standard.close();
    }
  });

  it('refuses a schema name that Postgres would truncate, before connecting', async () => {
    const error = await PostgresInstanceStorage.open({ connectionString: 'postgres://nobody@127.0.0.1:1/none', schema: 'x'.repeat(64) }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'STRATA_STORAGE_INVALID_ARGUMENT' });
    expect((error as StrataError).message).toMatch(/1 to 63 bytes/);
  });

  it('reports a database it cannot reach as STRATA_STORAGE_OPEN, without printing the password', async () => {
    const url = `postgres://strata:hunter2@127.0.0.1:${server.port}/no_such_database`;
    const error = await PostgresInstanceStorage.open({ connectionString: url }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StrataError);
    expect((error as StrataError).code).toBe('STRATA_STORAGE_OPEN');
    expect((error as StrataError).message).toContain(`127.0.0.1:${server.port}/no_such_database`);
    expect((error as StrataError).message).not.toContain('hunter2');
    expect((error as StrataError).hint).toMatch(/connection string/);
  });

  it('reports a stored row that breaks its schema, naming the table and row', async () => {
    const schema = server.uniqueSchema('damaged');
    const storage = await PostgresInstanceStorage.open({ connectionString: server.connectionString, schema });
    try {
      await storage.createRun(run());
      await server.query(
        `INSERT INTO ${schema}.materializations (run_id, asset_key, materialized_at, code_version, data_version,
           input_data_versions, config_versions, reasons, duration_ms, metadata)
         VALUES ('r1', 'users', now(), 'c', 'd', '{}', '{}', '["missing"]', 1, '[1, 2]')`,
      );
      const error = await storage.latestMaterializations().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: 'STRATA_STORAGE_INVALID_ROW' });
      expect((error as StrataError).message).toMatch(/Row 1 of table materializations/);
      expect((error as StrataError).message).toMatch(/metadata/);
    } finally {
      await storage.close();
    }
  });

  it('refuses text that Postgres cannot hold and writes nothing of its batch', async () => {
    const storage = await PostgresInstanceStorage.open({ connectionString: server.connectionString, schema: server.uniqueSchema('nul') });
    try {
      await storage.createRun(run());
      const event = { runId: 'r1', time: new Date(), type: 'log', assetKey: 'users', attempt: 1, level: 'info', data: null } as const;
      const error = await storage.write({ events: [{ ...event, message: 'fine' }, { ...event, message: 'nul \0 here' }] }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: 'STRATA_STORAGE_INVALID_RECORD' });
      expect((error as StrataError).hint).toMatch(/NUL/);
      expect(await storage.runEvents('r1')).toEqual([]);
    } finally {
      await storage.close();
    }
  });

  describe('leases on the database clock', () => {
    let storage: PostgresInstanceStorage;

    beforeAll(async () => {
      storage = await PostgresInstanceStorage.open({ connectionString: server.connectionString, schema: server.uniqueSchema('leases') });
    });

    afterAll(async () => {
      await storage.close();
    });

    const lease = (assetKey: string, runId: string, now: Date, ttlMs: number) => ({ assetKey, runId, pid: 1, hostname: 'h', now, ttlMs });

    it('stores the server time, not the caller\'s, and a caller whose clock runs ahead cannot take a live lease', async () => {
      const before = await databaseNow();
      expect(await storage.acquireAssetLease(lease('a', 'r1', new Date('2000-01-01T00:00:00Z'), 60_000))).toEqual({ acquired: true });
      const after = await databaseNow();

      const refused = await storage.acquireAssetLease(lease('a', 'r2', new Date('2100-01-01T00:00:00Z'), 60_000));
      if (refused.acquired) throw new Error('a caller an hour ahead took a live lease');
      expect(refused.holder.acquiredAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
      expect(refused.holder.acquiredAt.getTime()).toBeLessThanOrEqual(after.getTime());
      expect(refused.holder.expiresAt.getTime() - refused.holder.acquiredAt.getTime()).toBe(60_000);
    });

    it('frees an expired lease to a caller whose clock lags behind', async () => {
      await storage.acquireAssetLease(lease('b', 'r1', new Date(), 0));
      expect(await storage.acquireAssetLease(lease('b', 'r2', new Date('2000-01-01T00:00:00Z'), 60_000))).toEqual({ acquired: true });
    });

    it('renews from the server time whatever now the heartbeat passes', async () => {
      await storage.acquireAssetLease(lease('c', 'r1', new Date(), 0));
      const before = await databaseNow();
      await storage.renewAssetLeases('r1', new Date('2000-01-01T00:00:00Z'), 60_000);
      const refused = await storage.acquireAssetLease(lease('c', 'r2', new Date(), 60_000));
      if (refused.acquired) throw new Error('a renewed lease was taken');
      expect(refused.holder.expiresAt.getTime()).toBeGreaterThanOrEqual(before.getTime() + 60_000);
    });

    it('grants an asset to exactly one of many runs racing for it from two processes', async () => {
      const other = await PostgresInstanceStorage.open({ connectionString: server.connectionString, schema: storage.schema });
      try {
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, index) =>
            (index % 2 === 0 ? storage : other).acquireAssetLease(lease('raced', `racer-${index}`, new Date(), 60_000)),
          ),
        );
        const winners = results.flatMap((result, index) => (result.acquired ? [`racer-${index}`] : []));
        expect(winners).toHaveLength(1);
        for (const result of results) if (!result.acquired) expect(result.holder.runId).toBe(winners[0]);
      } finally {
        await other.close();
      }
    });

    it('refuses a ttl that is not a finite, non-negative number of milliseconds', async () => {
      await expect(storage.acquireAssetLease(lease('d', 'r1', new Date(), -1))).rejects.toMatchObject({ code: 'STRATA_STORAGE_INVALID_ARGUMENT' });
      await expect(storage.renewAssetLeases('r1', new Date(), Number.NaN)).rejects.toMatchObject({ code: 'STRATA_STORAGE_INVALID_ARGUMENT' });
    });
  });

  describe('connections', () => {
    it('keeps working after the server ends its connections, as on a restart', async () => {
      const schema = server.uniqueSchema('reconnect');
      const storage = await PostgresInstanceStorage.open({ connectionString: server.connectionString, schema });
      try {
        await storage.createRun(run());
        const ended = await server.query<{ ended: number }>(
          `SELECT count(pg_terminate_backend(pid))::int AS ended FROM pg_stat_activity
           WHERE application_name = 'strata' AND pid <> pg_backend_pid()`,
        );
        expect(ended.rows[0]!.ended).toBeGreaterThan(0);
        // Once the server shows them gone, their sockets have closed too: the
        // pool's error handler saw each idle connection fail (without it the
        // process would crash here) and dropped it.
        for (let polls = 0; polls < 1000; polls += 1) {
          const left = await server.query<{ left: number }>(`SELECT count(*)::int AS left FROM pg_stat_activity WHERE application_name = 'strata'`);
          if (left.rows[0]!.left === 0) break;
        }
        await new Promise((resolve) => setImmediate(resolve));
        expect((await storage.getRun('r1'))?.runId).toBe('r1');
      } finally {
        await storage.close();
      }
    });

    it('reports a database that went away as STRATA_STORAGE_UNAVAILABLE, retryable', async () => {
      const gone = await startTestPostgres();
      const storage = await PostgresInstanceStorage.open({ connectionString: gone.connectionString });
      try {
        await storage.createRun(run());
        await gone.stop();
        const error = await storage.getRun('r1').then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(StrataError);
        expect((error as StrataError).code).toBe('STRATA_STORAGE_UNAVAILABLE');
        expect((error as StrataError).retryable).toBe(true);
        expect((error as StrataError).message).toContain('(schema "strata")');
      } finally {
        await storage.close();
      }
    });
  });

  describe('concurrent writers', () => {
    const BATCHES = 100;
    const ASSETS = 10;
    const RUNS_PER_WRITER = 3;

    it('lose no row when several processes write runs at once', async () => {
      const schema = server.uniqueSchema('concurrent');
      // Each writer is a separate pool, as each process would have; every
      // writer runs three runs at once, each run writing its batches in order.
      const writers = await Promise.all(
        ['a', 'b'].map(() => PostgresInstanceStorage.open({ connectionString: server.connectionString, schema, maxConnections: 3 })),
      );
      const runIds = ['a', 'b'].flatMap((writer) => Array.from({ length: RUNS_PER_WRITER }, (_, index) => `${writer}-${index}`));
      try {
        await Promise.all(
          runIds.map(async (runId) => {
            const storage = writers[runId.startsWith('a') ? 0 : 1]!;
            await storage.createRun(run({ runId, startedAt: new Date() }));
            for (let batch = 0; batch < BATCHES; batch += 1) {
              const assetKey = `asset_${batch % ASSETS}`;
              const time = new Date();
              await storage.write({
                events: [
                  { runId, time, type: 'step-start', assetKey, attempt: 1, level: 'info', message: `${batch} start`, data: null },
                  { runId, time, type: 'log', assetKey, attempt: 1, level: 'debug', message: `${batch} log`, data: { batch } },
                  { runId, time, type: 'step-success', assetKey, attempt: 1, level: 'info', message: `${batch} success`, data: null },
                ],
                materializations: [
                  {
                    runId,
                    assetKey,
                    partition: null,
                    materializedAt: time,
                    codeVersion: 'c',
                    dataVersion: `${runId}:${batch}`,
                    inputDataVersions: {},
                    configVersions: {},
                    reasons: ['forced'],
                    durationMs: 0,
                    metadata: { batch },
                  },
                ],
              });
            }
            await storage.finishRun(runId, 'success', new Date());
          }),
        );
      } finally {
        await Promise.all(writers.map((storage) => storage.close()));
      }

      const reader = await PostgresInstanceStorage.open({ connectionString: server.connectionString, schema });
      try {
        expect((await reader.listRuns({ status: 'success' })).map((r) => r.runId).sort()).toEqual([...runIds].sort());
        const expectedMessages = Array.from({ length: BATCHES }, (_, batch) => [`${batch} start`, `${batch} log`, `${batch} success`]).flat();
        for (const runId of runIds) {
          expect((await reader.runEvents(runId)).map((e) => e.message)).toEqual(expectedMessages);
        }
        for (let asset = 0; asset < ASSETS; asset += 1) {
          const history = await reader.materializationHistory(`asset_${asset}`);
          expect(history).toHaveLength((runIds.length * BATCHES) / ASSETS);
          // Each run's own materializations stay in its write order (newest first).
          const ownBatches = Array.from({ length: BATCHES / ASSETS }, (_, i) => asset + i * ASSETS).reverse();
          for (const runId of runIds) {
            expect(history.filter((m) => m.runId === runId).map((m) => m.metadata['batch'])).toEqual(ownBatches);
          }
        }
      } finally {
        await reader.close();
      }
    });
  });
});

/** A plain connection, to check what the storage left in a database. */
class PostgresProbe {
  readonly #client: pg.Client;
  #connected: Promise<unknown> | undefined;

  constructor(url: string) {
    this.#client = new pg.Client({ connectionString: url });
  }

  async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    this.#connected ??= this.#client.connect();
    await this.#connected;
    return this.#client.query<R>(sql, params);
  }

  async end(): Promise<void> {
    if (this.#connected !== undefined) await this.#client.end();
  }
}

async function tablesOf(schema: string): Promise<string[]> {
  const { rows } = await server.query<{ name: string }>(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return rows.map((row) => row.name);
}

async function databaseNow(): Promise<Date> {
  const { rows } = await server.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  return rows[0]!.now;
}

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: 'r1',
    status: 'started',
    selection: '*',
    trigger: 'cli',
    startedAt: new Date('2024-01-01T00:00:00Z'),
    endedAt: null,
    pid: 1,
    hostname: 'h',
    tags: {},
    parentRunId: null,
    request: null,
    ...overrides,
  };
}
