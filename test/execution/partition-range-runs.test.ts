import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, CsvIOManager, dailyPartitions, defineDefinitions, materialize, SqliteInstanceStorage } from '../../src/index.js';
import { planPartitions } from '../../src/execution/plan-materialization.js';

/*
 * Runs of a range of partitions (`partition: 'FROM...TO'`) at the library
 * level, on a real SQLite file and real CSV files: each asset with a
 * `partitionColumn` computes once for the whole range, and every partition
 * ends up stored and recorded exactly as a run of it alone would leave it.
 */

const CLOCK = new Date('2026-01-08T06:00:00Z');
const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07'];

interface Seen {
  partitionKeys: readonly string[];
  window: string | undefined;
  partitionKey: string | undefined;
  partitionKeyError: string | undefined;
}

function definitionsOver(sourceDir: string, outputDir: string, calls: Map<string, Seen[]>) {
  const days = dailyPartitions({ start: '2026-01-01' });
  const saw = (key: string, context: { partitionKeys: readonly string[]; timeWindow: { start: Date; end: Date } | undefined; partitionKey: string | undefined }) => {
    let partitionKey: string | undefined;
    let partitionKeyError: string | undefined;
    try {
      partitionKey = context.partitionKey;
    } catch (error) {
      partitionKeyError = (error as Error).message;
    }
    const window = context.timeWindow === undefined ? undefined : `${context.timeWindow.start.toISOString()}/${context.timeWindow.end.toISOString()}`;
    calls.set(key, [...(calls.get(key) ?? []), { partitionKeys: context.partitionKeys, window, partitionKey, partitionKeyError }]);
  };
  const salesDaily = asset({
    key: 'sales_daily',
    partitions: days,
    partitionColumn: 'day',
    codeVersion: 'v1',
    schema: z.object({ day: z.string(), id: z.int(), amount: z.number() }),
    observe: async ({ partitionKey }) => createHash('sha256').update(await readFile(path.join(sourceDir, `${partitionKey}.json`))).digest('hex'),
    compute: async (context) => {
      saw('sales_daily', context);
      const rows = [];
      for (const day of context.partitionKeys) {
        const sales = JSON.parse(await readFile(path.join(sourceDir, `${day}.json`), 'utf8')) as { id: number; amount: number; day?: string }[];
        // A sale may say it belongs to another day: the run must refuse a row outside its range.
        rows.push(...sales.map((sale) => ({ id: sale.id, amount: sale.amount, day: sale.day ?? day })));
      }
      return rows;
    },
  });
  const totalsDaily = asset({
    key: 'totals_daily',
    deps: [salesDaily],
    partitions: days,
    partitionColumn: 'day',
    codeVersion: 'v1',
    schema: z.object({ day: z.string(), total: z.number() }),
    compute: (context) => {
      saw('totals_daily', context);
      return context.partitionKeys.map((day) => ({ day, total: context.inputs.sales_daily.rows().filter((sale) => sale.day === day).reduce((sum, sale) => sum + sale.amount, 0) }));
    },
  });
  // Partitioned, but without a partitionColumn: a run computes one of its partitions, never a range.
  const countsDaily = asset({
    key: 'counts_daily',
    deps: [salesDaily],
    partitions: days,
    codeVersion: 'v1',
    schema: z.object({ day: z.string(), sales: z.int() }),
    compute: ({ inputs, partitionKey }) => [{ day: partitionKey!, sales: inputs.sales_daily.numRows }],
  });
  return defineDefinitions({ assets: [salesDaily, totalsDaily, countsDaily], ioManagers: { default: new CsvIOManager({ baseDir: outputDir }) } });
}

