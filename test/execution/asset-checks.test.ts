import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  acceptedValues,
  asset,
  check,
  defineDefinitions,
  inRange,
  materialize,
  MemoryIOManager,
  notNull,
  relationships,
  rowCount,
  SqliteInstanceStorage,
  unique,
  type AnyAsset,
} from '../../src/index.js';

const userSchema = z.object({ id: z.int(), email: z.string().nullable(), tier: z.string(), age: z.number() });
const userRows = [
  { id: 1, email: 'a@x.io', tier: 'gold', age: 30 },
  { id: 2, email: null, tier: 'silver', age: 17 },
  { id: 2, email: 'b@x.io', tier: 'platinum', age: 140 },
  { id: 3, email: null, tier: 'gold', age: 44 },
];

describe('asset checks (in-process, memory IO, SQLite instance in memory)', () => {
  let storage: SqliteInstanceStorage;
  let io: MemoryIOManager;
  beforeEach(async () => {
    storage = await SqliteInstanceStorage.open({ path: ':memory:' });
    io = new MemoryIOManager();
  });
  afterEach(() => storage.close());
  const define = (assets: AnyAsset[]) => defineDefinitions({ assets, ioManagers: { default: io } });

  it('counts and samples what each built-in finds, as dbt counts its generic tests', async () => {
    const plans = asset({ key: 'plans', schema: z.object({ id: z.int() }), compute: () => [{ id: 1 }] });
    const users = asset({
      key: 'users',
      schema: userSchema,
      checks: [
        notNull('email', { severity: 'warn' }),
        unique('id', { severity: 'warn' }),
        unique(['id', 'tier'], { severity: 'warn' }),
        acceptedValues('tier', ['gold', 'silver'], { severity: 'warn' }),
        relationships('id', { to: plans, field: 'id', severity: 'warn' }),
        rowCount({ min: 5, severity: 'warn' }),
        inRange('age', { min: 18, max: 120, severity: 'warn' }),
      ],
      compute: () => userRows,
    });
    const result = await materialize(define([plans, users]), { storage });
    expect(result.status).toBe('success');
    const found = Object.fromEntries(result.checks.map((c) => [c.checkName, { status: c.status, failing: c.failing, sample: c.sample.map((row) => row.id) }]));
    expect(found).toEqual({
      not_null_email: { status: 'warned', failing: 2, sample: [2, 3] },
      unique_id: { status: 'warned', failing: 1, sample: [2] },
      unique_id_tier: { status: 'passed', failing: 0, sample: [] },
      accepted_values_tier: { status: 'warned', failing: 1, sample: [2] },
      relationships_id: { status: 'warned', failing: 3, sample: [2, 2, 3] },
      row_count: { status: 'warned', failing: 1, sample: [] },
      in_range_age: { status: 'warned', failing: 2, sample: [2, 2] },
    });
    const relationship = result.checks.find((c) => c.checkName === 'relationships_id')!;
    expect(relationship.dataVersions).toEqual({ users: expect.any(String), plans: expect.any(String) });
    expect((await storage.latestCheckResults(['users'])).size).toBe(7);
  });

  it('applies warnIf and errorIf to the failing count, and warn severity never fails', async () => {
    const judged = (options: object) =>
      asset({ key: 'users', schema: userSchema, checks: [inRange('age', { min: 18, max: 120, ...options })], compute: () => userRows });
    const statusWith = async (options: object) => {
      const local = await SqliteInstanceStorage.open({ path: ':memory:' });
      try {
        const result = await materialize(defineDefinitions({ assets: [judged(options)], ioManagers: { default: new MemoryIOManager() } }), { storage: local });
        return [result.checks[0]!.status, result.status];
      } finally {
        await local.close();
      }
    };
    expect(await statusWith({})).toEqual(['failed', 'failed']);
    expect(await statusWith({ errorIf: '>2' })).toEqual(['warned', 'success']);
    expect(await statusWith({ errorIf: '>2', warnIf: '>=3' })).toEqual(['passed', 'success']);
    expect(await statusWith({ errorIf: '>=2' })).toEqual(['failed', 'failed']);
    expect(await statusWith({ severity: 'warn', errorIf: '>0' })).toEqual(['warned', 'success']);
  });

  it('skips what depends on an asset whose blocking check failed, this run and the next, unless it ignores that check', async () => {
    const users = asset({ key: 'users', schema: userSchema, checks: [unique('id')], compute: () => userRows });
    const stats = asset({ key: 'stats', deps: [users], schema: z.object({ n: z.int() }), compute: ({ inputs }) => [{ n: inputs.users.numRows }] });
    const audit = asset({ key: 'audit', deps: [users], ignoreFailedChecks: ['users.unique_id'], schema: z.object({ n: z.int() }), compute: ({ inputs }) => [{ n: inputs.users.numRows }] });
    const report = asset({ key: 'report', deps: [stats], schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }] });
    const definitions = define([users, stats, audit, report]);

    const first = await materialize(definitions, { storage });
    expect(first.status).toBe('failed');
    expect(Object.fromEntries(first.assets.map((a) => [a.key, a.action]))).toEqual({ users: 'materialized', audit: 'materialized', stats: 'skipped', report: 'skipped' });
    expect(first.assets.find((a) => a.key === 'stats')!.error!.message).toBe('check users.unique_id failed');
    expect(await io.dataVersion(definitions.asset('users')!)).toBeDefined();

    // users is fresh now, but its check still fails: stats stays blocked, and the check does not run again.
    const second = await materialize(definitions, { storage });
    expect(second.status).toBe('failed');
    expect(second.checks).toEqual([]);
    expect(Object.fromEntries(second.assets.map((a) => [a.key, a.action]))).toEqual({ stats: 'skipped', report: 'skipped' });
  });

  it('says a warn check blocks nothing, though blocking defaults to true, and lets what depends on its asset run', async () => {
    const users = asset({ key: 'users', schema: userSchema, checks: [unique('id', { severity: 'warn' }), notNull('email', { severity: 'warn', blocking: false })], compute: () => userRows });
    const stats = asset({ key: 'stats', deps: [users], schema: z.object({ n: z.int() }), compute: ({ inputs }) => [{ n: inputs.users.numRows }] });
    const definitions = define([users, stats]);
    expect(definitions.asset('users')!.checks.map((c) => c.blocking)).toEqual([false, false]);

    const result = await materialize(definitions, { storage });
    expect(result.status).toBe('success');
    expect(result.checks.map((c) => [c.checkName, c.status, c.blocking])).toEqual([['unique_id', 'warned', false], ['not_null_email', 'warned', false]]);
    expect(Object.fromEntries(result.assets.map((a) => [a.key, a.action]))).toEqual({ users: 'materialized', stats: 'materialized' });
  });

  it('runs again only a check whose code changed, without its asset, and then has nothing to do', async () => {
    let computes = 0;
    const users = (max: number) =>
      asset({ key: 'users', schema: userSchema, codeVersion: '1', checks: [rowCount({ max })], compute: () => (computes++, userRows) });
    expect((await materialize(define([users(10)]), { storage })).status).toBe('success');
    const again = await materialize(define([users(3)]), { storage });
    expect(again.assets).toEqual([]);
    expect(again.checks.map((c) => [c.checkName, c.status])).toEqual([['row_count', 'failed']]);
    expect(again.status).toBe('failed');
    expect(computes).toBe(1);
    expect((await materialize(define([users(3)]), { storage })).status).toBe('nothing-to-do');
  });

  it('runs a custom check with what it can read, and records a check that throws as errored (and blocking)', async () => {
    const posts = asset({ key: 'posts', schema: z.object({ id: z.int() }), compute: () => [{ id: 1 }, { id: 2 }] });
    const enriched = asset({
      key: 'enriched',
      deps: [posts],
      schema: z.object({ id: z.int() }),
      checks: [
        check({ name: 'same_rows_as_posts', run: async ({ rowCount: rows }) => ({ failing: Math.abs((await rows()) - (await rows(posts))), metadata: { posts: await rows(posts) } }) }),
        check({ name: 'first_id', severity: 'warn', run: async ({ table }) => ({ passed: (await table()).column('id')[0] === 1 }) }),
        check({ name: 'broken', blocking: false, run: () => { throw new Error('the check has a bug'); } }),
        check({ name: 'big', severity: 'warn', run: () => ({ passed: true, metadata: { total: 10n } as never }) }),
      ],
      compute: ({ inputs }) => inputs.posts.rows().slice(0, 1),
    });
    const result = await materialize(define([posts, enriched]), { storage });
    expect(result.checks.map((c) => [c.checkName, c.status, c.failing])).toEqual([
      ['same_rows_as_posts', 'failed', 1],
      ['first_id', 'passed', 0],
      ['broken', 'errored', null],
      ['big', 'errored', null],
    ]);
    // Metadata that cannot be stored is the check's problem, reported as such; the run went on and recorded everything.
    expect(result.checks[3]!.metadata).toEqual({ error: expect.stringMatching(/^the check returned a sample or metadata that cannot be stored as JSON: .*BigInt/), hint: expect.stringContaining('JSON values') });
    expect((await storage.latestCheckResults(['enriched'])).size).toBe(4);
    expect(result.checks[0]!.dataVersions).toEqual({ enriched: expect.any(String), posts: expect.any(String) });
    expect(result.checks[2]!.metadata).toEqual({ error: 'the check has a bug' });
    expect(result.status).toBe('failed');
  });

  it('runs with one step slot when a check reads an asset planned after its own', async () => {
    // Both are roots; "accounts" comes first in the plan, and its check reads "users", still to run.
    const users = asset({ key: 'users', schema: z.object({ id: z.int() }), compute: () => [{ id: 1 }, { id: 2 }] });
    const accounts = asset({
      key: 'accounts',
      schema: z.object({ user_id: z.int() }),
      checks: [relationships('user_id', { to: users, field: 'id' })],
      compute: () => [{ user_id: 2 }],
    });
    const downstream = asset({ key: 'report', deps: [accounts], schema: z.object({ n: z.int() }), compute: ({ inputs }) => [{ n: inputs.accounts.numRows }] });
    const result = await materialize(define([accounts, users, downstream]), { storage, concurrency: 1 });
    expect(result.status).toBe('success');
    expect(result.assets.map((entry) => `${entry.key}:${entry.action}`)).toEqual(['accounts:materialized', 'users:materialized', 'report:materialized']);
    expect(result.checks.map((c) => `${c.assetKey}.${c.checkName}:${c.status}`)).toEqual(['accounts.relationships_user_id:passed']);
  });

  it('reports invalid checks with every other definitions problem', () => {
    const plans = asset({ key: 'plans', schema: z.object({ id: z.int() }), compute: () => [] });
    const users = asset({
      key: 'users',
      schema: userSchema,
      // As JavaScript, untyped, would declare them.
      checks: [notNull('emial' as never), unique('id'), unique('id'), inRange('age', { min: 0, errorIf: 'more than 3' as never }), check({ name: 'warns_only', severity: 'warn', blocking: true, run: () => ({ passed: true }) })],
      compute: () => [],
    });
    const stats = asset({ key: 'stats', deps: [users], ignoreFailedChecks: ['users.uniqe_id', 'plans.unique_id'], schema: z.object({ n: z.int() }), compute: () => [] });
    // loops reading stats, which it does not feed, and plans, its own upstream, is fine.
    const loops = asset({ key: 'loops', schema: z.object({ id: z.int(), n: z.number() }), deps: [plans], checks: [relationships('id', { to: stats, field: 'n' }), relationships('id', { to: plans, field: 'id', name: 'self_ok' }), inRange('n', {}), rowCount({ min: 5, max: 1 }), relationships('id', { to: plans, field: 'code' as never, name: 'bad_field' }), relationships('id', { to: undefined as never, field: 'id', name: 'no_target' })], compute: () => [] });
    // feeder's check reads fed, which depends on feeder (the check names fed by key, as JavaScript could declare it).
    const idSchema = z.object({ id: z.int() });
    const fedByKey = asset({ key: 'fed', schema: idSchema, compute: () => [] });
    const feeder = asset({ key: 'feeder', schema: idSchema, checks: [relationships('id', { to: fedByKey, field: 'id' })], compute: () => [] });
    const fed = asset({ key: 'fed', deps: [feeder], schema: idSchema, compute: () => [] });
    expect(() => define([plans, users, stats, loops, feeder, fed])).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          'asset "feeder", check "relationships_id": reads "fed", which depends on "feeder"; a check may read only assets its asset does not feed (declare it on "fed" instead)',
          'asset "loops", check "in_range_n": give min, max or both: a range without bounds never fails',
          'asset "loops", check "row_count": min 5 is above max 1: nothing could pass',
          'asset "loops", check "bad_field": field "code" is not a column of "plans" (id)',
          'asset "loops", check "no_target": to must be an asset, got undefined: pass the asset itself (what asset() returned)',
        ]),
      }),
    );
    expect(() => define([plans, users, stats])).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          'asset "users", check "not_null_emial": unknown column "emial"; did you mean "email"?',
          'asset "users", check "unique_id": declared more than once; give one of them another `name`',
          'asset "users", check "warns_only": severity \'warn\' with blocking: true, but a warning never blocks; drop `blocking`, or use severity \'error\' to keep downstream assets from running when it fails',
          'asset "users", check "in_range_age": errorIf is an invalid threshold "more than 3"; write a comparison and a whole number, such as \'>0\', \'>=10\' or \'!=0\'',
          'asset "stats": ignoreFailedChecks names "users.uniqe_id", which is no check of an upstream asset; did you mean "users.unique_id"? (write <asset>.<check>)',
          'asset "stats": ignoreFailedChecks names "plans.unique_id", which is no check of an upstream asset; did you mean "users.unique_id"? (write <asset>.<check>)',
        ]),
      }),
    );
  });
});
