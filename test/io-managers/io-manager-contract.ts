import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IOManagerError, SchemaError } from '../../src/core/errors.js';
import {
  loadPartitions,
  SCAN_BATCH_ROWS,
  scanPartitions,
  scanStored,
  type IOManager,
  type RecordedOutput,
  type ScanOptions,
  type StoredAsset,
  type StoredPartition,
  type StoreResult,
} from '../../src/core/io-manager.js';
import type { ColumnSpec } from '../../src/core/row-schema.js';
import { Table, type CellValue, type Row } from '../../src/core/table.js';

/** A fresh, empty IO manager, and how to dispose of it (temp folders and the like). */
export interface ManagerFixture {
  readonly manager: IOManager;
  cleanup(): Promise<void>;
  /**
   * Where the manager stored tables, for those that store them under names
   * (files, database tables): each name relative to the manager's base,
   * without a file's extension (`scores`, `daily/2026-01-05`). File managers
   * list every file of the fixture's whole temp folder (`storedFileNames`),
   * so a file written outside the base shows as `../name`.
   */
  storedNames?(): Promise<string[]>;
}

/**
 * Every file under `root`, as a path relative to `base` (with `/`) less the
 * `.extension` it ends with, sorted: what a file manager's fixture reports as
 * `storedNames`. Temp files and files outside `base` are listed too, so a
 * test sees any that a store left behind or wrote where it should not.
 */
