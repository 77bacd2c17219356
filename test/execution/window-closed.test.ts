import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, CsvIOManager, dailyPartitions, defineDefinitions, hourlyPartitions, materialize, multiPartitions, SqliteInstanceStorage, staticPartitions } from '../../src/index.js';
import { windowClosedSince } from '../../src/core/partition-expiry.js';
import { planPartitions } from '../../src/execution/plan-materialization.js';
import { describeReason } from '../../src/instance/describe-reason.js';

/*
 * A partition materialized while its time window was still open (`endOffset: 1`)
 * holds part of the window: once the window closes it is `window-closed`, on a
 * real SQLite file and real CSV files in a temp folder, by an injected clock.
 */

const at = (time: string) => new Date(`2027-03-01T${time}:00Z`);

describe('partitions materialized before their window closed', () => {
  let dir: string;
  let storage: SqliteInstanceStorage;
  /** The events the compute counts, by hour: more arrive while the hour goes on. */
  let events: string[];
  let definitions: ReturnType<typeof definitionsIn>;

  function definitionsIn(outputDir: string) {
    const hours = hourlyPartitions({ start: '2027-03-01-12:00', endOffset: 1 });
    return defineDefinitions({
      assets: [
        asset({
          key: 'events_hourly',
          partitions: hours,
          codeVersion: 'v1',
          schema: z.object({ events: z.int() }),
          compute: ({ timeWindow }) => [{ events: events.filter((time) => time >= timeWindow!.start.toISOString() && time < timeWindow!.end.toISOString()).length }],
        }),
      ],
      ioManagers: { default: new CsvIOManager({ baseDir: outputDir }) },
    });
  }
  const run = (partition: string, now: Date) => materialize(definitions, { storage, codeVersions: 'declared', now: () => now, select: 'events_hourly', partition });
  const states = async (now: Date) => {
    const { plans } = await planPartitions(definitions, storage, { codeVersions: 'declared', now: () => now, select: 'events_hourly' });
    return Object.fromEntries([...plans].map(([partition, { plan }]) => [partition, plan.assets.map((planned) => [planned.status, ...planned.reasons.map((reason) => reason.kind)].join(' ')).join(', ')]));
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-window-closed-'));
    storage = await SqliteInstanceStorage.open({ home: path.join(dir, '.strata') });
    events = ['2027-03-01T13:05:00.000Z'];
    definitions = definitionsIn(path.join(dir, 'output'));
  });
  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('makes the hour in progress when it ran stale once the hour is over, and runs it again on the whole hour', async () => {
    expect((await run('2027-03-01-12:00', at('13:20'))).status).toBe('success');
    expect((await run('2027-03-01-13:00', at('13:20'))).status).toBe('success');
    expect(await states(at('13:50'))).toEqual({ '2027-03-01-12:00': 'fresh', '2027-03-01-13:00': 'fresh' });

    events.push('2027-03-01T13:30:00.000Z', '2027-03-01T13:55:00.000Z');
    expect(await states(at('14:05'))).toEqual({ '2027-03-01-12:00': 'fresh', '2027-03-01-13:00': 'stale window-closed', '2027-03-01-14:00': 'missing missing' });
    const { plans } = await planPartitions(definitions, storage, { codeVersions: 'declared', now: () => at('14:05'), select: 'events_hourly' });
    const [reason] = plans.get('2027-03-01-13:00')!.plan.assets[0]!.reasons;
    expect(describeReason('events_hourly', reason!)).toMatch(
      /^events_hourly was materialized at 2027-03-01T13:20:00\.\d{3}Z, before its partition's time window ended at 2027-03-01T14:00:00\.000Z: it holds part of the window at most\.$/,
    );

    expect((await run('2027-03-01-13:00', at('14:05'))).assets).toMatchObject([{ key: 'events_hourly', action: 'materialized', reasons: ['window-closed'] }]);
    const stored = (definitions.ioManagers.default as CsvIOManager).pathOf({ key: 'events_hourly', partition: { key: '2027-03-01-13:00', parts: [{ dimension: undefined, key: '2027-03-01-13:00' }] } });
    expect(await readFile(stored, 'utf8')).toBe('events\n3\n');
    expect(await states(at('15:30'))).toMatchObject({ '2027-03-01-12:00': 'fresh', '2027-03-01-13:00': 'fresh' });
  });

  it('tells a materialization made in an open window from one made after it closed, by the time dimension of a multi-partition key', () => {
    const days = dailyPartitions({ start: '2027-03-01', endOffset: 1 });
    const dayEnd = new Date('2027-03-02T00:00:00Z');
    expect(windowClosedSince(days, '2027-03-01', at('13:00'), at('23:00'))).toBeUndefined();
    expect(windowClosedSince(days, '2027-03-01', at('13:00'), dayEnd)).toEqual(dayEnd);
    expect(windowClosedSince(days, '2027-03-01', dayEnd, new Date('2027-03-05T00:00:00Z'))).toBeUndefined();
    const byRegion = multiPartitions({ date: days, region: staticPartitions(['eu']) });
    expect(windowClosedSince(byRegion, '2027-03-01|eu', at('13:00'), dayEnd)).toEqual(dayEnd);
    expect(windowClosedSince(staticPartitions(['eu']), 'eu', at('13:00'), dayEnd)).toBeUndefined();
  });
});
