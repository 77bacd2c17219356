import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, materialize, MemoryIOManager, SourceError, SqliteInstanceStorage, Table, type AnyAsset } from '../../src/index.js';

const idSchema = z.object({ id: z.int() });

describe('materialize (in-process, memory IO, SQLite instance in memory)', () => {
  let storage: SqliteInstanceStorage;
  let io: MemoryIOManager;
  beforeEach(async () => {
    storage = await SqliteInstanceStorage.open({ path: ':memory:' });
    io = new MemoryIOManager();
  });
  afterEach(() => storage.close());
  const define = (assets: AnyAsset[], extra: { defaultRetry?: { maxRetries: number; delayMs: number } } = {}) =>
    defineDefinitions({ assets, ioManagers: { default: io }, ...extra });

  it('validates output against the schema and stores nothing when a value is wrong', async () => {
    const bad = asset({
      key: 'bad',
      schema: z.object({ id: z.int(), name: z.string() }),
      // A bug a type checker cannot see: the value comes from untyped data.
      compute: () => [{ id: 1, name: 'ok' }, { id: 2, name: JSON.parse('42') as string }],
    });
    const result = await materialize(define([bad]), { storage });
    expect(result.status).toBe('failed');
    expect(result.assets[0]).toMatchObject({ key: 'bad', action: 'failed' });
    expect(result.assets[0]!.error!.message).toBe('Asset "bad" returned an invalid row 1 (id 2): column "name" expected a string, got 42.');
    expect(await io.dataVersion(define([bad]).asset('bad')!)).toBeUndefined();
  });

  it('rejects a returned table that lacks a schema column', async () => {
    const short = asset({ key: 'short', schema: z.object({ id: z.int(), name: z.string() }), compute: () => Table.fromColumns({ id: [1] }) as never });
    const result = await materialize(define([short]), { storage });
    expect(result.assets[0]!.error!.message).toBe('Asset "short" returned a table without column "name".');
  });

  it('runs zod checks beyond the column kind (an email format, say)', async () => {
    const emails = asset({ key: 'emails', schema: z.object({ email: z.email() }), compute: () => [{ email: 'not-an-email' }] });
    const result = await materialize(define([emails]), { storage });
    expect(result.assets[0]!.error!.message).toMatch(/^Asset "emails" returned an invalid row 0: column "email" expected .*email.*, got "not-an-email"\.$/i);
  });

  it('still checks a column passed on from an input when the schema asks more of it than the input did', async () => {
    const measures = asset({ key: 'measures', schema: z.object({ id: z.int(), value: z.number() }), compute: () => [{ id: 1, value: 2 }, { id: 2, value: 2.5 }] });
    // Same arrays as the input's columns: the pass-through a join does, but stricter here.
    const counts = asset({
      key: 'counts',
      deps: [measures],
      schema: z.object({ id: z.int(), value: z.int() }),
      compute: ({ inputs }) => Table.fromColumns({ id: inputs.measures.column('id'), value: inputs.measures.column('value') }),
    });
    const atLeastTwo = asset({
      key: 'at_least_two',
      deps: [measures],
      schema: z.object({ id: z.int().min(2), value: z.number() }),
      compute: ({ inputs }) => Table.fromColumns({ id: inputs.measures.column('id'), value: inputs.measures.column('value') }),
    });
    const copy = asset({
      key: 'copy',
      deps: [measures],
      schema: z.object({ id: z.int(), value: z.number() }),
      compute: ({ inputs }) => Table.fromColumns({ id: inputs.measures.column('id'), value: inputs.measures.column('value') }),
    });
    const result = await materialize(define([measures, counts, atLeastTwo, copy]), { storage });
    const outcome = Object.fromEntries(result.assets.map((entry) => [entry.key, entry]));
    expect(outcome.counts!.error!.message).toBe('Asset "counts" returned an invalid row 1 (id 2): column "value" expected a safe integer, got 2.5.');
    expect(outcome.at_least_two!.error!.message).toMatch(/^Asset "at_least_two" returned an invalid row 0: column "id" expected /);
    expect(outcome.copy!.action).toBe('materialized');
    expect((await io.load(define([measures, copy]).asset('copy')!)).rows()).toEqual([{ id: 1, value: 2 }, { id: 2, value: 2.5 }]);
  });

  it('skips the downstream of a failed asset and completes independent branches', async () => {
    const broken = asset({ key: 'broken', schema: idSchema, compute: () => { throw new Error('boom'); } });
    const after = asset({ key: 'after', schema: idSchema, deps: [broken], compute: ({ inputs }) => inputs.broken });
    const independent = asset({ key: 'independent', schema: idSchema, compute: () => [{ id: 1 }] });
    const result = await materialize(define([broken, after, independent]), { storage });
    expect(result.status).toBe('failed');
    expect(Object.fromEntries(result.assets.map((a) => [a.key, a.action]))).toEqual({ broken: 'failed', independent: 'materialized', after: 'skipped' });
    expect(result.assets.find((a) => a.key === 'after')!.error!.message).toBe('upstream broken did not materialize');
    const run = await storage.getRun(result.runId!);
    expect(run!.status).toBe('failed');
  });

  it('retries retryable failures per the policy and records each attempt', async () => {
    let calls = 0;
    const flaky = asset({
      key: 'flaky',
      schema: idSchema,
      retry: { maxRetries: 3, delayMs: 1 },
      compute: () => {
        calls++;
        if (calls < 3) throw new SourceError('GET http://example.test/x returned HTTP 503; retryable', { retryable: true });
        return [{ id: calls }];
      },
    });
    const result = await materialize(define([flaky]), { storage });
    expect(result.assets[0]).toMatchObject({ action: 'materialized', attempts: 3 });
    const events = await storage.runEvents(result.runId!);
    expect(events.map((event) => event.type)).toEqual(['run-start', 'step-start', 'step-retry', 'step-start', 'step-retry', 'step-start', 'step-success', 'run-end']);
    expect(events[2]!.message).toMatch(/attempt 1\/4\): GET http:\/\/example.test\/x returned HTTP 503; retryable; attempt 2\/4 in 1ms$/);
  });

  it('fails at once on a failure that is not retryable, whatever the policy', async () => {
    let calls = 0;
    const buggy = asset({ key: 'buggy', schema: idSchema, retry: { maxRetries: 3, delayMs: 1 }, compute: () => { calls++; throw new TypeError('x is undefined'); } });
    const result = await materialize(define([buggy]), { storage });
    expect(calls).toBe(1);
    expect(result.assets[0]).toMatchObject({ action: 'failed', attempts: 1 });
  });

  it('applies the definitions default retry policy to assets that declare none', async () => {
    let calls = 0;
    const flaky = asset({ key: 'flaky', schema: idSchema, compute: () => { if (++calls === 1) throw new SourceError('reset', { retryable: true }); return []; } });
    const result = await materialize(define([flaky], { defaultRetry: { maxRetries: 1, delayMs: 1 } }), { storage });
    expect(result.assets[0]).toMatchObject({ action: 'materialized', attempts: 2 });
  });

  it('plans an asset older than its maxAge as expired, by the injected clock', async () => {
    const timed = asset({ key: 'timed', schema: idSchema, freshness: { maxAge: '1h' }, compute: () => [{ id: 1 }] });
    const definitions = define([timed]);
    const start = new Date('2026-01-05T00:00:00Z');
    const at = (minutes: number) => () => new Date(start.getTime() + minutes * 60_000);
    expect((await materialize(definitions, { storage, now: at(0) })).status).toBe('success');
    expect((await materialize(definitions, { storage, now: at(59) })).status).toBe('nothing-to-do');
    const late = await materialize(definitions, { storage, now: at(61) });
    expect(late.assets).toMatchObject([{ key: 'timed', action: 'materialized', reasons: ['expired'] }]);
  });

  it('records the materialization with its code version, data version and the input versions it read', async () => {
    const source = asset({ key: 'source', schema: idSchema, codeVersion: 'v7', compute: () => [{ id: 1 }, { id: 2 }] });
    const doubled = asset({ key: 'doubled', schema: idSchema, deps: [source], compute: ({ inputs }) => inputs.source.rows().map((row) => ({ id: row.id * 2 })) });
    const result = await materialize(define([source, doubled]), { storage });
    const records = await storage.latestMaterializations(['source', 'doubled']);
    expect(records.get('source')).toMatchObject({ codeVersion: 'v7', dataVersion: result.assets[0]!.dataVersion, inputDataVersions: {}, reasons: ['missing'] });
    expect(records.get('doubled')!.inputDataVersions).toEqual({ source: result.assets[0]!.dataVersion });
    expect(records.get('doubled')!.metadata).toMatchObject({ rows: 2 });
  });

  it('passes the run signal to computes and records a canceled run', async () => {
    const controller = new AbortController();
    const waits = asset({
      key: 'waits',
      schema: idSchema,
      compute: ({ signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
          controller.abort(new Error('canceled by test'));
        }),
    });
    const after = asset({ key: 'after', schema: idSchema, deps: [waits], compute: () => [] });
    const result = await materialize(define([waits, after]), { storage, signal: controller.signal });
    expect(result.status).toBe('canceled');
    expect((await storage.getRun(result.runId!))!.status).toBe('canceled');
    expect(result.assets.map((a) => a.action)).toEqual(['failed', 'skipped']);
  });
});
