import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StrataError } from '../../src/core/errors.js';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { latestSqliteSchemaVersion } from '../../src/storage/sqlite-migrations.js';
import { describeInstanceStorageContract } from './storage-contract.js';

describeInstanceStorageContract('SQLite file', async () => {
  const home = await mkdtemp(path.join(os.tmpdir(), 'strata-storage-'));
  const storage = await SqliteInstanceStorage.open({ home });
  return {
    storage,
    async cleanup() {
      await storage.close();
      await rm(home, { recursive: true, force: true });
    },
  };
});

describeInstanceStorageContract('SQLite in memory', async () => {
  const storage = await SqliteInstanceStorage.open({ path: ':memory:' });
  return { storage, cleanup: () => storage.close() };
});

describe('SqliteInstanceStorage', () => {
  let home: string;

  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'strata-storage-'));
  });

  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('keeps the instance key when the file is reopened, by this or another connection', async () => {
    const first = await SqliteInstanceStorage.open({ home });
    const second = await SqliteInstanceStorage.open({ home });
    const key = await first.instanceKey();
    expect(await second.instanceKey()).toBe(key);
    await first.close();
    await second.close();
    const reopened = await SqliteInstanceStorage.open({ home });
    expect(await reopened.instanceKey()).toBe(key);
    await reopened.close();
  });

  it('keeps runs, events and materializations after closing and reopening the file', async () => {
    const first = await SqliteInstanceStorage.open({ home });
    await first.createRun({
      runId: 'r1',
      status: 'started',
      selection: 'users+',
      trigger: 'schedule:daily-data-refresh',
      startedAt: new Date('2024-01-01T02:00:00.000Z'),
      endedAt: null,
      pid: 99,
      hostname: 'box',
    });
    await first.write({
      events: [
        { runId: 'r1', time: new Date(1), type: 'run-start', assetKey: null, attempt: null, level: 'info', message: 'go', data: { n: 1 } },
      ],
      materializations: [
        {
          runId: 'r1',
          assetKey: 'users',
          partition: null,
          materializedAt: new Date(2),
          codeVersion: 'c',
          dataVersion: 'd',
          inputDataVersions: {},
          configVersions: {},
          reasons: ['missing'],
          durationMs: 1,
          metadata: {},
        },
      ],
    });
    await first.finishRun('r1', 'success', new Date('2024-01-01T02:00:05.000Z'));
    await first.close();

    const second = await SqliteInstanceStorage.open({ home });
    try {
      expect(await second.getRun('r1')).toMatchObject({ status: 'success', trigger: 'schedule:daily-data-refresh', pid: 99 });
      expect((await second.runEvents('r1')).map((e) => e.data)).toEqual([{ n: 1 }]);
      expect((await second.latestMaterializations()).get('users')?.dataVersion).toBe('d');
    } finally {
      await second.close();
    }
  });

  it('creates the home folder when it is missing, and the database in WAL mode', async () => {
    const nested = path.join(home, 'a', 'b');
    const storage = await SqliteInstanceStorage.open({ home: nested });
    expect(storage.location).toBe(path.join(nested, 'strata.db'));
    await storage.close();

    const raw = new Database(path.join(nested, 'strata.db'), { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(latestSqliteSchemaVersion);
    } finally {
      raw.close();
    }
  });

  it('reports a file that is not a SQLite database as corrupt, naming it and how to recover', async () => {
    const file = path.join(home, 'strata.db');
    await writeFile(file, 'this is a CSV, not a database\n'.repeat(200));
    const error = await SqliteInstanceStorage.open({ home }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StrataError);
    expect((error as StrataError).code).toBe('STRATA_STORAGE_CORRUPT');
    expect((error as StrataError).message).toContain(file);
    expect((error as StrataError).hint).toMatch(/Move it aside.*planned as missing/s);
  });

  it('refuses a database written by a newer Strata and leaves it untouched', async () => {
    const file = path.join(home, 'strata.db');
    const newer = latestSqliteSchemaVersion + 1;
    const raw = new Database(file);
    raw.pragma(`user_version = ${newer}`);
    raw.exec('CREATE TABLE from_the_future (x INTEGER)');
    raw.close();

    const error = await SqliteInstanceStorage.open({ home }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StrataError);
    expect((error as StrataError).code).toBe('STRATA_STORAGE_TOO_NEW');
    expect((error as StrataError).message).toContain(`schema version ${newer}`);
    expect((error as StrataError).message).toContain(`supports up to ${latestSqliteSchemaVersion}`);
    expect((error as StrataError).message).toContain(file);
    expect((error as StrataError).hint).toMatch(/upgrade Strata/);

    const after = new Database(file, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(newer);
      expect(after.prepare("SELECT name FROM sqlite_master WHERE name = 'runs'").get()).toBeUndefined();
    } finally {
      after.close();
    }
  });

  it('reports a stored row whose JSON was damaged, naming the table and row', async () => {
    const storage = await SqliteInstanceStorage.open({ home });
    try {
      await storage.createRun({
        runId: 'r1',
        status: 'started',
        selection: '*',
        trigger: 'cli',
        startedAt: new Date(0),
        endedAt: null,
        pid: 1,
        hostname: 'h',
      });
      const raw = new Database(storage.location);
      raw
        .prepare(
          `INSERT INTO materializations (run_id, asset_key, materialized_at, code_version, data_version,
             input_data_versions, reasons, duration_ms, metadata)
           VALUES ('r1', 'users', 0, 'c', 'd', '{}', '["missing"]', 1, '{"rows": 3')`,
        )
        .run();
      raw.close();

      const error = await storage.latestMaterializations().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(StrataError);
      expect((error as StrataError).code).toBe('STRATA_STORAGE_INVALID_ROW');
      expect((error as StrataError).message).toMatch(/Row 1 of table materializations/);
      expect((error as StrataError).message).toMatch(/not valid JSON/);
    } finally {
      await storage.close();
    }
  });

  it('judges and stores lease times by the caller\'s now: one machine, one clock', async () => {
    const storage = await SqliteInstanceStorage.open({ path: ':memory:' });
    const at = (seconds: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds));
    const request = (runId: string, seconds: number) => ({
      assetKey: 'users',
      runId,
      pid: 100,
      hostname: 'host-a',
      now: at(seconds),
      ttlMs: 10_000,
    });
    try {
      await storage.acquireAssetLease(request('r1', 0));
      expect(await storage.acquireAssetLease(request('r2', 9))).toEqual({
        acquired: false,
        holder: { assetKey: 'users', runId: 'r1', pid: 100, hostname: 'host-a', acquiredAt: at(0), expiresAt: at(10) },
      });
      expect(await storage.acquireAssetLease(request('r2', 10))).toEqual({ acquired: true });
      await storage.renewAssetLeases('r2', at(18), 10_000);
      expect((await storage.acquireAssetLease(request('r1', 27))).acquired).toBe(false);
      expect((await storage.acquireAssetLease(request('r1', 28))).acquired).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it('keeps in-memory databases apart from each other', async () => {
    const one = await SqliteInstanceStorage.open({ path: ':memory:' });
    const two = await SqliteInstanceStorage.open({ path: ':memory:' });
    try {
      await one.createRun({
        runId: 'r1',
        status: 'started',
        selection: '*',
        trigger: 'cli',
        startedAt: new Date(0),
        endedAt: null,
        pid: 1,
        hostname: 'h',
      });
      expect(await two.getRun('r1')).toBeUndefined();
    } finally {
      await one.close();
      await two.close();
    }
  });
});
