import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  asset,
  DefinitionError,
  defineDefinitions,
  inProcessExecutor,
  materialize,
  MemoryIOManager,
  multiAsset,
  SqliteInstanceStorage,
  StrataError,
  type AnyAsset,
  type StepExecutorFactory,
  type StepRequest,
  unique,
} from '../../src/index.js';

const userSchema = z.object({ id: z.int(), name: z.string() });
const postSchema = z.object({ id: z.int(), user_id: z.int() });

/** A multi-asset whose compute counts its calls and remembers which outputs each call was asked for. */
function placeholderApi(options: { codeVersion?: string } = {}) {
  const calls: (readonly string[])[] = [];
  const source = multiAsset({
    name: 'placeholder_api',
    codeVersion: options.codeVersion,
    outputs: {
      users: { schema: userSchema, group: 'sources', checks: [unique('id')] },
      posts: { schema: postSchema, group: 'sources', ioManager: 'other', description: 'posts of the dump' },
    },
    compute: ({ outputs }) => {
      calls.push(outputs);
      return { users: [{ id: 1, name: 'Ann' }, { id: 2, name: 'Bo' }], posts: [{ id: 10, user_id: 1 }, { id: 11, user_id: 1 }, { id: 12, user_id: 2 }] };
    },
  });
  return { source, calls };
}

