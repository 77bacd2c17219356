import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IOManagerError } from '../../src/core/errors.js';
import type { StoredAsset } from '../../src/core/io-manager.js';
import type { Row } from '../../src/core/table.js';
import { PARQUET_ROW_GROUP_ROWS, ParquetIOManager } from '../../src/io-managers/parquet-io-manager.js';
import { describeIOManagerContract, everyKindAsset, everyKindRows, scoresAsset, storedFileNames, tableOf } from './io-manager-contract.js';

describeIOManagerContract('ParquetIOManager', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-parquet-contract-'));
  return {
    // A base folder that does not exist yet: the manager must create it.
    manager: new ParquetIOManager({ baseDir: join(dir, 'output') }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
    storedNames: () => storedFileNames(dir, join(dir, 'output'), 'parquet'),
  };
});

/** The rows DuckDB reads from a file, with BIGINTs as numbers (every integer we store is a safe one). */
async function duckdbRows(sql: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    return rows.map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, typeof value === 'bigint' ? Number(value) : (value as Row[string])])));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('ParquetIOManager', () => {
  let dir: string;
  let manager: ParquetIOManager;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-parquet-'));
    manager = new ParquetIOManager({ baseDir: dir });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes files DuckDB reads as the same table, with typed columns and nulls where they were', async () => {
    await manager.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows));
    const path = manager.pathOf(everyKindAsset);
    expect(await duckdbRows(`SELECT * FROM read_parquet('${path}')`)).toEqual(everyKindRows);
    const types = await duckdbRows(`SELECT column_name, column_type, "null" FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`);
    expect(types.map((column) => `${column.column_name} ${column.column_type}`)).toEqual([
      'id BIGINT',
      'text VARCHAR',
      'amount DOUBLE',
      'active BOOLEAN',
      'maybe_text VARCHAR',
      'maybe_amount DOUBLE',
      'maybe_count BIGINT',
      'maybe_active BOOLEAN',
    ]);
    const required = await duckdbRows(`SELECT name, repetition_type FROM parquet_schema('${path}') WHERE name <> 'root'`);
    expect(required.map((column) => `${column.name} ${column.repetition_type}`)).toEqual(everyKindAsset.columns.map((column) => `${column.name} ${column.nullable ? 'OPTIONAL' : 'REQUIRED'}`));
  });

  it('writes a large table in row groups, which DuckDB and the manager read back whole', async () => {
    const asset: StoredAsset = { key: 'large', columns: [{ name: 'n', kind: 'integer', nullable: false }, { name: 'label', kind: 'string', nullable: true }] };
    const rows: Row[] = Array.from({ length: 2 * PARQUET_ROW_GROUP_ROWS + 17 }, (_, n) => ({ n, label: n % 5 === 0 ? null : `row ${n}` }));
    await manager.store(asset, tableOf(asset, rows));
    const path = manager.pathOf(asset);
    expect(await duckdbRows(`SELECT row_group_id, row_group_num_rows FROM parquet_metadata('${path}') WHERE column_id = 0 ORDER BY row_group_id`)).toEqual([
      { row_group_id: 0, row_group_num_rows: PARQUET_ROW_GROUP_ROWS },
      { row_group_id: 1, row_group_num_rows: PARQUET_ROW_GROUP_ROWS },
      { row_group_id: 2, row_group_num_rows: 17 },
    ]);
    expect(await duckdbRows(`SELECT count(*) AS rows, sum(n) AS total, count(label) AS labels FROM read_parquet('${path}')`)).toEqual([
      { rows: rows.length, total: (rows.length * (rows.length - 1)) / 2, labels: rows.filter((row) => row.label !== null).length },
    ]);
    const loaded = await manager.load(asset);
    expect(loaded.column('n')).toEqual(rows.map((row) => row.n));
    expect(loaded.column('label')).toEqual(rows.map((row) => row.label));
  });

  it('loads a file DuckDB wrote, whose columns are all OPTIONAL, and rejects a null in a column that is not nullable', async () => {
    const path = manager.pathOf(scoresAsset);
    await duckdbRows(`COPY (SELECT * FROM (VALUES (1, 'ada', 2.5), (2, 'grace', NULL)) t(id, name, score)) TO '${path}' (FORMAT parquet)`);
    expect((await manager.load(scoresAsset)).rows()).toEqual([
      { id: 1, name: 'ada', score: 2.5 },
      { id: 2, name: 'grace', score: null },
    ]);
    await duckdbRows(`COPY (SELECT * FROM (VALUES (1, NULL::VARCHAR, 2.5)) t(id, name, score)) TO '${path}' (FORMAT parquet)`);
    await expect(manager.load(scoresAsset)).rejects.toThrow(/has null in row 0 of column "name", which is not nullable/);
  });

  it("says which column a file lacks or holds as the wrong type, with a hint to re-materialize", async () => {
    const path = manager.pathOf(scoresAsset);
    await duckdbRows(`COPY (SELECT 1 AS id, 'ada' AS name) TO '${path}' (FORMAT parquet)`);
    const missing = manager.load(scoresAsset);
    await expect(missing).rejects.toThrow(IOManagerError);
    await expect(missing).rejects.toThrow(`${path} has no such column for column "score" (number).`);
    await duckdbRows(`COPY (SELECT 'one' AS id, 'ada' AS name, 1.5 AS score) TO '${path}' (FORMAT parquet)`);
    await expect(manager.load(scoresAsset)).rejects.toThrow('has a column of type BYTE_ARRAY for column "id" (integer)');
  });

  it('fails to load a file that is not Parquet, naming it, and does not leave it open', async () => {
    await writeFile(manager.pathOf(scoresAsset), 'id,name,score\n1,ada,2\n');
    await expect(manager.load(scoresAsset)).rejects.toThrow(/^Cannot read .*scores\.parquet as Parquet: /);
    expect(await manager.delete(scoresAsset)).toBe(true);
  });

  it('versions the file by the sha256 of its bytes, hashed as they were written, and leaves no temp file', async () => {
    const stored = await manager.store(scoresAsset, tableOf(scoresAsset, [{ id: 1, name: 'ada', score: null }]));
    const bytes = await readFile(manager.pathOf(scoresAsset));
    expect(stored.dataVersion).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(stored.metadata.bytes).toBe(bytes.length);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(await readdir(dir)).toEqual(['scores.parquet']);
  });
});
