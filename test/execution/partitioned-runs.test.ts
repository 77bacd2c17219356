import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, CsvIOManager, dailyPartitions, defineDefinitions, materialize, SqliteInstanceStorage, timeWindow } from '../../src/index.js';
import { combinedDataVersion } from '../../src/execution/partition-scope.js';
import { planMaterialization, planPartitions } from '../../src/execution/plan-materialization.js';

/*
 * Partitioned runs at the library level, on a real SQLite file and real CSV
 * files in a temp folder: daily partitions with no end, so which days exist
 * is decided by the injected clock alone.
 */

/** 2026-01-08 06:00 UTC: seven complete days, 2026-01-01 to 2026-01-07. */
const CLOCK = new Date('2026-01-08T06:00:00Z');
const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07'];

function definitionsOver(sourceDir: string, outputDir: string) {
  const days = dailyPartitions({ start: '2026-01-01' });
  const dayFile = (day: string) => path.join(sourceDir, `${day}.json`);
  const salesDaily = asset({
    key: 'sales_daily',
    partitions: days,
    codeVersion: 'v1',
    schema: z.object({ day: z.string(), id: z.int(), amount: z.number() }),
    observe: async ({ partitionKey }) => (existsSync(dayFile(partitionKey!)) ? createHash('sha256').update(await readFile(dayFile(partitionKey!))).digest('hex') : undefined),
    compute: async ({ partitionKey }) => (JSON.parse(await readFile(dayFile(partitionKey!), 'utf8')) as { id: number; amount: number }[]).map((sale) => ({ day: partitionKey!, ...sale })),
  });
  const totalsDaily = asset({
    key: 'totals_daily',
    deps: [salesDaily],
    partitions: days,
    codeVersion: 'v1',
    schema: z.object({ day: z.string(), total: z.number() }),
    compute: ({ inputs, partitionKey }) => [{ day: partitionKey!, total: inputs.sales_daily.rows().reduce((sum, sale) => sum + sale.amount, 0) }],
  });
  const lastThree = asset({
    key: 'last_three',
    deps: [totalsDaily],
    partitionMappings: { totals_daily: timeWindow({ startOffset: -2 }) },
    codeVersion: 'v1',
    schema: z.object({ days: z.string(), total: z.number() }),
    compute: ({ inputs, inputPartitionKeys }) => [{ days: inputPartitionKeys.totals_daily!.join(' '), total: inputs.totals_daily.rows().reduce((sum, day) => sum + day.total, 0) }],
  });
  return defineDefinitions({ assets: [salesDaily, totalsDaily, lastThree], ioManagers: { default: new CsvIOManager({ baseDir: outputDir }) } });
}

