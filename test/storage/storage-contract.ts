import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StrataError } from '../../src/core/errors.js';
import type {
  BackfillRecord,
  BackfillRequest,
  BackfillTarget,
  CheckResultRecord,
  InstanceStorage,
  InstigatorState,
  MaterializationRecord,
  RunEvent,
  RunRecord,
  TickRecord,
} from '../../src/storage/instance-storage.js';

/** A fresh, empty storage for one test, and how to dispose of it afterwards. */
export type OpenStorage = () => Promise<{ storage: InstanceStorage; cleanup(): Promise<void> }>;

/**
 * The behaviour every `InstanceStorage` backend must have. A backend's test
 * file calls this once per way of opening it.
 */
export function describeInstanceStorageContract(name: string, open: OpenStorage): void {
  describe(`InstanceStorage contract: ${name}`, () => {
    let storage: InstanceStorage;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ storage, cleanup } = await open());
    });

    afterEach(async () => {
      await cleanup();
    });

    describe('runs', () => {
      it('returns a created run with every field and its dates intact', async () => {
        const created = run({
          runId: 'r1',
          startedAt: new Date('2024-03-01T12:34:56.789Z'),
          tags: { team: 'growth', 'strata/schedule': 'nightly', note: '' },
          parentRunId: 'r0',
          request: { select: '+top_authors', exclude: 'posts', force: true, refresh: 'users' },
        });
        await storage.createRun(created);
        expect(await storage.getRun('r1')).toEqual(created);
      });

      it('gives a run created without tags, parent or request none of them', async () => {
        const { tags: _tags, parentRunId: _parent, request: _request, ...bare } = run({ runId: 'r1' });
        await storage.createRun(bare);
        expect(await storage.getRun('r1')).toMatchObject({ tags: {}, parentRunId: null, request: null });
      });

      it('rejects a run whose tag key is empty or holds "="', async () => {
        await expectStrataError(storage.createRun(run({ runId: 'r1', tags: { 'a=b': 'c' } })), 'STRATA_STORAGE_INVALID_RECORD', /tags/);
        await expectStrataError(storage.createRun(run({ runId: 'r2', tags: { '': 'c' } })), 'STRATA_STORAGE_INVALID_RECORD', /tags/);
        expect(await storage.listRuns()).toEqual([]);
      });

      it('lists only the runs that carry every tag asked for, with status and limit', async () => {
        await storage.createRun(run({ runId: 'growth-42', startedAt: at(1), tags: { team: 'growth', ticket: '42' } }));
        await storage.createRun(run({ runId: 'growth', startedAt: at(2), tags: { team: 'growth' } }));
        await storage.createRun(run({ runId: 'data-42', startedAt: at(3), tags: { team: 'data', ticket: '42' } }));
        await storage.createRun(run({ runId: 'untagged', startedAt: at(4) }));
        await storage.finishRun('growth', 'success', at(5));
        const ids = async (options: Parameters<InstanceStorage['listRuns']>[0]) => (await storage.listRuns(options)).map((r) => r.runId);
        expect(await ids({ tags: { team: 'growth' } })).toEqual(['growth', 'growth-42']);
        expect(await ids({ tags: { team: 'growth', ticket: '42' } })).toEqual(['growth-42']);
        expect(await ids({ tags: { ticket: '42' }, limit: 1 })).toEqual(['data-42']);
        expect(await ids({ tags: { team: 'growth' }, status: 'success' })).toEqual(['growth']);
        expect(await ids({ tags: { team: 'GROWTH' } })).toEqual([]);
        expect(await ids({ tags: {} })).toEqual(['untagged', 'data-42', 'growth', 'growth-42']);
        await expectStrataError(storage.listRuns({ tags: { 'a=b': 'c' } }), 'STRATA_STORAGE_INVALID_ARGUMENT', /tags/);
      });

      it('returns undefined for a run that was never created', async () => {
        expect(await storage.getRun('nope')).toBeUndefined();
      });

      it('records the status and end time given to finishRun', async () => {
        await storage.createRun(run({ runId: 'r1' }));
        const endedAt = new Date('2024-03-01T13:00:00.001Z');
        await storage.finishRun('r1', 'failed', endedAt);
        expect(await storage.getRun('r1')).toMatchObject({ status: 'failed', endedAt });
      });

      it('rejects finishing a run that was never created', async () => {
        await expectStrataError(storage.finishRun('ghost', 'success', new Date()), 'STRATA_STORAGE_UNKNOWN_RUN', /"ghost"/);
      });

      it('rejects a second run with the same id and keeps the first', async () => {
        await storage.createRun(run({ runId: 'r1', selection: 'first' }));
        await expectStrataError(storage.createRun(run({ runId: 'r1', selection: 'second' })), 'STRATA_STORAGE_DUPLICATE_RUN', /"r1"/);
        expect((await storage.getRun('r1'))?.selection).toBe('first');
      });

      it('rejects a run whose start date is not a valid date', async () => {
        await expectStrataError(
          storage.createRun(run({ runId: 'r1', startedAt: new Date('not a date') })),
          'STRATA_STORAGE_INVALID_RECORD',
          /startedAt/,
        );
        expect(await storage.getRun('r1')).toBeUndefined();
      });

      it('lists runs newest first by start time, then by creation order', async () => {
        await storage.createRun(run({ runId: 'middle', startedAt: at(20) }));
        await storage.createRun(run({ runId: 'oldest', startedAt: at(10) }));
        await storage.createRun(run({ runId: 'newest', startedAt: at(30) }));
        await storage.createRun(run({ runId: 'same-ms-as-middle', startedAt: at(20) }));
        expect((await storage.listRuns()).map((r) => r.runId)).toEqual([
          'newest',
          'same-ms-as-middle',
          'middle',
          'oldest',
        ]);
        expect((await storage.listRuns({ limit: 2 })).map((r) => r.runId)).toEqual(['newest', 'same-ms-as-middle']);
      });

      it('filters listed runs by status, with or without a limit', async () => {
        await storage.createRun(run({ runId: 'a', startedAt: at(1) }));
        await storage.createRun(run({ runId: 'b', startedAt: at(2) }));
        await storage.createRun(run({ runId: 'c', startedAt: at(3) }));
        await storage.createRun(run({ runId: 'd', startedAt: at(4) }));
        await storage.finishRun('b', 'success', at(5));
        await storage.finishRun('d', 'success', at(6));
        expect((await storage.listRuns({ status: 'success' })).map((r) => r.runId)).toEqual(['d', 'b']);
        expect((await storage.listRuns({ status: 'started', limit: 1 })).map((r) => r.runId)).toEqual(['c']);
        expect(await storage.listRuns({ status: 'canceled' })).toEqual([]);
      });

      it('returns the runs with a status newest first', async () => {
        await storage.createRun(run({ runId: 'old', startedAt: at(1) }));
        await storage.createRun(run({ runId: 'done', startedAt: at(2) }));
        await storage.createRun(run({ runId: 'new', startedAt: at(3) }));
        await storage.finishRun('done', 'nothing-to-do', at(4));
        expect((await storage.runsWithStatus('started')).map((r) => r.runId)).toEqual(['new', 'old']);
        expect((await storage.runsWithStatus('nothing-to-do')).map((r) => r.runId)).toEqual(['done']);
      });

      it('lists the failed and canceled runs newest first, each with the newest run that re-executes it', async () => {
        await storage.createRun(run({ runId: 'failed', startedAt: at(1) }));
        await storage.createRun(run({ runId: 'ok', startedAt: at(2) }));
        await storage.createRun(run({ runId: 'canceled', startedAt: at(3) }));
        await storage.createRun(run({ runId: 'retry', startedAt: at(4), parentRunId: 'failed' }));
        await storage.createRun(run({ runId: 'rerun', startedAt: at(5), parentRunId: 'failed' }));
        await storage.createRun(run({ runId: 'of-ok', startedAt: at(6), parentRunId: 'ok' }));
        await storage.finishRun('failed', 'failed', at(7));
        await storage.finishRun('ok', 'success', at(7));
        await storage.finishRun('canceled', 'canceled', at(7));
        await storage.finishRun('retry', 'failed', at(8));
        const failed = await storage.failedRuns();
        expect(failed.map(({ run: { runId, status }, reexecutedBy }) => [runId, status, reexecutedBy])).toEqual([
          ['retry', 'failed', null],
          ['canceled', 'canceled', null],
          ['failed', 'failed', 'rerun'],
        ]);
        expect(failed[2]!.run).toEqual(await storage.getRun('failed'));
      });

      it('gives the latest started run, or undefined when there are none', async () => {
        expect(await storage.latestRun()).toBeUndefined();
        await storage.createRun(run({ runId: 'late', startedAt: at(50) }));
        await storage.createRun(run({ runId: 'early', startedAt: at(10) }));
        expect((await storage.latestRun())?.runId).toBe('late');
      });

      it('refuses a limit that is not a positive integer', async () => {
        await expectStrataError(storage.listRuns({ limit: 0 }), 'STRATA_STORAGE_INVALID_ARGUMENT', /0/);
        await expectStrataError(storage.materializationHistory('a', { limit: 1.5 }), 'STRATA_STORAGE_INVALID_ARGUMENT', /1\.5/);
      });
    });

    describe('events', () => {
      it('returns the events of a run in the order they were written, with increasing seq', async () => {
        await storage.createRun(run({ runId: 'r1' }));
        await storage.write({ events: [event({ message: 'one' }), event({ message: 'two' })] });
        await storage.write({ events: [event({ message: 'three', time: at(0) })] });
        const events = await storage.runEvents('r1');
        expect(events.map((e) => e.message)).toEqual(['one', 'two', 'three']);
        const seqs = events.map((e) => e.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(new Set(seqs).size).toBe(3);
      });

      it('round-trips every event field, including nested JSON data and nulls', async () => {
        await storage.createRun(run({ runId: 'r1' }));
        const written: RunEvent[] = [
          event({ type: 'run-start', assetKey: null, attempt: null, level: 'info', data: null, time: new Date('2024-05-06T07:08:09.010Z') }),
          event({
            type: 'step-failure',
            assetKey: 'users',
            attempt: 3,
            level: 'error',
            message: 'HTTP 503 from "source"\nretrying',
            data: { status: 503, nested: { list: [1, 'two', null, { deep: true }], empty: {} }, unicode: 'zürich ✓' },
          }),
        ];
        await storage.write({ events: written });
        const stored = await storage.runEvents('r1');
        expect(stored.map(({ seq: _seq, ...rest }) => rest)).toEqual(written);
      });

      it('keeps the events of different runs apart', async () => {
        await storage.createRun(run({ runId: 'r1' }));
        await storage.createRun(run({ runId: 'r2' }));
        await storage.write({ events: [event({ runId: 'r1', message: 'a' }), event({ runId: 'r2', message: 'b' })] });
        await storage.write({ events: [event({ runId: 'r1', message: 'c' })] });
        expect((await storage.runEvents('r1')).map((e) => e.message)).toEqual(['a', 'c']);
        expect((await storage.runEvents('r2')).map((e) => e.message)).toEqual(['b']);
        expect(await storage.runEvents('r3')).toEqual([]);
      });

      it('returns only the events after a seq, as a follower of the run reads them', async () => {
        await storage.createRun(run({ runId: 'r1' }));
        await storage.createRun(run({ runId: 'r2' }));
        await storage.write({ events: [event({ message: 'one' }), event({ message: 'two' })] });
        const [, second] = await storage.runEvents('r1');
        expect(await storage.runEvents('r1', { afterSeq: second!.seq })).toEqual([]);
        await storage.write({ events: [event({ runId: 'r2', message: 'other run' }), event({ message: 'three' })] });
        expect((await storage.runEvents('r1', { afterSeq: second!.seq })).map((e) => e.message)).toEqual(['three']);
        expect((await storage.runEvents('r1', { afterSeq: 0 })).map((e) => e.message)).toEqual(['one', 'two', 'three']);
        await expectStrataError(storage.runEvents('r1', { afterSeq: -1 }), 'STRATA_STORAGE_INVALID_ARGUMENT', /-1/);
      });
    });

    describe('materializations', () => {
      beforeEach(async () => {
        await storage.createRun(run({ runId: 'r1' }));
        await storage.createRun(run({ runId: 'r2' }));
      });

      it('round-trips every materialization field', async () => {
        const record = materialization({
          assetKey: 'posts_enriched',
          materializedAt: new Date('2024-02-29T23:59:59.999Z'),
          codeVersion: 'v7',
          dataVersion: 'sha256:abc',
          inputDataVersions: { posts: 'sha256:p', users: 'sha256:u' },
          configVersions: { 'api.url': 'f1', 'api.token': 'f2' },
          reasons: ['upstream-changed', 'expired'],
          durationMs: 12.5,
          metadata: { rows: 100, columns: ['id', 'title'], bytes: 2048, path: 'output/posts_enriched.csv' },
        });
        await storage.write({ materializations: [record] });
        expect((await storage.latestMaterializations()).get('posts_enriched')).toEqual(record);
        expect(await storage.materializationHistory('posts_enriched')).toEqual([record]);
      });

      it('keeps the first manifest stored for a code version and answers only the versions asked for', async () => {
        const manifest = { files: { 'src/a.ts': 'h1' }, packages: { zod: '4.0.0' } };
        await storage.write({ materializations: [materialization({ codeVersion: 'v1' })], codeManifests: new Map([['v1', manifest]]) });
        await storage.write({ codeManifests: new Map([['v1', { explicit: 'other' }], ['v2', { explicit: 'v2' }]]) });
        expect(await storage.codeManifests(['v1', 'v2', 'v3'])).toEqual(new Map<string, unknown>([['v1', manifest], ['v2', { explicit: 'v2' }]]));
        expect(await storage.codeManifests([])).toEqual(new Map());
      });

      it('refuses a code manifest of the wrong shape and writes nothing of its batch', async () => {
        const bad = { files: { 'a.ts': 1 } } as unknown as { explicit: string };
        await expect(storage.write({ materializations: [materialization()], codeManifests: new Map([['v1', bad]]) })).rejects.toMatchObject({ code: 'STRATA_STORAGE_INVALID_RECORD' });
        expect(await storage.latestMaterializations()).toEqual(new Map());
      });

      it('picks the last written materialization per asset even when its timestamp is older', async () => {
        await storage.write({ materializations: [materialization({ assetKey: 'users', dataVersion: 'first', materializedAt: at(100) })] });
        await storage.write({ materializations: [materialization({ assetKey: 'users', dataVersion: 'second', materializedAt: at(50) })] });
        await storage.write({
          materializations: [
            materialization({ assetKey: 'posts', dataVersion: 'p1', materializedAt: at(70) }),
            materialization({ assetKey: 'posts', dataVersion: 'p2', materializedAt: at(70) }),
          ],
        });
        const latest = await storage.latestMaterializations();
        expect(latest.get('users')?.dataVersion).toBe('second');
        expect(latest.get('posts')?.dataVersion).toBe('p2');
      });

      it('iterates the latest materializations in asset key order', async () => {
        for (const key of ['zeta', 'alpha', 'mid', 'alpha_2']) {
          await storage.write({ materializations: [materialization({ assetKey: key })] });
        }
        expect([...(await storage.latestMaterializations()).keys()]).toEqual(['alpha', 'alpha_2', 'mid', 'zeta']);
      });

      it('restricts the latest materializations to the keys asked for', async () => {
        await storage.write({
          materializations: ['a', 'b', 'c'].map((key) => materialization({ assetKey: key })),
        });
        await storage.write({ materializations: [materialization({ assetKey: 'b', dataVersion: 'b2' })] });
        const some = await storage.latestMaterializations(['c', 'b', 'never_built']);
        expect([...some.keys()]).toEqual(['b', 'c']);
        expect(some.get('b')?.dataVersion).toBe('b2');
        expect((await storage.latestMaterializations([])).size).toBe(0);
      });

      it('returns the history of an asset newest first, up to the limit', async () => {
        for (const version of ['v1', 'v2', 'v3']) {
          await storage.write({ materializations: [materialization({ assetKey: 'users', dataVersion: version, materializedAt: at(5) })] });
        }
        await storage.write({ materializations: [materialization({ assetKey: 'posts', dataVersion: 'other' })] });
        expect((await storage.materializationHistory('users')).map((m) => m.dataVersion)).toEqual(['v3', 'v2', 'v1']);
        expect((await storage.materializationHistory('users', { limit: 2 })).map((m) => m.dataVersion)).toEqual(['v3', 'v2']);
        expect(await storage.materializationHistory('never_built')).toEqual([]);
      });

      it('wipes every materialization of the given assets and only those', async () => {
        await storage.write({
          materializations: [
            materialization({ assetKey: 'users' }),
            materialization({ assetKey: 'users', runId: 'r2' }),
            materialization({ assetKey: 'posts' }),
            materialization({ assetKey: 'summary' }),
          ],
        });
        expect(await storage.wipeMaterializations(['users', 'summary', 'never_built'])).toBe(3);
        expect([...(await storage.latestMaterializations()).keys()]).toEqual(['posts']);
        expect(await storage.materializationHistory('users')).toEqual([]);
        expect(await storage.wipeMaterializations([])).toBe(0);
        expect(await storage.wipeMaterializations(['users'])).toBe(0);
      });
    });

    describe('partitioned materializations', () => {
      beforeEach(async () => {
        await storage.createRun(run({ runId: 'r1' }));
        await storage.createRun(run({ runId: 'r2' }));
      });
      const daily = (partition: string, overrides: Partial<MaterializationRecord> = {}) =>
        materialization({ assetKey: 'daily', partition, dataVersion: `${partition}:v1`, ...overrides });

      it('round-trips the partition and keeps the latest record of each partition by write order', async () => {
        await storage.write({ materializations: [daily('2026-01-02'), daily('2026-01-01')] });
        await storage.write({ materializations: [daily('2026-01-01', { runId: 'r2', dataVersion: '2026-01-01:v2', materializedAt: at(0) })] });
        const latest = await storage.latestPartitionMaterializations('daily');
        expect([...latest.keys()]).toEqual(['2026-01-01', '2026-01-02']);
        expect(latest.get('2026-01-01')).toEqual(daily('2026-01-01', { runId: 'r2', dataVersion: '2026-01-01:v2', materializedAt: at(0) }));
        expect(latest.get('2026-01-02')).toEqual(daily('2026-01-02'));
      });

      it('keeps unpartitioned and partitioned records apart', async () => {
        await storage.write({ materializations: [materialization({ assetKey: 'users' }), daily('2026-01-01')] });
        await storage.write({ materializations: [materialization({ assetKey: 'users', partition: 'eu' })] });
        expect([...(await storage.latestMaterializations()).keys()]).toEqual(['users']);
        expect((await storage.latestMaterializations()).get('users')?.partition).toBeNull();
        expect((await storage.latestMaterializations(['daily', 'users'])).get('users')?.partition).toBeNull();
        expect(await storage.latestMaterializations(['daily'])).toEqual(new Map());
        expect([...(await storage.latestPartitionMaterializations('users')).keys()]).toEqual(['eu']);
        expect(await storage.latestPartitionMaterializations('never_built')).toEqual(new Map());
      });

      it('answers only the partitions asked for, in the order asked, however many', async () => {
        const keys = Array.from({ length: 4000 }, (_, day) => `p${String(day).padStart(4, '0')}`);
        await storage.write({ materializations: keys.map((key) => daily(key)) });
        await storage.write({ materializations: [daily('p0007', { runId: 'r2', dataVersion: 'newer' })] });
        const asked = ['p0009', 'never', 'p0007', 'p0001', 'p0009'];
        const some = await storage.latestPartitionMaterializations('daily', asked);
        expect([...some.keys()]).toEqual(['p0009', 'p0007', 'p0001']);
        expect(some.get('p0007')?.dataVersion).toBe('newer');
        const reversed = [...keys].reverse();
        expect([...(await storage.latestPartitionMaterializations('daily', reversed)).keys()]).toEqual(reversed);
        expect([...(await storage.latestPartitionMaterializations('daily')).keys()]).toEqual(keys);
        expect(await storage.latestPartitionMaterializations('daily', [])).toEqual(new Map());
      });

      it('lists the partition keys in byte order', async () => {
        for (const key of ['b', 'B', 'a|eu', 'a', '2026-01-10', '2026-01-9']) await storage.write({ materializations: [daily(key)] });
        expect([...(await storage.latestPartitionMaterializations('daily')).keys()]).toEqual(['2026-01-10', '2026-01-9', 'B', 'a', 'a|eu', 'b']);
      });

      it('returns the history of every partition of an asset, or of one, newest first', async () => {
        await storage.write({ materializations: [daily('2026-01-01'), daily('2026-01-02'), materialization({ assetKey: 'daily', dataVersion: 'whole' })] });
        await storage.write({ materializations: [daily('2026-01-01', { dataVersion: '2026-01-01:v2' })] });
        expect((await storage.materializationHistory('daily')).map((m) => m.dataVersion)).toEqual(['2026-01-01:v2', 'whole', '2026-01-02:v1', '2026-01-01:v1']);
        expect((await storage.materializationHistory('daily', { partition: '2026-01-01' })).map((m) => m.dataVersion)).toEqual(['2026-01-01:v2', '2026-01-01:v1']);
        expect((await storage.materializationHistory('daily', { partition: '2026-01-01', limit: 1 })).map((m) => m.dataVersion)).toEqual(['2026-01-01:v2']);
        expect(await storage.materializationHistory('daily', { partition: '2026-01-03' })).toEqual([]);
      });

      it('wipes the partitions of an asset with its other records', async () => {
        await storage.write({ materializations: [daily('2026-01-01'), daily('2026-01-02'), materialization({ assetKey: 'daily' }), daily('2026-01-01', { assetKey: 'other' })] });
        expect(await storage.wipeMaterializations(['daily'])).toBe(3);
        expect(await storage.latestPartitionMaterializations('daily')).toEqual(new Map());
        expect(await storage.materializationHistory('daily')).toEqual([]);
        expect([...(await storage.latestPartitionMaterializations('other')).keys()]).toEqual(['2026-01-01']);
      });

      it('prunes a run only when none of its partitions is the latest of its asset', async () => {
        for (const [runId, seconds] of [['first', 0], ['second', 1], ['third', 2]] as const) {
          await storage.createRun(run({ runId, startedAt: at(seconds) }));
          await storage.finishRun(runId, 'success', at(seconds));
        }
        await storage.write({ materializations: [daily('2026-01-01', { runId: 'first' }), daily('2026-01-02', { runId: 'first' })] });
        // second supersedes one partition of first, and all of its own are superseded by third.
        await storage.write({ materializations: [daily('2026-01-01', { runId: 'second' })] });
        await storage.write({ materializations: [daily('2026-01-01', { runId: 'third' })] });
        expect(await storage.pruneRuns(at(30))).toEqual({ runs: 1, events: 0, materializations: 1 });
        expect(await storage.getRun('second')).toBeUndefined();
        expect((await storage.latestPartitionMaterializations('daily')).get('2026-01-02')?.runId).toBe('first');
      });
    });

    describe('dynamic partitions', () => {
      it('keeps the keys of each definition in the order they were added, definitions in name order', async () => {
        expect(await storage.dynamicPartitionKeys()).toEqual(new Map());
        expect(await storage.addDynamicPartitions('tenants', ['globex', 'acme'])).toEqual(['globex', 'acme']);
        expect(await storage.addDynamicPartitions('regions', ['eu'])).toEqual(['eu']);
        expect(await storage.addDynamicPartitions('tenants', ['initech'])).toEqual(['initech']);
        expect([...(await storage.dynamicPartitionKeys())]).toEqual([
          ['regions', ['eu']],
          ['tenants', ['globex', 'acme', 'initech']],
        ]);
      });

      it('returns only the keys newly added, each once, and leaves existing ones in place', async () => {
        await storage.addDynamicPartitions('tenants', ['acme', 'globex']);
        expect(await storage.addDynamicPartitions('tenants', ['umbrella', 'acme', 'umbrella', 'hooli'])).toEqual(['umbrella', 'hooli']);
        expect(await storage.addDynamicPartitions('tenants', ['acme'])).toEqual([]);
        expect(await storage.addDynamicPartitions('tenants', [])).toEqual([]);
        expect((await storage.dynamicPartitionKeys()).get('tenants')).toEqual(['acme', 'globex', 'umbrella', 'hooli']);
      });

      it('removes the keys it holds and returns them; a key added again goes last', async () => {
        await storage.addDynamicPartitions('tenants', ['acme', 'globex', 'initech']);
        await storage.addDynamicPartitions('regions', ['acme']);
        expect(await storage.removeDynamicPartitions('tenants', ['initech', 'nobody', 'acme'])).toEqual(['initech', 'acme']);
        expect(await storage.removeDynamicPartitions('tenants', ['acme'])).toEqual([]);
        await storage.addDynamicPartitions('tenants', ['acme']);
        expect([...(await storage.dynamicPartitionKeys())]).toEqual([
          ['regions', ['acme']],
          ['tenants', ['globex', 'acme']],
        ]);
        await storage.removeDynamicPartitions('regions', ['acme']);
        expect([...(await storage.dynamicPartitionKeys()).keys()]).toEqual(['tenants']);
      });

      it('refuses an empty name or key, adding nothing', async () => {
        await expectStrataError(storage.addDynamicPartitions('', ['acme']), 'STRATA_STORAGE_INVALID_ARGUMENT', /name/);
        await expectStrataError(storage.addDynamicPartitions('tenants', ['acme', '']), 'STRATA_STORAGE_INVALID_ARGUMENT', /"tenants".*empty key/);
        await expectStrataError(storage.removeDynamicPartitions('tenants', ['']), 'STRATA_STORAGE_INVALID_ARGUMENT', /empty key/);
        expect(await storage.dynamicPartitionKeys()).toEqual(new Map());
      });
    });

    describe('backfills', () => {
      const request: BackfillRequest = {
        selection: '+user_stats_daily',
        from: '2026-01-01',
        to: '2026-01-03',
        mode: 'missing',
        policy: { kind: 'multi-run', maxPartitionsPerRun: 2 },
        maxConcurrent: 2,
      };
      const backfill = (overrides: Partial<BackfillRecord> = {}): BackfillRecord => ({
        id: 'b1',
        createdAt: at(10),
        status: 'requested',
        request,
        endedAt: null,
        ...overrides,
      });
      const target = (assetKey: string, partition: string | null, overrides: Partial<BackfillTarget> = {}): BackfillTarget => ({
        assetKey,
        partition,
        status: 'pending',
        runId: null,
        ...overrides,
      });
      const noCounts = { pending: 0, running: 0, materialized: 0, 'up-to-date': 0, failed: 0, skipped: 0, canceled: 0 };
      const targets = [target('users', null), target('posts_daily', '2026-01-02'), target('posts_daily', '2026-01-01'), target('user_stats_daily', '2026-01-01')];

      it('round-trips a backfill, its request and its targets in the order created, unpartitioned ones included', async () => {
        await storage.createBackfill(backfill(), targets);
        expect(await storage.getBackfill('b1')).toEqual({ ...backfill(), counts: { ...noCounts, pending: 4 } });
        expect(await storage.backfillTargets('b1')).toEqual(targets);
        expect(await storage.getBackfill('nope')).toBeUndefined();
        expect(await storage.backfillTargets('nope')).toEqual([]);
      });

      it('updates targets in one call, the last update of a target winning, and counts them by status', async () => {
        await storage.createRun(run({ runId: 'r1' }));
        await storage.createBackfill(backfill(), targets);
        await storage.updateBackfillTargets('b1', [
          target('users', null, { status: 'running', runId: 'r1' }),
          target('posts_daily', '2026-01-01', { status: 'running', runId: 'r1' }),
          target('users', null, { status: 'up-to-date', runId: 'r1' }),
        ]);
        await storage.updateBackfillTargets('b1', [target('posts_daily', '2026-01-01', { status: 'failed', runId: 'r1' })]);
        await storage.updateBackfillTargets('b1', []);
        expect((await storage.getBackfill('b1'))?.counts).toEqual({ ...noCounts, pending: 2, 'up-to-date': 1, failed: 1 });
        expect(await storage.backfillTargets('b1', { status: 'pending' })).toEqual([targets[1], targets[3]]);
        expect(await storage.backfillTargets('b1', { status: 'failed' })).toEqual([target('posts_daily', '2026-01-01', { status: 'failed', runId: 'r1' })]);
        expect(await storage.backfillTargets('b1', { status: 'canceled' })).toEqual([]);
      });

      it('refuses updates of an unknown backfill or target, writing none of them', async () => {
        await storage.createBackfill(backfill(), targets);
        await expectStrataError(storage.updateBackfillTargets('nope', [target('users', null)]), 'STRATA_STORAGE_UNKNOWN_BACKFILL', /"nope"/);
        await expectStrataError(
          storage.updateBackfillTargets('b1', [target('users', null, { status: 'materialized' }), target('posts_daily', '2026-02-01', { status: 'materialized' })]),
          'STRATA_STORAGE_UNKNOWN_BACKFILL',
          /"b1".*posts_daily \[2026-02-01\]/,
        );
        await expectStrataError(storage.updateBackfillTargets('b1', [target('users', '')]), 'STRATA_STORAGE_INVALID_RECORD', /partition/);
        expect((await storage.getBackfill('b1'))?.counts).toEqual({ ...noCounts, pending: 4 });
      });

      it('refuses a second backfill with one id, a target listed twice or a bad request, writing nothing', async () => {
        await storage.createBackfill(backfill(), targets);
        await expectStrataError(storage.createBackfill(backfill({ createdAt: at(20) }), []), 'STRATA_STORAGE_DUPLICATE_BACKFILL', /"b1"/);
        await expectStrataError(
          storage.createBackfill(backfill({ id: 'b2' }), [target('users', null), target('posts', 'p1'), target('users', null)]),
          'STRATA_STORAGE_INVALID_RECORD',
          /"b2".*users twice/,
        );
        const badPolicy = { ...request, policy: { kind: 'multi-run', maxPartitionsPerRun: 0 } } as unknown as BackfillRequest;
        await expectStrataError(storage.createBackfill(backfill({ id: 'b3', request: badPolicy }), []), 'STRATA_STORAGE_INVALID_RECORD', /policy/);
        expect((await storage.listBackfills()).map((b) => b.id)).toEqual(['b1']);
        expect(await storage.backfillTargets('b2')).toEqual([]);
      });

      it('ends a backfill with a final status and reopens it to resume', async () => {
        await storage.createBackfill(backfill(), targets);
        await storage.finishBackfill('b1', 'canceled', at(40));
        expect(await storage.getBackfill('b1')).toMatchObject({ status: 'canceled', endedAt: at(40) });
        await storage.finishBackfill('b1', 'requested', null);
        expect(await storage.getBackfill('b1')).toMatchObject({ status: 'requested', endedAt: null });
        await expectStrataError(storage.finishBackfill('b1', 'completed', null), 'STRATA_STORAGE_INVALID_RECORD', /"b1".*needs an end time/);
        await expectStrataError(storage.finishBackfill('b1', 'requested', at(50)), 'STRATA_STORAGE_INVALID_RECORD', /has no end time/);
        await expectStrataError(storage.finishBackfill('nope', 'completed', at(50)), 'STRATA_STORAGE_UNKNOWN_BACKFILL', /"nope"/);
      });

      it('lists backfills newest first by creation time, then creation order, each with its counts', async () => {
        await storage.createBackfill(backfill({ id: 'middle', createdAt: at(20) }), [target('a', 'p1'), target('a', 'p2')]);
        await storage.createBackfill(backfill({ id: 'oldest', createdAt: at(10) }), []);
        await storage.createBackfill(backfill({ id: 'newest', createdAt: at(30) }), [target('a', 'p1')]);
        await storage.createBackfill(backfill({ id: 'same-ms-as-middle', createdAt: at(20) }), [target('a', 'p1', { status: 'materialized' })]);
        const listed = await storage.listBackfills();
        expect(listed.map((b) => b.id)).toEqual(['newest', 'same-ms-as-middle', 'middle', 'oldest']);
        expect(listed.map((b) => [b.counts.pending, b.counts.materialized])).toEqual([[1, 0], [0, 1], [2, 0], [0, 0]]);
        expect((await storage.listBackfills({ limit: 1 })).map((b) => b.id)).toEqual(['newest']);
        await expectStrataError(storage.listBackfills({ limit: 0 }), 'STRATA_STORAGE_INVALID_ARGUMENT', /0/);
      });

      it('stores and counts a backfill of 3,650 daily partitions of 3 assets', async () => {
        const days = Array.from({ length: 3650 }, (_, day) => new Date(Date.UTC(2016, 0, 1 + day)).toISOString().slice(0, 10));
        const assets = ['posts_daily', 'user_stats_daily', 'user_trends_daily'];
        const all = assets.flatMap((assetKey) => days.map((day) => target(assetKey, day)));
        await storage.createBackfill(backfill({ request: { ...request, from: days[0]!, to: days.at(-1)! } }), all);
        const done = days.slice(0, 1000).map((day) => target('posts_daily', day, { status: 'materialized', runId: 'r-1' }));
        await storage.updateBackfillTargets('b1', [...done, target('user_stats_daily', days[5]!, { status: 'failed', runId: 'r-1' })]);
        expect((await storage.getBackfill('b1'))?.counts).toEqual({ ...noCounts, pending: 3 * 3650 - 1001, materialized: 1000, failed: 1 });
        const pending = await storage.backfillTargets('b1', { status: 'pending' });
        expect(pending).toHaveLength(3 * 3650 - 1001);
        expect(pending[0]).toEqual(target('posts_daily', days[1000]!));
        expect(pending.at(-1)).toEqual(target('user_trends_daily', days.at(-1)!));
      });
    });

    describe('check results', () => {
      beforeEach(async () => {
        await storage.createRun(run({ runId: 'r1' }));
        await storage.createRun(run({ runId: 'r2' }));
      });

      it('round-trips every check result field, samples and metadata included', async () => {
        const failed = checkResult({
          status: 'failed',
          blocking: true,
          failing: 2,
          sample: [{ id: 7, email: null, vip: true }, { id: 7, email: 'a@b.c', vip: false }],
          metadata: { duplicatedValues: 1, nested: { deep: [1, 'two'] } },
          dataVersions: { users: 'd1', posts: 'p9' },
          durationMs: 12.5,
        });
        const errored = checkResult({ checkName: 'row_count', status: 'errored', severity: 'warn', blocking: false, failing: null, metadata: { error: 'boom' } });
        await storage.recordCheckResults([failed, errored]);
        expect(await storage.latestCheckResults()).toEqual(new Map([['users.row_count', errored], ['users.unique_id', failed]]));
      });

      it('keeps the latest result per check by write order, for the assets asked for', async () => {
        await storage.recordCheckResults([checkResult({ runId: 'r1', status: 'failed', checkedAt: at(50) })]);
        await storage.recordCheckResults([checkResult({ runId: 'r2', status: 'passed', failing: 0, checkedAt: at(10) })]);
        await storage.recordCheckResults([checkResult({ runId: 'r1', assetKey: 'posts', checkName: 'unique_id' })]);
        const latest = await storage.latestCheckResults(['users']);
        expect([...latest.keys()]).toEqual(['users.unique_id']);
        expect(latest.get('users.unique_id')).toMatchObject({ runId: 'r2', status: 'passed' });
        expect(await storage.latestCheckResults([])).toEqual(new Map());
        expect([...(await storage.latestCheckResults()).keys()]).toEqual(['posts.unique_id', 'users.unique_id']);
      });

      it('returns the history of an asset, or of one of its checks, newest first up to the limit', async () => {
        await storage.recordCheckResults([checkResult({ runId: 'r1' }), checkResult({ runId: 'r1', checkName: 'not_null_email' })]);
        await storage.recordCheckResults([checkResult({ runId: 'r2' })]);
        expect((await storage.checkResultHistory('users')).map((r) => `${r.runId}:${r.checkName}`)).toEqual(['r2:unique_id', 'r1:not_null_email', 'r1:unique_id']);
        expect((await storage.checkResultHistory('users', { checkName: 'unique_id', limit: 1 })).map((r) => r.runId)).toEqual(['r2']);
        expect(await storage.checkResultHistory('posts')).toEqual([]);
      });

      it('refuses a result of an unknown run or with a bad field, and writes none of the batch', async () => {
        await expectStrataError(storage.recordCheckResults([checkResult(), checkResult({ runId: 'ghost' })]), 'STRATA_STORAGE_UNKNOWN_RUN', /run/);
        await expectStrataError(storage.recordCheckResults([checkResult({ failing: -1 })]), 'STRATA_STORAGE_INVALID_RECORD', /failing/);
        expect(await storage.latestCheckResults()).toEqual(new Map());
      });

      it('forgets the check results of wiped assets with their materializations', async () => {
        await storage.write({ materializations: [materialization({ assetKey: 'users' })] });
        await storage.recordCheckResults([checkResult(), checkResult({ assetKey: 'posts' })]);
        await storage.wipeMaterializations(['users']);
        expect([...(await storage.latestCheckResults()).keys()]).toEqual(['posts.unique_id']);
      });

      it('prunes the results of pruned runs but keeps a run that holds the latest result of a check', async () => {
        for (const [runId, seconds] of [['old', 1], ['older', 0]] as const) {
          await storage.createRun(run({ runId, startedAt: at(seconds) }));
          await storage.finishRun(runId, 'success', at(seconds));
        }
        await storage.recordCheckResults([checkResult({ runId: 'older' })]);
        await storage.recordCheckResults([checkResult({ runId: 'old' })]);
        expect((await storage.pruneRuns(at(30))).runs).toBe(1);
        expect(await storage.getRun('older')).toBeUndefined();
        expect((await storage.checkResultHistory('users')).map((r) => r.runId)).toEqual(['old']);
      });
    });

    describe('write', () => {
      beforeEach(async () => {
        await storage.createRun(run({ runId: 'r1' }));
      });

      it('stores the events and materializations of one batch together', async () => {
        await storage.write({
          events: [event({ type: 'step-success', assetKey: 'users' })],
          materializations: [materialization({ assetKey: 'users' })],
        });
        expect(await storage.runEvents('r1')).toHaveLength(1);
        expect((await storage.latestMaterializations()).has('users')).toBe(true);
      });

      it('writes nothing from a batch in which a record names a run that was never created, and names that run', async () => {
        const error = await expectStrataError(
          storage.write({
            events: [event({ message: 'valid' }), event({ message: 'also valid' })],
            materializations: [materialization({ assetKey: 'users' }), materialization({ assetKey: 'posts', runId: 'ghost' })],
          }),
          'STRATA_STORAGE_UNKNOWN_RUN',
          /"ghost"/,
        );
        expect(error.message).not.toContain('"r1"');
        expect(await storage.runEvents('r1')).toEqual([]);
        expect((await storage.latestMaterializations()).size).toBe(0);
      });

      it('writes nothing from a batch holding a record that breaks its schema, and says which', async () => {
        await expectStrataError(
          storage.write({
            events: [event({ message: 'valid' })],
            materializations: [materialization({ assetKey: 'users' }), materialization({ assetKey: 'posts', durationMs: Number.NaN })],
          }),
          'STRATA_STORAGE_INVALID_RECORD',
          /materializations\[1\].*durationMs/,
        );
        expect(await storage.runEvents('r1')).toEqual([]);
        expect((await storage.latestMaterializations()).size).toBe(0);
      });

      it('rejects log data that cannot be stored as JSON', async () => {
        await expectStrataError(
          storage.write({ events: [event({ message: 'ok' }), event({ data: { count: 10n } })] }),
          'STRATA_STORAGE_INVALID_RECORD',
          /events\[1\]\.data/,
        );
        expect(await storage.runEvents('r1')).toEqual([]);
      });

      it('accepts an empty batch without writing anything', async () => {
        await storage.write({});
        await storage.write({ events: [], materializations: [] });
        expect(await storage.runEvents('r1')).toEqual([]);
        expect((await storage.latestMaterializations()).size).toBe(0);
      });
    });

    describe('schedules and sensors', () => {
      const state = (overrides: Partial<InstigatorState> = {}): InstigatorState => ({
        kind: 'schedule',
        name: 'daily',
        status: null,
        startedAt: at(0),
        cursor: null,
        lastTickAt: null,
        ...overrides,
      });
      const tick = (overrides: Partial<TickRecord> = {}): TickRecord => ({
        kind: 'schedule',
        name: 'daily',
        tickTime: at(60),
        evaluatedAt: at(61),
        status: 'skipped',
        runIds: [],
        skipReason: 'nothing to do',
        error: null,
        cursor: null,
        ...overrides,
      });

      it('returns undefined for a schedule or sensor nothing was stored for', async () => {
        expect(await storage.instigatorState('schedule', 'daily')).toBeUndefined();
        expect(await storage.instigatorStates()).toEqual([]);
      });

      it('saves, replaces and lists states by kind then name, keeping schedules and sensors of one name apart', async () => {
        await storage.saveInstigatorState(state({ kind: 'sensor', name: 'b', cursor: 'c1' }));
        await storage.saveInstigatorState(state({ name: 'b' }));
        await storage.saveInstigatorState(state({ name: 'a', status: 'stopped', startedAt: null }));
        await storage.saveInstigatorState(state({ kind: 'sensor', name: 'b', cursor: 'c2', status: 'running', lastTickAt: at(5) }));
        expect((await storage.instigatorStates()).map((s) => `${s.kind}:${s.name}`)).toEqual(['schedule:a', 'schedule:b', 'sensor:b']);
        expect(await storage.instigatorState('sensor', 'b')).toEqual(state({ kind: 'sensor', name: 'b', cursor: 'c2', status: 'running', lastTickAt: at(5) }));
        expect(await storage.instigatorState('schedule', 'a')).toEqual(state({ name: 'a', status: 'stopped', startedAt: null }));
      });

      it('records a tick with its instigator state in one call, and lists ticks newest first', async () => {
        await storage.createRun(run({ runId: 'r1' }));
        const first = await storage.recordTick(tick({ status: 'success', runIds: ['r1'], skipReason: null }), state({ lastTickAt: at(60) }));
        const second = await storage.recordTick(tick({ tickTime: at(120), evaluatedAt: at(121) }), state({ lastTickAt: at(120) }));
        const failed = await storage.recordTick(
          tick({ kind: 'sensor', name: 'watch', tickTime: at(30), status: 'failed', skipReason: null, error: 'boom', cursor: 'c' }),
          state({ kind: 'sensor', name: 'watch', cursor: 'c', lastTickAt: at(30) }),
        );
        expect(second.id).toBeGreaterThan(first.id);
        expect(first).toEqual({ ...tick({ status: 'success', runIds: ['r1'], skipReason: null }), id: first.id });
        expect((await storage.listTicks()).map((t) => t.id)).toEqual([failed.id, second.id, first.id]);
        expect(await storage.listTicks({ kind: 'schedule', name: 'daily', limit: 1 })).toEqual([second]);
        expect(await storage.listTicks({ name: 'watch' })).toEqual([failed]);
        expect(await storage.listTicks({ kind: 'sensor', name: 'daily' })).toEqual([]);
        expect((await storage.instigatorState('schedule', 'daily'))?.lastTickAt).toEqual(at(120));
        expect((await storage.instigatorState('sensor', 'watch'))?.cursor).toBe('c');
      });

      it('refuses a tick whose state belongs to another schedule or sensor, and stores neither', async () => {
        await expectStrataError(storage.recordTick(tick(), state({ name: 'other' })), 'STRATA_STORAGE_INVALID_ARGUMENT', /"daily".*"other"/);
        expect(await storage.listTicks()).toEqual([]);
        expect(await storage.instigatorStates()).toEqual([]);
      });

      it('refuses a tick that breaks its schema', async () => {
        await expectStrataError(storage.recordTick(tick({ status: 'maybe' as never }), state()), 'STRATA_STORAGE_INVALID_RECORD', /status/);
        expect(await storage.listTicks()).toEqual([]);
      });

      it('records launches and answers which run keys a trigger launched', async () => {
        await storage.createRun(run({ runId: 'r1' }));
        await storage.recordLaunch({ trigger: 'sensor:watch', job: 'refresh', runKey: 'k1', runId: 'r1', launchedAt: at(1) });
        await storage.recordLaunch({ trigger: 'sensor:watch', job: 'refresh', runKey: 'k2', runId: null, launchedAt: at(2) });
        await storage.recordLaunch({ trigger: 'sensor:other', job: null, runKey: 'k3', runId: null, launchedAt: at(3) });
        await storage.recordLaunch({ trigger: 'sensor:watch', job: 'refresh', runKey: null, runId: null, launchedAt: at(4) });
        await storage.recordLaunch({ trigger: 'sensor:watch', job: 'refresh', runKey: null, runId: null, launchedAt: at(5) });
        expect([...(await storage.launchedRunKeys('sensor:watch', ['k1', 'k2', 'k3', 'k4']))].sort()).toEqual(['k1', 'k2']);
        expect(await storage.launchedRunKeys('sensor:watch', [])).toEqual(new Set());
      });

      it('refuses a run key its trigger launched before, keeping the first launch', async () => {
        await storage.recordLaunch({ trigger: 'schedule:daily', job: 'refresh', runKey: '2024-01-01T02:00:00.000Z', runId: null, launchedAt: at(1) });
        await expectStrataError(
          storage.recordLaunch({ trigger: 'schedule:daily', job: 'refresh', runKey: '2024-01-01T02:00:00.000Z', runId: null, launchedAt: at(2) }),
          'STRATA_STORAGE_DUPLICATE_RUN_KEY',
          /schedule:daily.*2024-01-01T02:00:00\.000Z/,
        );
        // The same key from another trigger is a different launch.
        await storage.recordLaunch({ trigger: 'schedule:hourly', job: 'refresh', runKey: '2024-01-01T02:00:00.000Z', runId: null, launchedAt: at(2) });
      });

      it('refuses a launch naming a run that was never created', async () => {
        await expectStrataError(
          storage.recordLaunch({ trigger: 'sensor:watch', job: 'refresh', runKey: 'k', runId: 'ghost', launchedAt: at(1) }),
          'STRATA_STORAGE_UNKNOWN_RUN',
          /"ghost"/,
        );
        expect(await storage.launchedRunKeys('sensor:watch', ['k'])).toEqual(new Set());
      });

      it('lists the started runs launched for a job, newest first, and no others', async () => {
        for (const [runId, seconds] of [['old', 1], ['new', 2], ['done', 3], ['other-job', 4], ['not-launched', 5]] as const) {
          await storage.createRun(run({ runId, startedAt: at(seconds) }));
        }
        await storage.finishRun('done', 'success', at(6));
        for (const runId of ['old', 'new', 'done']) {
          await storage.recordLaunch({ trigger: 'schedule:daily', job: 'refresh', runKey: null, runId, launchedAt: at(1) });
        }
        await storage.recordLaunch({ trigger: 'schedule:daily', job: 'other', runKey: null, runId: 'other-job', launchedAt: at(1) });
        expect((await storage.startedRunsOfJob('refresh')).map((r) => r.runId)).toEqual(['new', 'old']);
        expect(await storage.startedRunsOfJob('nobody')).toEqual([]);
      });
    });

    describe('pruning runs', () => {
      const events = (runId: string) => [event({ runId, message: `${runId} 1` }), event({ runId, message: `${runId} 2` })];

      it('deletes the finished runs that started before the cutoff with their events, and keeps newer and running ones', async () => {
        await storage.createRun(run({ runId: 'old-done', startedAt: at(1) }));
        await storage.createRun(run({ runId: 'old-running', startedAt: at(2) }));
        await storage.createRun(run({ runId: 'new-done', startedAt: at(60) }));
        await storage.finishRun('old-done', 'failed', at(3));
        await storage.finishRun('new-done', 'success', at(61));
        for (const runId of ['old-done', 'old-running', 'new-done']) await storage.write({ events: events(runId) });

        expect(await storage.pruneRuns(at(30))).toEqual({ runs: 1, events: 2, materializations: 0 });
        expect(await storage.getRun('old-done')).toBeUndefined();
        expect(await storage.runEvents('old-done')).toEqual([]);
        expect((await storage.listRuns()).map((r) => r.runId)).toEqual(['new-done', 'old-running']);
        expect((await storage.runEvents('old-running')).map((e) => e.message)).toEqual(['old-running 1', 'old-running 2']);
        expect(await storage.pruneRuns(at(30))).toEqual({ runs: 0, events: 0, materializations: 0 });
      });

      it('keeps a run that recorded the latest materialization of an asset, and deletes superseded ones with their runs', async () => {
        for (const [runId, seconds] of [['first', 1], ['second', 2], ['third', 3]] as const) {
          await storage.createRun(run({ runId, startedAt: at(seconds) }));
          await storage.finishRun(runId, 'success', at(seconds));
        }
        await storage.write({
          materializations: [
            materialization({ runId: 'first', assetKey: 'users', dataVersion: 'u1' }),
            materialization({ runId: 'first', assetKey: 'posts', dataVersion: 'p1' }),
          ],
        });
        await storage.write({ materializations: [materialization({ runId: 'second', assetKey: 'users', dataVersion: 'u2' })] });
        await storage.write({ materializations: [materialization({ runId: 'third', assetKey: 'posts', dataVersion: 'p2' })] });
        const latest = await storage.latestMaterializations();

        expect(await storage.pruneRuns(at(30))).toEqual({ runs: 1, events: 0, materializations: 2 });
        expect((await storage.listRuns()).map((r) => r.runId)).toEqual(['third', 'second']);
        expect(await storage.latestMaterializations()).toEqual(latest);
        expect((await storage.materializationHistory('users')).map((m) => m.dataVersion)).toEqual(['u2']);
      });

      it('keeps the run keys of the launches whose runs it deletes', async () => {
        await storage.createRun(run({ runId: 'launched', startedAt: at(1) }));
        await storage.finishRun('launched', 'success', at(2));
        await storage.recordLaunch({ trigger: 'sensor:watch', job: 'refresh', runKey: 'k1', runId: 'launched', launchedAt: at(1) });

        expect((await storage.pruneRuns(at(30))).runs).toBe(1);
        expect(await storage.launchedRunKeys('sensor:watch', ['k1'])).toEqual(new Set(['k1']));
        await expectStrataError(
          storage.recordLaunch({ trigger: 'sensor:watch', job: 'refresh', runKey: 'k1', runId: null, launchedAt: at(40) }),
          'STRATA_STORAGE_DUPLICATE_RUN_KEY',
          /k1/,
        );
      });

      it('refuses a cutoff that is not a valid date', async () => {
        await expectStrataError(storage.pruneRuns(new Date('soon')), 'STRATA_STORAGE_INVALID_ARGUMENT', /valid date/);
      });
    });

    it('can be closed twice', async () => {
      await storage.close();
      await storage.close();
    });

    describe('instance key', () => {
      it('creates 32 random bytes once and returns the same key every time after', async () => {
        const key = await storage.instanceKey();
        expect(key).toMatch(/^[0-9a-f]{64}$/);
        expect(await storage.instanceKey()).toBe(key);
      });
    });

    /*
     * Expiry is judged by the backend's clock, which is the caller's `now` on
     * SQLite and the database server's on Postgres (see acquireAssetLease).
     * So these cases assert what is granted, refused and expired, never the
     * times stored: a lease of ttlMs 0 has expired by the next call on either
     * clock, one of 10 s has not. Each backend's own tests pin its clock.
     */
    describe('asset leases', () => {
      const request = (runId: string, seconds: number, extra: { takeOverFrom?: string; ttlMs?: number; assetKey?: string } = {}) => ({
        assetKey: 'users',
        runId,
        pid: 100,
        hostname: 'host-a',
        now: at(seconds),
        ttlMs: 10_000,
        ...extra,
      });

      it('grants a free asset and refuses it to another run, naming the holder and its ttl', async () => {
        expect(await storage.acquireAssetLease(request('r1', 0))).toEqual({ acquired: true });
        const refused = await storage.acquireAssetLease(request('r2', 1));
        expect(refused).toMatchObject({ acquired: false, holder: { assetKey: 'users', runId: 'r1', pid: 100, hostname: 'host-a' } });
        if (refused.acquired) throw new Error('expected the lease to be refused');
        expect(refused.holder.expiresAt.getTime() - refused.holder.acquiredAt.getTime()).toBe(10_000);
      });

      it('grants the holder again, and anyone once the lease expired', async () => {
        await storage.acquireAssetLease(request('r1', 0));
        expect(await storage.acquireAssetLease(request('r1', 5))).toEqual({ acquired: true });
        expect((await storage.acquireAssetLease(request('r2', 6))).acquired).toBe(false);
        // The holder takes it again for no time at all: expired from then on.
        expect(await storage.acquireAssetLease(request('r1', 7, { ttlMs: 0 }))).toEqual({ acquired: true });
        expect(await storage.acquireAssetLease(request('r2', 8))).toEqual({ acquired: true });
        expect((await storage.acquireAssetLease(request('r1', 9))).acquired).toBe(false);
      });

      it('extends every lease of a run on renewal, to now plus the new ttl', async () => {
        await storage.acquireAssetLease(request('r1', 0, { ttlMs: 0 }));
        await storage.acquireAssetLease(request('r1', 0, { ttlMs: 0, assetKey: 'posts' }));
        await storage.acquireAssetLease(request('r3', 0, { ttlMs: 0, assetKey: 'summary' }));
        await storage.renewAssetLeases('r1', at(1), 10_000);
        expect((await storage.acquireAssetLease(request('r2', 2))).acquired).toBe(false);
        expect((await storage.acquireAssetLease(request('r2', 2, { assetKey: 'posts' }))).acquired).toBe(false);
        // Another run's lease is not renewed with them.
        expect((await storage.acquireAssetLease(request('r2', 2, { assetKey: 'summary' }))).acquired).toBe(true);
        // Renewal sets the expiry from now; it does not add to what was left.
        await storage.renewAssetLeases('r1', at(3), 0);
        expect((await storage.acquireAssetLease(request('r2', 4))).acquired).toBe(true);
      });

      it('hands a lease over only from the named holder', async () => {
        await storage.acquireAssetLease(request('r1', 0));
        expect((await storage.acquireAssetLease(request('r2', 1, { takeOverFrom: 'r9' }))).acquired).toBe(false);
        expect((await storage.acquireAssetLease(request('r2', 1, { takeOverFrom: 'r1' }))).acquired).toBe(true);
      });

      it('frees leases on release, one asset or all of a run', async () => {
        await storage.acquireAssetLease(request('r1', 0));
        await storage.acquireAssetLease({ ...request('r1', 0), assetKey: 'posts' });
        await storage.releaseAssetLease('users', 'r2');
        expect((await storage.acquireAssetLease(request('r2', 1))).acquired).toBe(false);
        await storage.releaseAssetLease('users', 'r1');
        expect((await storage.acquireAssetLease(request('r2', 1))).acquired).toBe(true);
        await storage.releaseAssetLeases('r1');
        expect((await storage.acquireAssetLease({ ...request('r2', 1), assetKey: 'posts' })).acquired).toBe(true);
      });
    });

    describe('concurrency pools', () => {
      const claim = (runId: string, seconds: number, extra: { assetKey?: string; pool?: string; ttlMs?: number; takeOverFrom?: string } = {}) => ({
        pool: 'api',
        runId,
        assetKey: 'users',
        pid: 100,
        hostname: 'host-a',
        now: at(seconds),
        ttlMs: 10_000,
        ...extra,
      });

      it('sets, replaces and removes pool limits, listing them by pool name', async () => {
        await storage.setPoolLimit('warehouse', 3);
        await storage.setPoolLimit('api', 1);
        await storage.setPoolLimit('api', 2);
        expect([...(await storage.poolLimits())]).toEqual([['api', 2], ['warehouse', 3]]);
        await storage.setPoolLimit('warehouse', null);
        expect([...(await storage.poolLimits())]).toEqual([['api', 2]]);
      });

      it('refuses a limit that is not a positive integer', async () => {
        await expectStrataError(storage.setPoolLimit('api', 0), 'STRATA_STORAGE_INVALID_ARGUMENT', /"api".*positive integer/);
        await expectStrataError(storage.setPoolLimit('api', 1.5), 'STRATA_STORAGE_INVALID_ARGUMENT', /positive integer/);
      });

      it('grants slots up to the limit and names the holders when it is reached', async () => {
        await storage.setPoolLimit('api', 2);
        expect(await storage.claimPoolSlot(claim('r1', 0))).toEqual({ claimed: true });
        expect(await storage.claimPoolSlot(claim('r1', 0, { assetKey: 'posts' }))).toEqual({ claimed: true });
        const refused = await storage.claimPoolSlot(claim('r2', 1));
        expect(refused).toMatchObject({ claimed: false, limit: 2, holders: [{ runId: 'r1' }, { runId: 'r1' }] });
        if (refused.claimed) throw new Error('expected the slot to be refused');
        expect(refused.holders.map((holder) => holder.assetKey).sort()).toEqual(['posts', 'users']);
        // Another pool is counted apart.
        expect(await storage.claimPoolSlot(claim('r2', 1, { pool: 'warehouse' }))).toEqual({ claimed: true });
      });

      it('grants a step the slot it holds again, and any number of slots in a pool without a limit', async () => {
        await storage.setPoolLimit('api', 1);
        await storage.claimPoolSlot(claim('r1', 0));
        expect(await storage.claimPoolSlot(claim('r1', 1))).toEqual({ claimed: true });
        for (const runId of ['r1', 'r2', 'r3']) expect(await storage.claimPoolSlot(claim(runId, 1, { pool: 'free' }))).toEqual({ claimed: true });
        expect((await storage.poolSlots(at(2))).filter((slot) => slot.pool === 'free')).toHaveLength(3);
      });

      it('frees a slot on release, one step or every slot of a run', async () => {
        await storage.setPoolLimit('api', 1);
        await storage.claimPoolSlot(claim('r1', 0));
        await storage.releasePoolSlot('api', 'r2', 'users');
        expect((await storage.claimPoolSlot(claim('r2', 1))).claimed).toBe(false);
        await storage.releasePoolSlot('api', 'r1', 'users');
        expect((await storage.claimPoolSlot(claim('r2', 1))).claimed).toBe(true);
        await storage.releasePoolSlots('r2');
        expect((await storage.claimPoolSlot(claim('r3', 2))).claimed).toBe(true);
      });

      it('frees a slot whose run stopped renewing it, and keeps one the heartbeat renewed', async () => {
        await storage.setPoolLimit('api', 1);
        // Expired from the start: a ttl of 0.
        await storage.claimPoolSlot(claim('r1', 0, { ttlMs: 0 }));
        await storage.renewPoolSlots('r1', at(0), 10_000);
        expect((await storage.claimPoolSlot(claim('r2', 1))).claimed).toBe(false);
        await storage.renewPoolSlots('r1', at(1), 0);
        expect(await storage.claimPoolSlot(claim('r2', 2))).toEqual({ claimed: true });
        expect((await storage.claimPoolSlot(claim('r1', 3))).claimed).toBe(false);
      });

      it('takes over the slots of the named holder only', async () => {
        await storage.setPoolLimit('api', 1);
        await storage.claimPoolSlot(claim('r1', 0));
        expect((await storage.claimPoolSlot(claim('r2', 1, { takeOverFrom: 'r9' }))).claimed).toBe(false);
        expect(await storage.claimPoolSlot(claim('r2', 1, { takeOverFrom: 'r1' }))).toEqual({ claimed: true });
        expect((await storage.poolSlots(at(2))).map((slot) => slot.runId)).toEqual(['r2']);
      });

      it('lists the slots in use by pool, with their run, step and process', async () => {
        await storage.claimPoolSlot(claim('r1', 0, { pool: 'warehouse' }));
        await storage.claimPoolSlot(claim('r2', 0));
        await storage.claimPoolSlot(claim('r3', 0, { ttlMs: 0 }));
        const slots = await storage.poolSlots(at(1));
        expect(slots.map((slot) => [slot.pool, slot.runId, slot.assetKey, slot.pid, slot.hostname])).toEqual([
          ['api', 'r2', 'users', 100, 'host-a'],
          ['warehouse', 'r1', 'users', 100, 'host-a'],
        ]);
      });
    });

    describe('run queue', () => {
      const queued = (runId: string, seconds: number) => run({ runId, status: 'queued', startedAt: at(seconds), pid: null, hostname: null, trigger: 'schedule:nightly' });
      const claim = (runId: string, maxStartedRuns: number | null = null) => ({ runId, pid: 7, hostname: 'daemon-host', startedAt: at(50), maxStartedRuns });

      it('keeps a queued run with its request and lists the queue oldest first', async () => {
        await storage.enqueueRun({ ...queued('q2', 20), tags: { team: 'data' }, parentRunId: 'r0' }, { job: 'refresh' });
        await storage.enqueueRun(queued('q1', 10), { select: '+top_authors', exclude: 'posts', force: true, refresh: 'users' });
        const queue = await storage.queuedRuns();
        // Oldest = queued first, whatever the times say.
        expect(queue.map((entry) => entry.run.runId)).toEqual(['q2', 'q1']);
        // The run records its request, and keeps its tags and parent.
        expect(queue[0]).toEqual({
          run: { ...queued('q2', 20), tags: { team: 'data' }, parentRunId: 'r0', request: { job: 'refresh' } },
          request: { job: 'refresh' },
        });
        expect(queue[1]?.request).toEqual({ select: '+top_authors', exclude: 'posts', force: true, refresh: 'users' });
        expect((await storage.listRuns({ status: 'queued' })).map((r) => r.runId)).toEqual(['q2', 'q1']);
      });

      it('refuses to queue a run whose status is not queued, or an id that exists', async () => {
        await expectStrataError(storage.enqueueRun(run({ runId: 'r1' }), {}), 'STRATA_STORAGE_INVALID_RECORD', /"queued"/);
        await storage.createRun(run({ runId: 'r1' }));
        await expectStrataError(storage.enqueueRun(queued('r1', 0), {}), 'STRATA_STORAGE_DUPLICATE_RUN', /"r1"/);
        expect(await storage.queuedRuns()).toEqual([]);
      });

      it('starts a queued run for one claimer only, recording its process and start', async () => {
        await storage.enqueueRun(queued('q1', 10), { job: 'refresh' });
        const results = await Promise.all([storage.claimQueuedRun(claim('q1')), storage.claimQueuedRun(claim('q1'))]);
        expect(results.sort()).toEqual(['claimed', 'gone']);
        expect(await storage.getRun('q1')).toMatchObject({ status: 'started', pid: 7, hostname: 'daemon-host', startedAt: at(50) });
        expect(await storage.queuedRuns()).toEqual([]);
        expect(await storage.claimQueuedRun(claim('never-queued'))).toBe('gone');
      });

      it('claims no run once the maximum of started runs is reached', async () => {
        await storage.createRun(run({ runId: 'running' }));
        await storage.enqueueRun(queued('q1', 10), {});
        await storage.enqueueRun(queued('q2', 11), {});
        expect(await storage.claimQueuedRun(claim('q1', 1))).toBe('at-capacity');
        expect(await storage.claimQueuedRun(claim('q1', 2))).toBe('claimed');
        expect(await storage.claimQueuedRun(claim('q2', 2))).toBe('at-capacity');
        await storage.finishRun('running', 'success', at(60));
        // The loser finds the run gone, or (counting the winner's run) the maximum reached: either way it starts nothing.
        const racing = await Promise.all([storage.claimQueuedRun(claim('q2', 2)), storage.claimQueuedRun(claim('q2', 2))]);
        expect(racing.filter((result) => result === 'claimed')).toHaveLength(1);
      });

      it('fails a queued run that cannot be started, and never prunes a queued one', async () => {
        await storage.enqueueRun(queued('q1', 0), { job: 'gone' });
        await storage.enqueueRun(queued('q2', 0), { job: 'refresh' });
        await storage.finishRun('q1', 'failed', at(5));
        expect((await storage.queuedRuns()).map((entry) => entry.run.runId)).toEqual(['q2']);
        expect(await storage.pruneRuns(at(100))).toMatchObject({ runs: 1 });
        expect((await storage.getRun('q2'))?.status).toBe('queued');
        expect(await storage.getRun('q1')).toBeUndefined();
      });
    });

    describe('cancellation requests', () => {
      const queued = (runId: string) => run({ runId, status: 'queued', startedAt: at(10), pid: null, hostname: null });
      const cancel = (runId: string, requestedBy = 'alice', seconds = 20) => storage.requestRunCancel({ runId, requestedBy, at: at(seconds) });
      const claim = (runId: string) => storage.claimQueuedRun({ runId, pid: 7, hostname: 'daemon-host', startedAt: at(30), maxStartedRuns: null });

      it('cancels a queued run at once, with its end time and a run-end event, so no daemon can claim it after', async () => {
        await storage.enqueueRun(queued('q1'), { job: 'refresh' });
        expect(await cancel('q1')).toBe('canceled');
        expect(await storage.getRun('q1')).toMatchObject({ status: 'canceled', endedAt: at(20) });
        const events = await storage.runEvents('q1');
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          type: 'run-end',
          time: at(20),
          assetKey: null,
          attempt: null,
          level: 'warn',
          message: 'Run q1 was canceled before it started (by alice).',
          data: { status: 'canceled' },
        });
        expect(await storage.queuedRuns()).toEqual([]);
        expect(await claim('q1')).toBe('gone');
        // Canceled at once: nothing is left for a coordinator to poll.
        expect(await storage.runCancelRequested('q1')).toBe(false);
      });

      it('lets either a claim or a cancellation of a queued run win, never both', async () => {
        await storage.enqueueRun(queued('q1'), {});
        const [claimed, canceled] = await Promise.all([claim('q1'), cancel('q1')]);
        if (claimed === 'claimed') {
          expect(canceled).toBe('requested');
          expect(await storage.getRun('q1')).toMatchObject({ status: 'started' });
          expect(await storage.runCancelRequested('q1')).toBe(true);
        } else {
          expect([claimed, canceled]).toEqual(['gone', 'canceled']);
          expect(await storage.getRun('q1')).toMatchObject({ status: 'canceled' });
        }
      });

      it('records a request for a started run once, and the run can still finish', async () => {
        await storage.createRun(run({ runId: 'r1' }));
        expect(await storage.runCancelRequested('r1')).toBe(false);
        expect(await cancel('r1', 'alice', 20)).toBe('requested');
        expect(await cancel('r1', 'bob', 25)).toBe('requested');
        expect(await storage.runCancelRequested('r1')).toBe(true);
        // The run stays as it was until its coordinator stops it.
        expect(await storage.getRun('r1')).toEqual(run({ runId: 'r1' }));
        expect(await storage.runEvents('r1')).toEqual([]);
        await storage.finishRun('r1', 'canceled', at(40));
        expect(await storage.getRun('r1')).toMatchObject({ status: 'canceled', endedAt: at(40) });
      });

      it('changes nothing for a run that ended, and answers unknown for a run never created', async () => {
        await storage.createRun(run({ runId: 'r1', status: 'success', endedAt: at(5) }));
        expect(await cancel('r1')).toBe('ended');
        expect(await storage.getRun('r1')).toEqual(run({ runId: 'r1', status: 'success', endedAt: at(5) }));
        expect(await storage.runEvents('r1')).toEqual([]);
        expect(await storage.runCancelRequested('r1')).toBe(false);
        expect(await cancel('nobody')).toBe('unknown');
        expect(await storage.runCancelRequested('nobody')).toBe(false);
      });

      it('refuses an empty requester or run id, and an invalid date, writing nothing', async () => {
        await storage.enqueueRun(queued('q1'), {});
        await expectStrataError(cancel('q1', ''), 'STRATA_STORAGE_INVALID_ARGUMENT', /"q1".*requestedBy/);
        await expectStrataError(cancel(''), 'STRATA_STORAGE_INVALID_ARGUMENT', /runId/);
        await expectStrataError(
          storage.requestRunCancel({ runId: 'q1', requestedBy: 'alice', at: new Date('soon') }),
          'STRATA_STORAGE_INVALID_ARGUMENT',
          /at:/,
        );
        expect(await storage.getRun('q1')).toMatchObject({ status: 'queued' });
      });

      it('prunes the cancellation requests of the runs it deletes', async () => {
        await storage.createRun(run({ runId: 'old' }));
        await storage.createRun(run({ runId: 'new', startedAt: at(50) }));
        await cancel('old');
        await cancel('new');
        await storage.finishRun('old', 'canceled', at(20));
        await storage.finishRun('new', 'canceled', at(60));
        expect(await storage.pruneRuns(at(30))).toEqual({ runs: 1, events: 0, materializations: 0 });
        expect(await storage.getRun('old')).toBeUndefined();
        expect(await storage.runCancelRequested('old')).toBe(false);
        expect(await storage.runCancelRequested('new')).toBe(true);
      });
    });
  });
}