describe('multiAsset', () => {
  let storage: SqliteInstanceStorage;
  let io: MemoryIOManager;
  let other: MemoryIOManager;
  beforeEach(async () => {
    storage = await SqliteInstanceStorage.open({ path: ':memory:' });
    io = new MemoryIOManager();
    other = new MemoryIOManager();
  });
  afterEach(() => storage.close());
  const define = (assets: readonly AnyAsset[]) => defineDefinitions({ assets, ioManagers: { default: io, other } });

  it('declares each output as an asset of its own: key, schema, IO manager, group, checks, and the shared deps and code version', () => {
    const { source } = placeholderApi();
    const { users, posts } = source.outputs;
    expect(source.assets.map((output) => output.key)).toEqual(['users', 'posts']);
    expect([users.ioManager, posts.ioManager]).toEqual(['default', 'other']);
    expect(posts.description).toBe('posts of the dump');
    expect(users.checks.map((check) => check.name)).toEqual(['unique_id']);
    expect(posts.checks).toEqual([]);
    expect(users.codeVersion).toBe(posts.codeVersion);
    expect(users.multiAsset).toBe(posts.multiAsset);
    expect(users.multiAsset!.outputs).toEqual(['posts', 'users']);
  });

  it('runs the compute once for both outputs and records each as its own materialization', async () => {
    const { source, calls } = placeholderApi();
    const counts = asset({
      key: 'post_counts',
      deps: [source.outputs.users, source.outputs.posts],
      schema: z.object({ name: z.string(), posts: z.int() }),
      // Typed inputs: `inputs.users.column('name')` is string[], `inputs.posts` has user_id.
      compute: ({ inputs }) => inputs.users.rows().map((user) => ({ name: user.name, posts: inputs.posts.rows().filter((post) => post.user_id === user.id).length })),
    });
    const definitions = define([...source.assets, counts]);
    const result = await materialize(definitions, { storage, codeVersions: 'declared' });
    expect(result.status).toBe('success');
    expect(calls).toEqual([['posts', 'users']]);
    expect(Object.fromEntries(result.assets.map((entry) => [entry.key, [entry.action, entry.rows]]))).toEqual({ users: ['materialized', 2], posts: ['materialized', 3], post_counts: ['materialized', 2] });
    expect((await io.load(definitions.asset('post_counts')!)).rows()).toEqual([{ name: 'Ann', posts: 2 }, { name: 'Bo', posts: 1 }]);
    expect((await other.load(definitions.asset('posts')!)).numRows).toBe(3);
    const records = await storage.latestMaterializations();
    expect(records.get('users')!.dataVersion).not.toBe(records.get('posts')!.dataVersion);
    expect(records.get('users')!.codeVersion).toBe(records.get('posts')!.codeVersion);
    expect(records.get('post_counts')!.inputDataVersions).toEqual({ users: records.get('users')!.dataVersion, posts: records.get('posts')!.dataVersion });
    // Each output's checks ran on what it stored.
    expect(result.checks.map((check) => `${check.assetKey}.${check.checkName}:${check.status}`)).toEqual(['users.unique_id:passed']);
    // Everything fresh: nothing runs, the compute is not called again.
    expect((await materialize(definitions, { storage, codeVersions: 'declared' })).assets).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('stores only the selected output, and only the stale one of a selection, computing once each time', async () => {
    const { source, calls } = placeholderApi();
    const definitions = define(source.assets);
    const selectedOnly = await materialize(definitions, { storage, select: 'users', codeVersions: 'declared' });
    expect(selectedOnly.assets.map((entry) => [entry.key, entry.action])).toEqual([['users', 'materialized']]);
    expect(calls).toEqual([['users']]);
    expect(await other.dataVersion(definitions.asset('posts')!)).toBeUndefined();
    expect([...(await storage.latestMaterializations()).keys()]).toEqual(['users']);

    // users is fresh now: materializing both stores posts alone.
    const usersBefore = (await storage.latestMaterializations()).get('users')!;
    const staleOnly = await materialize(definitions, { storage, codeVersions: 'declared' });
    expect(staleOnly.assets.map((entry) => [entry.key, entry.action, entry.reasons])).toEqual([['posts', 'materialized', ['missing']]]);
    expect(calls).toEqual([['users'], ['posts']]);
    expect((await storage.latestMaterializations()).get('users')!.runId).toBe(usersBefore.runId);

    // Forcing one output recomputes once and stores that output alone.
    const refreshed = await materialize(definitions, { storage, refresh: 'posts', codeVersions: 'declared' });
    expect(refreshed.assets.map((entry) => [entry.key, entry.action])).toEqual([['posts', 'materialized']]);
    expect(calls).toEqual([['users'], ['posts'], ['posts']]);
  });

  it('hands the step one request naming the planned outputs, as plain data a queue can carry', async () => {
    const { source } = placeholderApi();
    const requests: StepRequest[] = [];
    const recording: StepExecutorFactory = {
      name: 'recording',
      async create(run) {
        const inner = await inProcessExecutor.create(run);
        return {
          attempt: (request, context) => {
            requests.push(structuredClone(request));
            return inner.attempt(request, context);
          },
          close: () => inner.close(),
        };
      },
    };
    const result = await materialize(define(source.assets), { storage, executor: recording, codeVersions: 'declared' });
    expect(result.status).toBe('success');
    expect(requests).toEqual([{ runId: result.runId, assetKey: 'posts', outputs: ['posts', 'users'], attempt: 1, inputDataVersions: {} }]);
  });

  it('fails every planned output with an error naming the output the compute left out, and stores none', async () => {
    const partial = multiAsset({
      name: 'partial',
      outputs: { left: { schema: userSchema }, right: { schema: userSchema } },
      compute: () => ({ left: [{ id: 1, name: 'x' }] }) as never,
    });
    const definitions = define(partial.assets);
    const result = await materialize(definitions, { storage, codeVersions: 'declared' });
    expect(result.status).toBe('failed');
    expect(result.assets.map((entry) => [entry.key, entry.action, entry.error?.message])).toEqual([
      ['left', 'failed', 'Multi-asset "partial" returned no "right", which this run stores.'],
      ['right', 'failed', 'Multi-asset "partial" returned no "right", which this run stores.'],
    ]);
    expect(result.assets[0]!.error!.hint).toBe('Its compute returns an object with a table (or rows) for each output: { left: ..., right: ... }.');
    expect(await io.dataVersion(definitions.asset('left')!)).toBeUndefined();
    // Asked for the output it does return, the same compute is fine.
    expect((await materialize(definitions, { storage, select: 'left', codeVersions: 'declared' })).status).toBe('success');
  });

  it('rejects an output the compute returns but does not declare, and stores nothing when one output breaks its schema', async () => {
    const extra = multiAsset({
      name: 'extra',
      outputs: { only: { schema: userSchema } },
      compute: () => ({ only: [{ id: 1, name: 'x' }], stray: [] }) as never,
    });
    const extraResult = await materialize(define(extra.assets), { storage, codeVersions: 'declared' });
    expect(extraResult.assets[0]!.error!.message).toBe('Multi-asset "extra" returned "stray", which is not one of its outputs (only).');

    const broken = multiAsset({
      name: 'broken',
      outputs: { good: { schema: userSchema }, bad: { schema: userSchema } },
      compute: () => ({ good: [{ id: 1, name: 'x' }], bad: [{ id: 2, name: JSON.parse('3') as string }] }),
    });
    const definitions = define(broken.assets);
    const result = await materialize(definitions, { storage, codeVersions: 'declared' });
    expect(result.assets.map((entry) => [entry.key, entry.action])).toEqual([['bad', 'failed'], ['good', 'failed']]);
    expect(result.assets[0]!.error!.message).toBe('Asset "bad" returned an invalid row 0 (id 2): column "name" expected a string, got 3.');
    expect(await io.dataVersion(definitions.asset('good')!)).toBeUndefined();
  });

  it('retries the one compute for all its outputs and reports each attempt per output', async () => {
    let calls = 0;
    const flaky = multiAsset({
      name: 'flaky',
      retry: { maxRetries: 1, delayMs: 0 },
      outputs: { first: { schema: userSchema }, second: { schema: postSchema } },
      compute: () => {
        if (++calls === 1) throw new StrataError('STRATA_SOURCE', 'the API timed out', { retryable: true });
        return { first: [{ id: 1, name: 'x' }], second: [{ id: 2, user_id: 1 }] };
      },
    });
    const events: { type: string; assetKey: string | null; attempt?: number | null }[] = [];
    const result = await materialize(define(flaky.assets), { storage, codeVersions: 'declared', onEvent: (event) => events.push(event) });
    expect(calls).toBe(2);
    expect(result.assets.map((entry) => [entry.key, entry.action, entry.attempts])).toEqual([['first', 'materialized', 2], ['second', 'materialized', 2]]);
    expect(events.filter((event) => event.type.startsWith('step-')).map((event) => `${event.assetKey}:${event.type}:${event.attempt}`)).toEqual([
      'first:step-start:1',
      'second:step-start:1',
      'first:step-retry:1',
      'second:step-retry:1',
      'first:step-start:2',
      'second:step-start:2',
      'first:step-success:2',
      'second:step-success:2',
    ]);
  });

  it('reports a left-out output, a shared name and an invalid name with the other definition problems', () => {
    const { source } = placeholderApi();
    const twin = multiAsset({ name: 'placeholder_api', outputs: { albums: { schema: userSchema } }, compute: () => ({ albums: [] }) });
    const badName = multiAsset({ name: 'Bad-Name', outputs: { photos: { schema: userSchema } }, compute: () => ({ photos: [] }) });
    const problems = (assets: readonly AnyAsset[]) => {
      try {
        define(assets);
      } catch (error) {
        expect(error).toBeInstanceOf(DefinitionError);
        return (error as DefinitionError).problems;
      }
      throw new Error('expected a DefinitionError');
    };
    expect(problems([source.outputs.users])).toEqual([
      'multi-asset "placeholder_api": output "posts" is not among the definitions\' assets; pass every output, e.g. assets: [...source.assets] for source = multiAsset({ ... })',
    ]);
    // In key order of the outputs: albums (twin) comes first, so the original is the one declared twice.
    expect(problems([...source.assets, ...twin.assets, ...badName.assets])).toEqual([
      'multi-asset "Bad-Name": invalid name; names match ^[a-z][a-z0-9_]*$ (lowercase letters, digits, _)',
      'multi-asset "placeholder_api": declared more than once (another multi-asset has that name)',
    ]);
  });

  it('gives a caller of one output\'s compute that output alone', async () => {
    const { source, calls } = placeholderApi();
    const context = { key: 'users', runId: 'r', attempt: 1, inputs: {}, resources: {}, log: { debug() {}, info() {}, warn() {}, error() {} }, signal: new AbortController().signal, partitionKey: undefined, partitionKeys: [], timeWindow: undefined, inputPartitionKeys: {} };
    expect(await source.outputs.posts.compute(context)).toHaveLength(3);
    expect(calls).toEqual([['posts']]);
  });
});
