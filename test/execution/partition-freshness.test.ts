import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, CsvIOManager, dailyPartitions, defineDefinitions, materialize, multiPartitions, SqliteInstanceStorage, staticPartitions } from '../../src/index.js';
import { agesOut } from '../../src/core/partition-expiry.js';
import { planPartitions } from '../../src/execution/plan-materialization.js';

/*
 * `freshness.maxAge` on partitioned assets, on a real SQLite file and real
 * CSV files in a temp folder, by an injected clock: only the newest time
 * window ages; a static partition ages as an unpartitioned asset does.
 */

/** 2026-01-04 06:00 UTC: three complete days, 2026-01-01 to 2026-01-03. */
const CLOCK = new Date('2026-01-04T06:00:00Z');
const HOUR_LATER = new Date(CLOCK.getTime() + 3_600_000);
const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03'];

function definitionsIn(outputDir: string) {
  const days = dailyPartitions({ start: '2026-01-01' });
  const regions = staticPartitions(['eu', 'us']);
  const row = z.object({ key: z.string() });
  const compute = ({ partitionKey }: { partitionKey: string | undefined }) => [{ key: partitionKey! }];
  return defineDefinitions({
    assets: [
      asset({ key: 'daily', partitions: days, freshness: { maxAge: '30m' }, codeVersion: 'v1', schema: row, compute }),
      asset({ key: 'regional', partitions: regions, freshness: { maxAge: '30m' }, codeVersion: 'v1', schema: row, compute }),
      asset({ key: 'daily_regional', partitions: multiPartitions({ date: days, region: regions }), freshness: { maxAge: '30m' }, codeVersion: 'v1', schema: row, compute }),
    ],
    ioManagers: { default: new CsvIOManager({ baseDir: outputDir }) },
  });
}

describe('freshness.maxAge on partitioned assets', () => {
  let dir: string;
  let storage: SqliteInstanceStorage;
  let definitions: ReturnType<typeof definitionsIn>;
  const run = (select: string, partition: string, now: Date) => materialize(definitions, { storage, codeVersions: 'declared', now: () => now, select, partition });
  /** The status and reason kinds of each partition of `select`, as planPartitions judges them at `now`. */
  const states = async (select: string, now: Date) => {
    const { plans } = await planPartitions(definitions, storage, { codeVersions: 'declared', now: () => now, select });
    return Object.fromEntries([...plans].map(([partition, { plan }]) => [partition, plan.assets.map((planned) => [planned.status, ...planned.reasons.map((reason) => reason.kind)].join(' ')).join(', ')]));
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-partition-freshness-'));
    storage = await SqliteInstanceStorage.open({ home: path.join(dir, '.strata') });
    definitions = definitionsIn(path.join(dir, 'output'));
  });
  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('expires only the newest day of a daily asset, and runs only that one again', async () => {
    for (const day of DAYS) expect((await run('daily', day, CLOCK)).status).toBe('success');
    expect(await states('daily', CLOCK)).toEqual({ '2026-01-01': 'fresh', '2026-01-02': 'fresh', '2026-01-03': 'fresh' });

    expect(await states('daily', HOUR_LATER)).toEqual({ '2026-01-01': 'fresh', '2026-01-02': 'fresh', '2026-01-03': 'stale expired' });
    expect((await run('daily', '2026-01-02', HOUR_LATER)).status).toBe('nothing-to-do');
    expect((await run('daily', '2026-01-03', HOUR_LATER)).assets).toMatchObject([{ key: 'daily', action: 'materialized', reasons: ['expired'] }]);

    // A day later 2026-01-04 is the newest: 2026-01-03 is history now, whatever its age.
    const dayLater = new Date(CLOCK.getTime() + 86_400_000);
    expect(await states('daily', dayLater)).toEqual({ '2026-01-01': 'fresh', '2026-01-02': 'fresh', '2026-01-03': 'fresh', '2026-01-04': 'missing missing' });
  });

  it('expires every partition of a static asset, each being current data of its own', async () => {
    for (const region of ['eu', 'us']) expect((await run('regional', region, CLOCK)).status).toBe('success');
    expect(await states('regional', CLOCK)).toEqual({ eu: 'fresh', us: 'fresh' });
    expect(await states('regional', HOUR_LATER)).toEqual({ eu: 'stale expired', us: 'stale expired' });
  });

  it('expires the partitions of the newest day of a multi-partitioned asset, in every region', async () => {
    const keys = DAYS.flatMap((day) => [`${day}|eu`, `${day}|us`]);
    for (const key of keys) expect((await run('daily_regional', key, CLOCK)).status).toBe('success');
    expect(await states('daily_regional', HOUR_LATER)).toEqual({
      '2026-01-01|eu': 'fresh',
      '2026-01-01|us': 'fresh',
      '2026-01-02|eu': 'fresh',
      '2026-01-02|us': 'fresh',
      '2026-01-03|eu': 'stale expired',
      '2026-01-03|us': 'stale expired',
    });
  });

  it('tells the partitions that age from those that hold history', () => {
    const days = dailyPartitions({ start: '2026-01-01' });
    expect(DAYS.map((day) => agesOut(days, day, CLOCK))).toEqual([false, false, true]);
    expect(agesOut(staticPartitions(['eu']), 'eu', CLOCK)).toBe(true);
    expect(agesOut(multiPartitions({ date: days, region: staticPartitions(['eu']) }), '2026-01-02|eu', CLOCK)).toBe(false);
  });
});