async function expectStrataError(promise: Promise<unknown>, code: string, message: RegExp): Promise<StrataError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StrataError);
  const strataError = error as StrataError;
  expect(strataError.code).toBe(code);
  expect(strataError.message).toMatch(message);
  expect(strataError.hint).toBeTruthy();
  return strataError;
}

function at(seconds: number): Date {
  return new Date(Date.UTC(2024, 0, 1, 0, 0, seconds));
}

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: 'r1',
    status: 'started',
    selection: '*',
    trigger: 'cli',
    startedAt: at(0),
    endedAt: null,
    pid: 4242,
    hostname: 'build-host',
    tags: {},
    parentRunId: null,
    request: null,
    ...overrides,
  };
}

function event(overrides: Partial<RunEvent> = {}): RunEvent {
  return {
    runId: 'r1',
    time: at(1),
    type: 'log',
    assetKey: 'users',
    attempt: 1,
    level: 'info',
    message: 'hello',
    data: null,
    ...overrides,
  };
}

function checkResult(overrides: Partial<CheckResultRecord> = {}): CheckResultRecord {
  return {
    runId: 'r1',
    assetKey: 'users',
    checkName: 'unique_id',
    partition: null,
    checkVersion: 'v1',
    status: 'passed',
    severity: 'error',
    blocking: true,
    failing: 0,
    sample: [],
    metadata: {},
    dataVersions: { users: 'd1' },
    durationMs: 3,
    checkedAt: at(5),
    ...overrides,
  };
}

function materialization(overrides: Partial<MaterializationRecord> = {}): MaterializationRecord {
  return {
    runId: 'r1',
    assetKey: 'users',
    partition: null,
    materializedAt: at(2),
    codeVersion: 'c1',
    dataVersion: 'd1',
    inputDataVersions: {},
    configVersions: {},
    reasons: ['missing'],
    durationMs: 3,
    metadata: { rows: 1 },
    ...overrides,
  };
}