describe('partitioned runs on SQLite and CSV files', () => {
  let dir: string;
  let sourceDir: string;
  let outputDir: string;
  let storage: SqliteInstanceStorage;
  let definitions: ReturnType<typeof definitionsOver>;
  const writeDay = (day: string, sales: readonly { id: number; amount: number }[]) => writeFile(path.join(sourceDir, `${day}.json`), JSON.stringify(sales));
  const run = (options: { select?: string; partition?: string; now?: Date } = {}) =>
    materialize(definitions, { storage, codeVersions: 'declared', now: () => options.now ?? CLOCK, select: options.select, partition: options.partition });
  /** Each partition of each asset with its status and reason kinds, as planPartitions judges them. */
  const states = async (now = CLOCK, partitions?: readonly string[]) => {
    const { plans, keys } = await planPartitions(definitions, storage, { codeVersions: 'declared', now: () => now, partitions, select: '+totals_daily' });
    return {
      keys: Object.fromEntries(keys),
      plans: Object.fromEntries([...plans].map(([partition, { plan }]) => [partition, Object.fromEntries(plan.assets.map((planned) => [planned.key, [planned.status, ...planned.reasons.map((reason) => reason.kind)].join(' ')]))])),
    };
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-partitioned-runs-'));
    sourceDir = path.join(dir, 'source');
    outputDir = path.join(dir, 'output');
    await mkdir(sourceDir);
    for (const [index, day] of DAYS.entries()) await writeDay(day, [{ id: index + 1, amount: (index + 1) * 10 }, { id: index + 100, amount: 0.5 }]);
    storage = await SqliteInstanceStorage.open({ home: path.join(dir, '.strata') });
    definitions = definitionsOver(sourceDir, outputDir);
  });
  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('plans every day the clock has completed, each missing, and only those days', async () => {
    const { keys, plans } = await states();
    expect(keys).toEqual({ sales_daily: DAYS, totals_daily: DAYS });
    expect(Object.keys(plans)).toEqual(DAYS);
    for (const day of DAYS) expect(plans[day]).toEqual({ sales_daily: 'missing missing', totals_daily: 'missing missing upstream-planned' });
    // Earlier in the week fewer days are complete: the clock alone decides.
    expect((await states(new Date('2026-01-04T23:59:59Z'))).keys.sales_daily).toEqual(DAYS.slice(0, 3));
  });

  it('judges each partition on its own: materialized days fresh, the rest missing, an edited day stale with its downstream', async () => {
    for (const day of ['2026-01-02', '2026-01-03']) expect((await run({ select: '+totals_daily', partition: day })).status).toBe('success');
    let { plans } = await states();
    expect(plans['2026-01-02']).toEqual({ sales_daily: 'fresh', totals_daily: 'fresh' });
    expect(plans['2026-01-03']).toEqual({ sales_daily: 'fresh', totals_daily: 'fresh' });
    expect(plans['2026-01-01']).toEqual({ sales_daily: 'missing missing', totals_daily: 'missing missing upstream-planned' });

    await writeDay('2026-01-03', [{ id: 3, amount: 99 }]);
    ({ plans } = await states());
    expect(plans['2026-01-03']).toEqual({ sales_daily: 'stale upstream-changed', totals_daily: 'stale upstream-planned' });
    expect(plans['2026-01-02']).toEqual({ sales_daily: 'fresh', totals_daily: 'fresh' });
    // Asked for some partitions only, it plans those.
    expect(Object.keys((await states(CLOCK, ['2026-01-03', '2026-01-05'])).plans)).toEqual(['2026-01-03', '2026-01-05']);

    // A run of the edited day brings it back; the other days' records stay as they were.
    const rerun = await run({ select: '+totals_daily', partition: '2026-01-03' });
    expect(rerun.assets.map((entry) => `${entry.key}:${entry.action}`)).toEqual(['sales_daily:materialized', 'totals_daily:materialized']);
    expect(await readFile(path.join(outputDir, 'totals_daily', '2026-01-03.csv'), 'utf8')).toBe('day,total\n2026-01-03,99\n');
    ({ plans } = await states());
    expect(plans['2026-01-03']).toEqual({ sales_daily: 'fresh', totals_daily: 'fresh' });
  });

  it('records a partition\'s read of its upstream partition as that partition\'s data version', async () => {
    await run({ select: '+totals_daily', partition: '2026-01-05' });
    const [sales] = await storage.materializationHistory('sales_daily', { limit: 1 });
    const [totals] = await storage.materializationHistory('totals_daily', { limit: 1 });
    expect(sales!.partition).toBe('2026-01-05');
    expect(totals!.partition).toBe('2026-01-05');
    expect(totals!.inputDataVersions).toEqual({ sales_daily: sales!.dataVersion });
  });

  it('feeds an unpartitioned asset exactly the days its window reads, and records their combined version', async () => {
    for (const day of DAYS) await run({ select: '+totals_daily', partition: day });
    const result = await run({ select: 'last_three' });
    expect(result.assets.map((entry) => `${entry.key}:${entry.action}`)).toEqual(['last_three:materialized']);
    // Days 5, 6 and 7: (50 + 0.5) + (60 + 0.5) + (70 + 0.5).
    expect(await readFile(path.join(outputDir, 'last_three.csv'), 'utf8')).toBe('days,total\n2026-01-05 2026-01-06 2026-01-07,181.5\n');
    const stored = await storage.latestPartitionMaterializations('totals_daily', DAYS.slice(4));
    const [record] = await storage.materializationHistory('last_three', { limit: 1 });
    expect(record!.partition).toBeNull();
    expect(record!.inputDataVersions.totals_daily).toBe(combinedDataVersion(DAYS.slice(4), (day) => stored.get(day)?.dataVersion, undefined));

    // A day outside the window changes nothing it read; a day inside does.
    await writeDay('2026-01-02', [{ id: 2, amount: 1 }]);
    await run({ select: '+totals_daily', partition: '2026-01-02' });
    expect((await run({ select: 'last_three' })).status).toBe('nothing-to-do');
    await writeDay('2026-01-06', [{ id: 6, amount: 1 }]);
    await run({ select: '+totals_daily', partition: '2026-01-06' });
    const again = await run({ select: 'last_three' });
    expect(again.assets.map((entry) => [entry.key, entry.action, entry.reasons])).toEqual([['last_three', 'materialized', ['upstream-changed']]]);
    expect(await readFile(path.join(outputDir, 'last_three.csv'), 'utf8')).toBe('days,total\n2026-01-05 2026-01-06 2026-01-07,122\n');
  });

  it('judges the window reader upstream-planned when a day it reads is stale, and not for a day outside its window', async () => {
    for (const day of DAYS) await run({ select: '+totals_daily', partition: day });
    await run({ select: 'last_three' });
    const lastThree = async () => {
      const { plan, leftOut } = await planMaterialization(definitions, storage, { select: '+last_three', purpose: 'states', codeVersions: 'declared', now: () => CLOCK });
      expect(leftOut.map((asset) => asset.key)).toEqual(['sales_daily', 'totals_daily']);
      return plan.assets.map((planned) => [planned.key, planned.status, planned.reasons]);
    };
    expect(await lastThree()).toEqual([['last_three', 'fresh', []]]);
    await writeDay('2026-01-02', [{ id: 2, amount: 1 }]);
    expect(await lastThree()).toEqual([['last_three', 'fresh', []]]);
    await writeDay('2026-01-06', [{ id: 6, amount: 1 }]);
    expect(await lastThree()).toEqual([['last_three', 'stale', [{ kind: 'upstream-planned', upstreams: ['totals_daily'] }]]]);
    // A run plans what is stored: the partition runs go first, so only then is it stale for the run.
    expect((await run({ select: 'last_three' })).status).toBe('nothing-to-do');
  });
});

