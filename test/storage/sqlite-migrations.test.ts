import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import {
  latestSqliteSchemaVersion,
  migrateSqlite,
  sqliteMigrations,
} from '../../src/storage/sqlite-migrations.js';

describe('SQLite schema migrations', () => {
  let home: string;
  let file: string;

  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'strata-migrations-'));
    file = path.join(home, 'strata.db');
  });

  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('numbers the migrations 1, 2, ... in order, the last one being the latest version', () => {
    expect(sqliteMigrations.map((m) => m.version)).toEqual(sqliteMigrations.map((_, index) => index + 1));
    expect(latestSqliteSchemaVersion).toBe(sqliteMigrations.length);
    expect(latestSqliteSchemaVersion).toBeGreaterThanOrEqual(2);
  });

  it('migrates a version-1 database forward and still reads the data written at version 1', async () => {
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    migrateSqlite(v1, file, sqliteMigrations.slice(0, 1));
    expect(v1.pragma('user_version', { simple: true })).toBe(1);
    // Rows as Strata wrote them at version 1: runs had no pid or hostname.
    v1.exec(`
      INSERT INTO runs (run_id, status, selection, triggered_by, started_at, ended_at)
        VALUES ('old-run', 'success', 'users', 'cli', 1704067200000, 1704067260000);
      INSERT INTO events (run_id, time, type, asset_key, attempt, level, message, data)
        VALUES ('old-run', 1704067201000, 'step-success', 'users', 1, 'info', 'built users', '{"rows":10}');
      INSERT INTO materializations (run_id, asset_key, materialized_at, code_version, data_version,
          input_data_versions, reasons, duration_ms, metadata)
        VALUES ('old-run', 'users', 1704067202000, 'c1', 'd1', '{}', '["missing"]', 42, '{"rows":10}');
    `);
    v1.close();

    const storage = await SqliteInstanceStorage.open({ home });
    try {
      expect(await storage.getRun('old-run')).toEqual({
        runId: 'old-run',
        status: 'success',
        selection: 'users',
        trigger: 'cli',
        startedAt: new Date('2024-01-01T00:00:00.000Z'),
        endedAt: new Date('2024-01-01T00:01:00.000Z'),
        pid: null,
        hostname: null,
        tags: {},
        parentRunId: null,
        request: null,
      });
      expect(await storage.runEvents('old-run')).toEqual([
        {
          seq: 1,
          runId: 'old-run',
          time: new Date('2024-01-01T00:00:01.000Z'),
          type: 'step-success',
          assetKey: 'users',
          attempt: 1,
          level: 'info',
          message: 'built users',
          data: { rows: 10 },
        },
      ]);
      expect((await storage.latestMaterializations()).get('users')).toMatchObject({ runId: 'old-run', partition: null, dataVersion: 'd1', durationMs: 42 });

      // And the columns version 2 added work next to the old rows.
      await storage.createRun({
        runId: 'new-run',
        status: 'started',
        selection: '*',
        trigger: 'cli',
        startedAt: new Date('2024-02-01T00:00:00.000Z'),
        endedAt: null,
        pid: 1234,
        hostname: 'host-a',
      });
      expect((await storage.runsWithStatus('started')).map((r) => [r.runId, r.pid, r.hostname])).toEqual([['new-run', 1234, 'host-a']]);
    } finally {
      await storage.close();
    }

    const after = new Database(file, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(latestSqliteSchemaVersion);
    } finally {
      after.close();
    }
  });

  it('moves a version-8 queued run\'s request and tags onto the run', async () => {
    const v8 = new Database(file);
    migrateSqlite(v8, file, sqliteMigrations.slice(0, 8));
    v8.exec(`
      INSERT INTO runs (run_id, status, selection, triggered_by, started_at) VALUES ('q1', 'queued', 'job refresh', 'cli', 0);
      INSERT INTO queued_runs (run_id, request) VALUES ('q1', '{"job":"refresh","tags":{"team":"data"}}');
      INSERT INTO runs (run_id, status, selection, triggered_by, started_at) VALUES ('q2', 'queued', '+users', 'cli', 1);
      INSERT INTO queued_runs (run_id, request) VALUES ('q2', '{"select":"+users"}');
      INSERT INTO runs (run_id, status, selection, triggered_by, started_at) VALUES ('r1', 'success', '*', 'cli', 2);
    `);
    v8.close();

    const storage = await SqliteInstanceStorage.open({ home });
    try {
      expect(await storage.getRun('q1')).toMatchObject({ tags: { team: 'data' }, request: { job: 'refresh' }, parentRunId: null });
      expect(await storage.getRun('q2')).toMatchObject({ tags: {}, request: { select: '+users' } });
      expect(await storage.getRun('r1')).toMatchObject({ tags: {}, request: null });
      expect((await storage.queuedRuns()).map((entry) => entry.request)).toEqual([{ job: 'refresh' }, { select: '+users' }]);
    } finally {
      await storage.close();
    }
  });

  it('applies nothing to a database that is already at the latest version', () => {
    const db = new Database(file);
    try {
      migrateSqlite(db, file);
      db.exec(
        "INSERT INTO runs (run_id, status, selection, triggered_by, started_at) VALUES ('r', 'started', '*', 'cli', 0)",
      );
      migrateSqlite(db, file);
      expect(db.pragma('user_version', { simple: true })).toBe(latestSqliteSchemaVersion);
      expect(db.prepare('SELECT run_id FROM runs').all()).toEqual([{ run_id: 'r' }]);
    } finally {
      db.close();
    }
  });

  it('rolls back a migration that fails halfway and leaves the version at the last one applied', () => {
    const broken = [
      ...sqliteMigrations.slice(0, 1),
      { version: 2, description: 'fails after its first statement', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;' },
    ];
    const db = new Database(file);
    try {
      expect(() => migrateSqlite(db, file, broken)).toThrow(/no_such_table/);
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'runs'").get()).toEqual({ name: 'runs' });
    } finally {
      db.close();
    }
  });
});