export async function storedFileNames(root: string, base: string, extension: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(base, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .map((name) => (name.endsWith(`.${extension}`) ? name.slice(0, -extension.length - 1) : name))
    .sort();
}

/** An asset with one column of every kind, each both non-nullable and nullable. */
export const everyKindAsset: StoredAsset = {
  key: 'every_kind',
  columns: [
    { name: 'id', kind: 'integer', nullable: false },
    { name: 'text', kind: 'string', nullable: false },
    { name: 'amount', kind: 'number', nullable: false },
    { name: 'active', kind: 'boolean', nullable: false },
    { name: 'maybe_text', kind: 'string', nullable: true },
    { name: 'maybe_amount', kind: 'number', nullable: true },
    { name: 'maybe_count', kind: 'integer', nullable: true },
    { name: 'maybe_active', kind: 'boolean', nullable: true },
  ],
};

/** Rows that exercise every encoding hazard: quoting, line breaks, non-ASCII, leading zeros, empty vs null, number edge cases. */
export const everyKindRows: Row[] = [
  { id: 1, text: 'plain', amount: 0, active: true, maybe_text: 'x', maybe_amount: 1.5, maybe_count: 3, maybe_active: false },
  { id: 2, text: 'Zoë 東京 🦀 naïve', amount: -1.5, active: false, maybe_text: null, maybe_amount: null, maybe_count: null, maybe_active: null },
  { id: 3, text: 'a, b, c', amount: 0.1 + 0.2, active: true, maybe_text: '', maybe_amount: -0.000123, maybe_count: -7, maybe_active: true },
  { id: 4, text: 'she said "hi"', amount: 1e21, active: false, maybe_text: '"', maybe_amount: 1e-7, maybe_count: 0, maybe_active: null },
  { id: 5, text: 'line one\nline two', amount: -0, active: true, maybe_text: 'cr\r\nlf and lone\rcr', maybe_amount: 2 ** 53 + 2, maybe_count: Number.MAX_SAFE_INTEGER, maybe_active: false },
  { id: 6, text: '01234', amount: 5e-324, active: false, maybe_text: '00', maybe_amount: Number.MAX_VALUE, maybe_count: Number.MIN_SAFE_INTEGER, maybe_active: true },
  { id: 7, text: '', amount: 123456789.123456789, active: true, maybe_text: '  padded  ', maybe_amount: 0, maybe_count: 1, maybe_active: false },
  { id: 8, text: 'null', amount: -123.45, active: false, maybe_text: 'true', maybe_amount: null, maybe_count: null, maybe_active: null },
  { id: -9, text: '1e3', amount: 42, active: true, maybe_text: ',', maybe_amount: 3, maybe_count: 2, maybe_active: true },
  { id: Number.MAX_SAFE_INTEGER, text: '"quoted", then\n"more"\n', amount: Math.PI, active: false, maybe_text: '\n', maybe_amount: -Math.E, maybe_count: 9, maybe_active: false },
];

/** A small asset (an id, a name, a nullable score) for tests of one implementation: hand-edited files and tables, errors. */
export const scoresAsset: StoredAsset = {
  key: 'scores',
  columns: [
    { name: 'id', kind: 'integer', nullable: false },
    { name: 'name', kind: 'string', nullable: false },
    { name: 'score', kind: 'number', nullable: true },
  ],
};

/** Every batch `scanStored` yields, each checked to be non-empty. */
async function scanBatches(manager: IOManager, asset: StoredAsset, options?: ScanOptions): Promise<(readonly Row[])[]> {
  const batches: (readonly Row[])[] = [];
  for await (const batch of scanStored(manager, asset, options)) {
    expect(batch.length).toBeGreaterThan(0);
    batches.push(batch);
  }
  return batches;
}

/** An asset of many rows (more than one scan batch), with the row number in every column kind. */
const manyAsset: StoredAsset = {
  key: 'many',
  columns: [
    { name: 'n', kind: 'integer', nullable: false },
    { name: 'label', kind: 'string', nullable: false },
    { name: 'half', kind: 'number', nullable: true },
    { name: 'even', kind: 'boolean', nullable: false },
  ],
};
const manyRows: Row[] = Array.from({ length: 2 * SCAN_BATCH_ROWS + 123 }, (_, n) => ({
  n,
  label: `row ${n}, "quoted"`,
  half: n % 7 === 0 ? null : n / 2,
  even: n % 2 === 0,
}));

function columnNames(asset: StoredAsset): string[] {
  return asset.columns.map((column) => column.name);
}

/** `rows` as a table of the asset's columns, in schema order. */
export function tableOf(asset: StoredAsset, rows: Row[]): Table<Row> {
  return Table.fromRows(rows, columnNames(asset));
}

/**
 * The behaviour every IO manager must have (Hono's shared router tests are
 * the model): call it from each implementation's test file with a factory
 * that returns a fresh, empty manager.
 */
export function describeIOManagerContract(name: string, makeManager: () => Promise<ManagerFixture>): void {
  describe(`${name} (IOManager contract)`, () => {
    let fixture: ManagerFixture;
    let manager: IOManager;

    beforeEach(async () => {
      fixture = await makeManager();
      manager = fixture.manager;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('round-trips every column kind, nullable or not, with every hazardous value intact', async () => {
      const table = tableOf(everyKindAsset, everyKindRows);
      await manager.store(everyKindAsset, table);
      const loaded = await manager.load(everyKindAsset);
      expect(loaded.columnNames).toEqual(columnNames(everyKindAsset));
      expect(loaded.rows()).toEqual(everyKindRows);
      // toEqual already tells -0 from 0; say it explicitly because it is the easy one to lose.
      expect(Object.is(loaded.column('amount')[4], -0)).toBe(true);
    });

    it('keeps an empty string and null apart in a nullable text column', async () => {
      const asset: StoredAsset = { key: 'empties', columns: [{ name: 'note', kind: 'string', nullable: true }] };
      const rows: Row[] = [{ note: '' }, { note: null }, { note: '' }];
      await manager.store(asset, tableOf(asset, rows));
      expect((await manager.load(asset)).column('note')).toEqual(['', null, '']);
    });

    it('round-trips a single nullable column whose values are all null', async () => {
      const asset: StoredAsset = { key: 'nulls', columns: [{ name: 'n', kind: 'number', nullable: true }] };
      await manager.store(asset, tableOf(asset, [{ n: null }, { n: null }]));
      const loaded = await manager.load(asset);
      expect(loaded.numRows).toBe(2);
      expect(loaded.column('n')).toEqual([null, null]);
    });

    it('round-trips a table with zero rows', async () => {
      const result = await manager.store(everyKindAsset, tableOf(everyKindAsset, []));
      expect(result.metadata.rows).toBe(0);
      const loaded = await manager.load(everyKindAsset);
      expect(loaded.numRows).toBe(0);
      expect(loaded.columnNames).toEqual(columnNames(everyKindAsset));
    });

    it('stores and loads only the schema columns, in schema order', async () => {
      const asset: StoredAsset = {
        key: 'subset',
        columns: [
          { name: 'b', kind: 'string', nullable: false },
          { name: 'a', kind: 'integer', nullable: false },
        ],
      };
      const table = Table.fromRows([{ a: 1, b: 'x', extra: true }], ['a', 'extra', 'b']);
      const result = await manager.store(asset, table);
      expect(result.metadata.columns).toEqual(['b', 'a']);
      const loaded = await manager.load(asset);
      expect(loaded.columnNames).toEqual(['b', 'a']);
      expect(loaded.rows()).toEqual([{ b: 'x', a: 1 }]);
    });

    it('reports rows and columns in the metadata', async () => {
      const result = await manager.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows));
      expect(result.metadata.rows).toBe(everyKindRows.length);
      expect(result.metadata.columns).toEqual(columnNames(everyKindAsset));
    });

    it('gives equal tables equal data versions', async () => {
      const first = await manager.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows));
      const rebuilt = everyKindRows.map((row) => ({ ...row }));
      const second = await manager.store(everyKindAsset, tableOf(everyKindAsset, rebuilt));
      expect(second.dataVersion).toBe(first.dataVersion);
    });

    it('gives different tables different data versions', async () => {
      const versions = new Set<string>();
      const variants: Row[][] = [
        everyKindRows,
        everyKindRows.slice(0, -1),
        [...everyKindRows].reverse(),
        everyKindRows.map((row, index) => (index === 2 ? { ...row, maybe_text: null } : row)), // '' -> null
        everyKindRows.map((row, index) => (index === 0 ? { ...row, amount: 1e-300 } : row)),
        everyKindRows.map((row, index) => (index === 4 ? { ...row, amount: 0 } : row)), // -0 -> 0
      ];
      for (const rows of variants) {
        versions.add((await manager.store(everyKindAsset, tableOf(everyKindAsset, rows))).dataVersion);
      }
      expect(versions.size).toBe(variants.length);
    });

    it('has no data version before the first store, and the stored one after it', async () => {
      expect(await manager.dataVersion(everyKindAsset)).toBeUndefined();
      const { dataVersion } = await manager.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows));
      expect(dataVersion).toMatch(/^[0-9a-f]{64}$/);
      expect(await manager.dataVersion(everyKindAsset)).toBe(dataVersion);
    });

    it('keeps the tables of different assets apart', async () => {
      const other: StoredAsset = { ...everyKindAsset, key: 'other_asset' };
      await manager.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows));
      await manager.store(other, tableOf(other, everyKindRows.slice(0, 1)));
      expect((await manager.load(everyKindAsset)).numRows).toBe(everyKindRows.length);
      expect((await manager.load(other)).numRows).toBe(1);
    });

    it('replaces the stored table when storing again', async () => {
      await manager.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows));
      const second = await manager.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows.slice(3, 5)));
      expect((await manager.load(everyKindAsset)).rows()).toEqual(everyKindRows.slice(3, 5));
      expect(await manager.dataVersion(everyKindAsset)).toBe(second.dataVersion);
    });

    it('is not affected when the caller mutates the stored arrays afterwards', async () => {
      const asset: StoredAsset = { key: 'mutable', columns: [{ name: 'v', kind: 'integer', nullable: false }] };
      const values: CellValue[] = [1, 2, 3];
      const { dataVersion } = await manager.store(asset, Table.fromColumns<Row>({ v: values }, ['v']));
      values[0] = 99;
      expect((await manager.load(asset)).column('v')).toEqual([1, 2, 3]);
      expect(await manager.dataVersion(asset)).toBe(dataVersion);
    });

    it('deletes a stored table and says whether there was one', async () => {
      await manager.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows));
      expect(await manager.delete(everyKindAsset)).toBe(true);
      expect(await manager.dataVersion(everyKindAsset)).toBeUndefined();
      await expect(manager.load(everyKindAsset)).rejects.toBeInstanceOf(IOManagerError);
      expect(await manager.delete(everyKindAsset)).toBe(false);
    });

    it('rejects loading an asset that was never stored with an IOManagerError naming it', async () => {
      const error = await manager.load(everyKindAsset).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IOManagerError);
      expect((error as IOManagerError).message).toContain('every_kind');
      expect((error as IOManagerError).hint).toBeTruthy();
    });

    describe('scan', () => {
      it('yields the rows load returns, in the same order, coerced the same way', async () => {
        await manager.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows));
        const rows = (await scanBatches(manager, everyKindAsset)).flat();
        expect(rows).toEqual((await manager.load(everyKindAsset)).rows());
        expect(rows).toEqual(everyKindRows);
        expect(Object.keys(rows[0]!)).toEqual(columnNames(everyKindAsset));
      });

      it('yields a large table in batches of at most SCAN_BATCH_ROWS rows', async () => {
        await manager.store(manyAsset, tableOf(manyAsset, manyRows));
        const batches = await scanBatches(manager, manyAsset);
        expect(batches.length).toBeGreaterThan(1);
        for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(2 * SCAN_BATCH_ROWS);
        expect(batches.flat()).toEqual(manyRows);
      });

      it.each([0, 1, 5, SCAN_BATCH_ROWS, SCAN_BATCH_ROWS + 1, 2 * SCAN_BATCH_ROWS + 123, 10 * SCAN_BATCH_ROWS])(
        'stops after a limit of %i rows',
        async (limit) => {
          await manager.store(manyAsset, tableOf(manyAsset, manyRows));
          expect((await scanBatches(manager, manyAsset, { limit })).flat()).toEqual(manyRows.slice(0, limit));
        },
      );

      it('yields no rows for a stored table with zero rows', async () => {
        await manager.store(everyKindAsset, tableOf(everyKindAsset, []));
        expect(await scanBatches(manager, everyKindAsset)).toEqual([]);
        expect(await scanBatches(manager, everyKindAsset, { limit: 3 })).toEqual([]);
      });

      it.each([undefined, 0, 5])('rejects a never-stored asset with the error load throws (limit %s)', async (limit) => {
        const loadError = await manager.load(everyKindAsset).catch((caught: unknown) => caught);
        const scanError = await scanBatches(manager, everyKindAsset, { limit }).catch((caught: unknown) => caught);
        expect(scanError).toBeInstanceOf(IOManagerError);
        expect((scanError as IOManagerError).message).toBe((loadError as IOManagerError).message);
        expect((scanError as IOManagerError).hint).toBe((loadError as IOManagerError).hint);
      });

      it('lets the table be stored again and read at once after a caller stopped iterating early', async () => {
        await manager.store(manyAsset, tableOf(manyAsset, manyRows));
        for await (const batch of scanStored(manager, manyAsset)) {
          expect(batch[0]).toEqual(manyRows[0]);
          break;
        }
        // A file or connection (and its lock) still held by the abandoned scan would make this store or load fail or wait.
        await manager.store(manyAsset, tableOf(manyAsset, manyRows.slice(0, 3)));
        expect((await scanBatches(manager, manyAsset)).flat()).toEqual(manyRows.slice(0, 3));
        expect((await manager.load(manyAsset)).numRows).toBe(3);
      });

      it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects a limit of %s, which is no row count', (limit) => {
        expect(() => scanStored(manager, manyAsset, { limit })).toThrow(RangeError);
      });
    });

    it.each<[string, ColumnSpec, CellValue | undefined, RegExp]>([
      ['null in a non-nullable column', { name: 'n', kind: 'number', nullable: false }, null, /column "n" must be a finite number, got null/],
      ['a non-finite number', { name: 'n', kind: 'number', nullable: true }, Number.POSITIVE_INFINITY, /must be a finite number or null, got Infinity/],
      ['NaN', { name: 'n', kind: 'number', nullable: false }, Number.NaN, /got NaN/],
      ['a fraction in an integer column', { name: 'n', kind: 'integer', nullable: false }, 1.5, /must be an integer, got 1.5/],
      ['a number in a text column', { name: 'n', kind: 'string', nullable: false }, 12, /must be a string, got 12/],
      ['a string in a boolean column', { name: 'n', kind: 'boolean', nullable: false }, 'true', /must be true or false, got "true"/],
      ['a missing value', { name: 'n', kind: 'string', nullable: true }, undefined, /got undefined/],
      ['a lone surrogate', { name: 'n', kind: 'string', nullable: false }, 'bad \ud800', /lone surrogate/],
    ])('rejects %s with a SchemaError naming the row and column, and keeps what was stored', async (_, column, value, message) => {
      const asset: StoredAsset = { key: 'strict', columns: [column] };
      const good = await manager.store(asset, Table.fromColumns<Row>({ n: [] }, ['n']));
      const bad = Table.fromColumns<Row>({ n: [column.kind === 'boolean' ? true : column.kind === 'string' ? 'ok' : 1, value as CellValue] }, ['n']);
      const error = await manager.store(asset, bad).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SchemaError);
      expect((error as SchemaError).message).toMatch(/asset "strict": row 1 of 2, column "n"/);
      expect((error as SchemaError).message).toMatch(message);
      expect(await manager.dataVersion(asset)).toBe(good.dataVersion);
      expect((await manager.load(asset)).numRows).toBe(0);
    });

    it('rejects a table that lacks a schema column with a SchemaError naming it', async () => {
      const table = Table.fromRows([{ id: 1 }], ['id']);
      const error = await manager.store(everyKindAsset, table).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SchemaError);
      expect((error as SchemaError).message).toContain('"text"');
      expect(await manager.dataVersion(everyKindAsset)).toBeUndefined();
    });

    describe('partitions', () => {
      const daily: StoredAsset = {
        key: 'daily',
        columns: [
          { name: 'day', kind: 'string', nullable: false },
          { name: 'n', kind: 'integer', nullable: false },
        ],
      };
      const rowsOf = (day: string, count: number): Row[] => Array.from({ length: count }, (_, n) => ({ day, n }));
      const store = (key: string, rows: Row[], partition: StoredPartition | undefined = single(key)) =>
        manager.store({ ...daily, partition }, tableOf(daily, rows));
      const load = async (key: string, partition: StoredPartition = single(key)) => (await manager.load({ ...daily, partition })).rows();
      const names = async (): Promise<string[] | undefined> => (fixture.storedNames === undefined ? undefined : fixture.storedNames());

      it('stores each partition as a table of its own, apart from the unpartitioned table of the same key', async () => {
        await store('2026-01-05', rowsOf('2026-01-05', 2));
        await store('2026-01-06', rowsOf('2026-01-06', 3));
        await manager.store(daily, tableOf(daily, rowsOf('all', 1)));
        expect(await load('2026-01-05')).toEqual(rowsOf('2026-01-05', 2));
        expect(await load('2026-01-06')).toEqual(rowsOf('2026-01-06', 3));
        expect((await manager.load(daily)).rows()).toEqual(rowsOf('all', 1));
        expect((await scanBatches(manager, { ...daily, partition: single('2026-01-06') })).flat()).toEqual(rowsOf('2026-01-06', 3));
        const stored = await names();
        if (stored !== undefined) expect(stored).toEqual(['daily', 'daily/2026-01-05', 'daily/2026-01-06']);
      });

      it('versions each partition on its own: equal contents give equal versions, and storing one leaves the others', async () => {
        const first = await store('2026-01-05', rowsOf('same', 2));
        const second = await store('2026-01-06', rowsOf('same', 2));
        expect(second.dataVersion).toBe(first.dataVersion);
        const changed = await store('2026-01-06', rowsOf('same', 3));
        expect(changed.dataVersion).not.toBe(first.dataVersion);
        expect(await manager.dataVersion({ ...daily, partition: single('2026-01-05') })).toBe(first.dataVersion);
        expect(await manager.dataVersion({ ...daily, partition: single('2026-01-06') })).toBe(changed.dataVersion);
        // What a materialization recorded stands for its partition only.
        const recorded = (result: StoreResult): RecordedOutput => ({ dataVersion: result.dataVersion, metadata: { ...result.metadata } });
        expect(await manager.dataVersion({ ...daily, partition: single('2026-01-05') }, recorded(first))).toBe(first.dataVersion);
        expect(await manager.dataVersion({ ...daily, partition: single('2026-01-06') }, recorded(changed))).toBe(changed.dataVersion);
        expect(await manager.dataVersion({ ...daily, partition: single('2026-01-07') })).toBeUndefined();
        expect(await manager.dataVersion(daily)).toBeUndefined();
      });

      it('deletes one partition and leaves the others and the unpartitioned table', async () => {
        await store('2026-01-05', rowsOf('a', 1));
        await store('2026-01-06', rowsOf('b', 1));
        await manager.store(daily, tableOf(daily, rowsOf('all', 1)));
        expect(await manager.delete({ ...daily, partition: single('2026-01-05') })).toBe(true);
        expect(await manager.delete({ ...daily, partition: single('2026-01-05') })).toBe(false);
        expect(await manager.dataVersion({ ...daily, partition: single('2026-01-05') })).toBeUndefined();
        expect(await load('2026-01-06')).toEqual(rowsOf('b', 1));
        expect((await manager.load(daily)).rows()).toEqual(rowsOf('all', 1));
        const stored = await names();
        if (stored !== undefined) expect(stored).toEqual(['daily', 'daily/2026-01-06']);
      });

      it('rejects loading a partition never stored with an error naming it', async () => {
        await store('2026-01-05', rowsOf('a', 1));
        const error = await manager.load({ ...daily, partition: multi('2026-01-06', 'eu') }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(IOManagerError);
        expect((error as IOManagerError).message).toContain('partition "2026-01-06|eu" of asset "daily"');
        expect((error as IOManagerError).hint).toBeTruthy();
      });

      it('stores a multi-partition key as one folder per dimension but the last, named dimension=key', async () => {
        const keys = [multi('2026-01-05', 'eu'), multi('2026-01-05', 'us'), multi('2026-01-06', 'eu')];
        for (const partition of keys) await store(partition.key, rowsOf(partition.key, 1), partition);
        for (const partition of keys) expect(await load(partition.key, partition)).toEqual(rowsOf(partition.key, 1));
        const stored = await names();
        if (stored !== undefined) {
          expect(stored).toEqual(['daily/date=2026-01-05/region=eu', 'daily/date=2026-01-05/region=us', 'daily/date=2026-01-06/region=eu']);
        }
      });

      it('keeps hourly keys apart, their colons encoded', async () => {
        await store('2026-01-05-13:00', rowsOf('13', 1));
        await store('2026-01-05-14:00', rowsOf('14', 2));
        expect(await load('2026-01-05-13:00')).toEqual(rowsOf('13', 1));
        expect(await load('2026-01-05-14:00')).toEqual(rowsOf('14', 2));
        const stored = await names();
        if (stored !== undefined) expect(stored).toEqual(['daily/2026-01-05-13%3A00', 'daily/2026-01-05-14%3A00']);
      });

      it('keeps keys with unsafe characters inside the asset, each apart from the others, percent-encoded', async () => {
        const encoded: Record<string, string> = {
          '../x': '%2E%2E%2Fx',
          'a/b': 'a%2Fb',
          'a%2Fb': 'a%252Fb',
          '..': '%2E%2E',
          '.': '%2E',
          '.hidden': '%2Ehidden',
          '%2F': '%252F',
          'a|b': 'a%7Cb',
          'a\\b': 'a%5Cb',
          ' padded ': '%20padded%20',
          'Zoë 東京': 'Zo%C3%AB%20%E6%9D%B1%E4%BA%AC',
          CON: '%43ON',
          nul: '%6Eul',
          COM1: '%43OM1',
          CONSOLE: 'CONSOLE',
          'x=y': 'x%3Dy',
        };
        for (const key of Object.keys(encoded)) await store(key, rowsOf(key, 1));
        for (const key of Object.keys(encoded)) expect(await load(key)).toEqual(rowsOf(key, 1));
        const stored = await names();
        if (stored !== undefined) expect(stored).toEqual(Object.values(encoded).map((name) => `daily/${name}`).sort());
      });

      it('shortens a key too long for a name with a hash, keeping long keys that differ only at the end apart', async () => {
        const long = 'k'.repeat(300);
        await store(`${long}1`, rowsOf('1', 1));
        await store(`${long}2`, rowsOf('2', 2));
        await store('東'.repeat(100), rowsOf('east', 3));
        expect(await load(`${long}1`)).toEqual(rowsOf('1', 1));
        expect(await load(`${long}2`)).toEqual(rowsOf('2', 2));
        expect(await load('東'.repeat(100))).toEqual(rowsOf('east', 3));
        const stored = await names();
        if (stored !== undefined) {
          expect(stored).toHaveLength(3);
          for (const name of stored) expect(name).toMatch(/^daily\/[^/]*~[0-9a-f]{16}$/);
        }
      });

      it('rejects an empty partition key with an IOManagerError', async () => {
        await expect(store('', rowsOf('', 1))).rejects.toBeInstanceOf(IOManagerError);
        const stored = await names();
        if (stored !== undefined) expect(stored).toEqual([]);
      });

      describe('scanPartitions and loadPartitions', () => {
        const days = ['2026-01-07', '2026-01-05', '2026-01-06'];
        const counts = [3, SCAN_BATCH_ROWS + 2, 1];
        const rowsInOrder = days.flatMap((day, index) => rowsOf(day, counts[index]!));
        beforeEach(async () => {
          for (const [index, day] of days.entries()) await store(day, rowsOf(day, counts[index]!));
        });

        it('streams the partitions one after the other in the order given', async () => {
          const rows: Row[] = [];
          for await (const batch of scanPartitions(manager, daily, days.map(single))) rows.push(...batch);
          expect(rows).toEqual(rowsInOrder);
        });

        it.each([0, 1, 3, 4, SCAN_BATCH_ROWS + 5, SCAN_BATCH_ROWS + 6, SCAN_BATCH_ROWS + 100])('stops after a limit of %i rows across the partitions', async (limit) => {
          const rows: Row[] = [];
          for await (const batch of scanPartitions(manager, daily, days.map(single), { limit })) rows.push(...batch);
          expect(rows).toEqual(rowsInOrder.slice(0, limit));
        });

        it('reads no partition past the limit, and fails on a missing one it reaches as load does', async () => {
          const withMissing = [...days, 'never-stored'].map(single);
          const rows: Row[] = [];
          for await (const batch of scanPartitions(manager, daily, withMissing, { limit: rowsInOrder.length })) rows.push(...batch);
          expect(rows).toEqual(rowsInOrder);
          const scanning = (async () => {
            for await (const batch of scanPartitions(manager, daily, withMissing)) expect(batch.length).toBeGreaterThan(0);
          })();
          await expect(scanning).rejects.toThrow(/partition "never-stored" of asset "daily"/);
        });

        it('rejects a limit that is no row count at the call', () => {
          expect(() => scanPartitions(manager, daily, days.map(single), { limit: -1 })).toThrow(RangeError);
        });

        it('loads the partitions as one table in the order given, and none as an empty table of the columns', async () => {
          const loaded = await loadPartitions(manager, daily, days.map(single));
          expect(loaded.columnNames).toEqual(['day', 'n']);
          expect(loaded.rows()).toEqual(rowsInOrder);
          expect((await loadPartitions(manager, daily, [single('2026-01-06')])).rows()).toEqual(rowsOf('2026-01-06', 1));
          const none = await loadPartitions(manager, daily, []);
          expect(none.numRows).toBe(0);
          expect(none.columnNames).toEqual(['day', 'n']);
          await expect(loadPartitions(manager, daily, [single('2026-01-05'), single('never-stored')])).rejects.toThrow(/partition "never-stored"/);
        });
      });
    });
  });
}

/** A single-dimension partition, as a definition's `parts` gives it. */
export function single(key: string): StoredPartition {
  return { key, parts: [{ dimension: undefined, key }] };
}

/** A partition of the two dimensions `date` and `region` (`2026-01-05|eu`). */
export function multi(date: string, region: string): StoredPartition {
  return {
    key: `${date}|${region}`,
    parts: [
      { dimension: 'date', key: date },
      { dimension: 'region', key: region },
    ],
  };
}