describe('combinedDataVersion', () => {
  const versions = new Map([['2026-01-01', 'v-a'], ['2026-01-02', 'v-b'], ['2026-01-03', 'v-c']]);
  const combined = (partitions: readonly string[], of: ReadonlyMap<string, string> = versions, reader?: string) => combinedDataVersion(partitions, (partition) => of.get(partition), reader);

  it('is the partition\'s own version for a reader of its own partition', () => {
    expect(combined(['2026-01-02'], versions, '2026-01-02')).toBe('v-b');
  });

  it('ties a single partition to its key for any other reader, so another partition of the same bytes is a change', () => {
    const sameBytes = new Map([['2026-01-02', 'v-empty'], ['2026-01-03', 'v-empty']]);
    expect(combined(['2026-01-02'], sameBytes)).toMatch(/^[0-9a-f]{64}$/);
    // The newest day moving on, for an unpartitioned reader of the newest day and for a reader of the day before.
    expect(combined(['2026-01-03'], sameBytes)).not.toBe(combined(['2026-01-02'], sameBytes));
    expect(combined(['2026-01-03'], sameBytes, '2026-01-04')).not.toBe(combined(['2026-01-02'], sameBytes, '2026-01-04'));
  });

  it('changes when any one partition\'s version changes', () => {
    const days = [...versions.keys()];
    const before = combined(days);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    for (const day of days) expect(combined(days, new Map(versions).set(day, 'changed'))).not.toBe(before);
    // The same versions give the same hash.
    expect(combined(days, new Map(versions))).toBe(before);
  });

  it('changes when a partition appears or goes from the read, and is undefined when one has nothing stored', () => {
    const days = [...versions.keys()];
    expect(combined(days.slice(0, 2))).not.toBe(combined(days));
    // Two partitions swapping versions is a change too: each version is tied to its partition.
    expect(combined(days, new Map([['2026-01-01', 'v-b'], ['2026-01-02', 'v-a'], ['2026-01-03', 'v-c']]))).not.toBe(combined(days));
    expect(combined([...days, '2026-01-04'])).toBeUndefined();
    expect(combined(['2026-01-04'])).toBeUndefined();
  });
});