describe('runs of a range of partitions', () => {
  let dir: string;
  let sourceDir: string;
  let calls: Map<string, Seen[]>;
  const writeDay = (day: string, sales: readonly { id: number; amount: number; day?: string }[]) => writeFile(path.join(sourceDir, `${day}.json`), JSON.stringify(sales));

  /** An instance of its own (SQLite file and CSV folder) under `name`. */
  async function instance(name: string) {
    const storage = await SqliteInstanceStorage.open({ home: path.join(dir, name, '.strata') });
    const outputDir = path.join(dir, name, 'output');
    const definitions = definitionsOver(sourceDir, outputDir, calls);
    return {
      storage,
      outputDir,
      run: (partition: string, select = '+totals_daily') => materialize(definitions, { storage, codeVersions: 'declared', now: () => CLOCK, select, partition }),
      states: async () => {
        const { plans } = await planPartitions(definitions, storage, { codeVersions: 'declared', now: () => CLOCK, select: '+totals_daily' });
        return Object.fromEntries([...plans].map(([partition, { plan }]) => [partition, plan.assets.map((planned) => `${planned.key}:${planned.status}`).join(' ')]));
      },
    };
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-range-runs-'));
    sourceDir = path.join(dir, 'source');
    await mkdir(sourceDir);
    for (const [index, day] of DAYS.entries()) await writeDay(day, [{ id: index + 1, amount: (index + 1) * 10 }, { id: index + 100, amount: 0.5 }]);
    calls = new Map();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('computes each asset once for the range, with its keys and window, and no single partitionKey', async () => {
    const one = await instance('one');
    try {
      const result = await one.run('2026-01-02...2026-01-05');
      expect(result.status).toBe('success');
      expect(result.assets.map((entry) => `${entry.key}:${entry.action}:${entry.rows}`)).toEqual(['sales_daily:materialized:8', 'totals_daily:materialized:4']);
      for (const key of ['sales_daily', 'totals_daily']) {
        expect(calls.get(key)).toHaveLength(1);
        const [seen] = calls.get(key)!;
        expect(seen!.partitionKeys).toEqual(DAYS.slice(1, 5));
        expect(seen!.window).toBe('2026-01-02T00:00:00.000Z/2026-01-06T00:00:00.000Z');
        expect(seen!.partitionKey).toBeUndefined();
        expect(seen!.partitionKeyError).toMatch(/materializing the partitions 2026-01-02\.\.\.2026-01-05 at once/);
      }
      // Each day is stored on its own, with its rows only.
      expect(await readFile(path.join(one.outputDir, 'totals_daily', '2026-01-03.csv'), 'utf8')).toBe('day,total\n2026-01-03,30.5\n');
      expect(await readFile(path.join(one.outputDir, 'sales_daily', '2026-01-05.csv'), 'utf8')).toBe('day,id,amount\n2026-01-05,5,50\n2026-01-05,104,0.5\n');
      const states = await one.states();
      for (const day of DAYS) {
        const inRange = DAYS.slice(1, 5).includes(day);
        expect(states[day]).toBe(inRange ? 'sales_daily:fresh totals_daily:fresh' : 'sales_daily:missing totals_daily:missing');
      }
    } finally {
      await one.storage.close();
    }
  });

  it('leaves every partition stored and recorded as runs of one partition each would', async () => {
    const range = await instance('range');
    const single = await instance('single');
    try {
      expect((await range.run('2026-01-02...2026-01-04')).status).toBe('success');
      for (const day of DAYS.slice(1, 4)) expect((await single.run(day)).status).toBe('success');
      for (const key of ['sales_daily', 'totals_daily']) {
        for (const day of DAYS.slice(1, 4)) {
          const file = path.join(key, `${day}.csv`);
          expect(await readFile(path.join(range.outputDir, file), 'utf8')).toBe(await readFile(path.join(single.outputDir, file), 'utf8'));
        }
        const records = async (storage: SqliteInstanceStorage) =>
          [...(await storage.latestPartitionMaterializations(key, DAYS.slice(1, 4)))].map(([day, record]) => ({ day, partition: record.partition, dataVersion: record.dataVersion, inputs: record.inputDataVersions }));
        expect(await records(range.storage)).toEqual(await records(single.storage));
      }
    } finally {
      await range.storage.close();
      await single.storage.close();
    }
  });

  it('runs the whole range again when one of its days changed, and then has nothing to do', async () => {
    const one = await instance('one');
    try {
      await one.run('2026-01-01...2026-01-07');
      await writeDay('2026-01-04', [{ id: 4, amount: 7 }]);
      const states = await one.states();
      expect(states['2026-01-04']).toBe('sales_daily:stale totals_daily:stale');
      expect(states['2026-01-03']).toBe('sales_daily:fresh totals_daily:fresh');

      calls.clear();
      const again = await one.run('2026-01-01...2026-01-07');
      expect(again.assets.map((entry) => `${entry.key}:${entry.action}`)).toEqual(['sales_daily:materialized', 'totals_daily:materialized']);
      expect(calls.get('sales_daily')).toHaveLength(1);
      expect(await readFile(path.join(one.outputDir, 'totals_daily', '2026-01-04.csv'), 'utf8')).toBe('day,total\n2026-01-04,7\n');
      expect(Object.values(await one.states()).every((state) => state === 'sales_daily:fresh totals_daily:fresh')).toBe(true);
      expect((await one.run('2026-01-01...2026-01-07')).assets).toEqual([]);
    } finally {
      await one.storage.close();
    }
  });

  it('fails the run on a row of no partition in the range, and leaves what was stored as it was', async () => {
    const one = await instance('one');
    try {
      await one.run('2026-01-02...2026-01-03');
      const before = await readFile(path.join(one.outputDir, 'sales_daily', '2026-01-02.csv'), 'utf8');
      await writeDay('2026-01-03', [{ id: 3, amount: 1, day: '2026-01-09' }]);
      const result = await one.run('2026-01-02...2026-01-03');
      expect(result.status).toBe('failed');
      const failed = result.assets.find((entry) => entry.key === 'sales_daily')!;
      expect(failed.action).toBe('failed');
      expect(failed.error?.message).toMatch(/row 2\) whose day is "2026-01-09", which is no partition of the range 2026-01-02\.\.\.2026-01-03/);
      expect(await readFile(path.join(one.outputDir, 'sales_daily', '2026-01-02.csv'), 'utf8')).toBe(before);
    } finally {
      await one.storage.close();
    }
  });

  it('leaves out an asset without a partitionColumn, and refuses a range of such assets alone', async () => {
    const one = await instance('one');
    try {
      const result = await one.run('2026-01-02...2026-01-03', '+counts_daily');
      expect(result.assets.map((entry) => entry.key)).toEqual(['sales_daily']);
      await expect(one.run('2026-01-02...2026-01-03', 'counts_daily')).rejects.toThrow(/counts_daily: it declares no partitionColumn, so a run materializes one of its partitions, not the range 2026-01-02\.\.\.2026-01-03/);
      // One day of it still runs as always.
      expect((await one.run('2026-01-02', 'counts_daily')).status).toBe('success');
    } finally {
      await one.storage.close();
    }
  });
});
