import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, check, defineDefinitions, inRange, materialize, relationships, staticPartitions, type AnyAsset, type AssetCheck } from '../../src/index.js';
import { planMaterialization } from '../../src/execution/plan-materialization.js';
import { useMemoryInstance } from './memory-instance.js';

/*
 * Checks that read another asset than their own, in-process on a SQLite
 * instance and memory IO: `u` references `v` by id, and `d` reads both, so
 * a blocking check on `u` keeps `d` from running on references that resolve
 * to nothing.
 */

const idRows = (ids: readonly number[]) => ids.map((id) => ({ id }));
const refSchema = z.object({ ref: z.int() });
type RefChecks = readonly AssetCheck<z.infer<typeof refSchema>>[];

describe('checks that read another asset', () => {
  const memory = useMemoryInstance();

  /** `v` (ids, at `version`), `u` (refs 3) with `refsCheck(v)`, and `d` reading both (or `u` alone). */
  const define = (ids: readonly number[], version: string, refsCheck: (v: AnyAsset) => RefChecks, dReadsV = true) => {
    const v = asset({ key: 'v', codeVersion: version, schema: z.object({ id: z.int() }), compute: () => idRows(ids) });
    const u = asset({ key: 'u', codeVersion: 'u1', schema: refSchema, checks: refsCheck(v), compute: () => [{ ref: 3 }] });
    const d = asset({ key: 'd', codeVersion: 'd1', deps: dReadsV ? [u, v] : [u], schema: z.object({ n: z.int() }), compute: ({ inputs }) => [{ n: inputs.u.numRows }] });
    return defineDefinitions({ assets: [v, u, d], ioManagers: { default: memory.io } });
  };
  const relationshipsTo = (v: AnyAsset): RefChecks => [relationships('ref', { to: v, field: 'id' })];
  const loadingV = (v: AnyAsset): RefChecks => [
    check<z.infer<typeof refSchema>>({
      name: 'refs_resolve',
      run: async ({ table, load }) => {
        const ids = new Set((await load(v)).column('id'));
        return { failing: (await table()).column('ref').filter((ref) => !ids.has(ref as number)).length };
      },
    }),
  ];
  const actions = (result: Awaited<ReturnType<typeof materialize>>) => Object.fromEntries(result.assets.map((entry) => [entry.key, entry.action]));
  const checked = (result: Awaited<ReturnType<typeof materialize>>) => result.checks.map((entry) => `${entry.assetKey}.${entry.checkName} ${entry.status}`);

  for (const [kind, refsCheck] of [['a relationships check', relationshipsTo], ['a custom check that loads v', loadingV]] as const) {
    it(`runs ${kind} of an asset the run leaves as it is again on the v the run rebuilds, and blocks d when it fails`, async () => {
      const first = await materialize(define([1, 2, 3], 'v1', refsCheck), { storage: memory.storage });
      expect(first.status).toBe('success');
      expect(actions(first)).toEqual({ v: 'materialized', u: 'materialized', d: 'materialized' });

      // Rebuilt the same, v leaves u's result speaking for it: the check does not run again.
      const same = await materialize(define([1, 2, 3], 'v2', refsCheck), { storage: memory.storage });
      expect(actions(same)).toEqual({ v: 'materialized', d: 'up-to-date' });
      expect(checked(same)).toEqual([]);

      const dropped = await materialize(define([1, 2], 'v3', refsCheck), { storage: memory.storage });
      expect(checked(dropped)).toEqual([`u.${refsCheck === relationshipsTo ? 'relationships_ref' : 'refs_resolve'} failed`]);
      expect(actions(dropped)).toEqual({ v: 'materialized', d: 'skipped' });
      expect(dropped.status).toBe('failed');
    });
  }

  it('has a custom check that loads an asset built in the same run wait for it, on an empty instance', async () => {
    // v is computed only once u's check has started: a check that did not wait would read no v at all.
    let checkStarted!: () => void;
    const started = new Promise<void>((resolve) => (checkStarted = resolve));
    const v = asset({ key: 'v', codeVersion: 'v1', schema: z.object({ id: z.int() }), compute: async () => (await started, idRows([1, 2, 3])) });
    const u = asset({
      key: 'u',
      codeVersion: 'u1',
      schema: refSchema,
      checks: [check<z.infer<typeof refSchema>>({ name: 'refs_resolve', run: async ({ load }) => (checkStarted(), { passed: (await load(v)).numRows === 3 }) })],
      compute: () => [{ ref: 3 }],
    });
    const first = await materialize(defineDefinitions({ assets: [u, v], ioManagers: { default: memory.io } }), { storage: memory.storage });
    expect(checked(first)).toEqual(['u.refs_resolve passed']);
    expect(first.status).toBe('success');
  });

  it('judges the result of a custom check by the versions of what it loaded, also when that is not selected', async () => {
    expect((await materialize(define([1, 2, 3], 'v1', loadingV), { storage: memory.storage })).status).toBe('success');
    // Selected alone, u is planned without v, whose version is read for the check all the same: its result is current.
    const { pendingChecks } = await planMaterialization(define([1, 2, 3], 'v1', loadingV), memory.storage, { codeVersions: 'declared', select: 'u' });
    expect(pendingChecks.size).toBe(0);
    expect((await materialize(define([1, 2, 3], 'v1', loadingV), { storage: memory.storage, select: 'u' })).status).toBe('nothing-to-do');

    expect((await materialize(define([1, 2], 'v2', loadingV), { storage: memory.storage, select: 'v' })).status).toBe('success');
    expect(checked(await materialize(define([1, 2], 'v2', loadingV), { storage: memory.storage, select: 'u' }))).toEqual(['u.refs_resolve failed']);
  });

  it('runs a check that could not read an asset never materialized again once it is, rather than blocking for good', async () => {
    const definitions = define([1, 2, 3], 'v1', loadingV, false);
    const first = await materialize(definitions, { storage: memory.storage, select: 'u, d' });
    expect(checked(first)).toEqual(['u.refs_resolve errored']);
    expect(first.checks[0]!.metadata.error).toBe('The check reads v, which has never been materialized.');
    expect(actions(first)).toEqual({ u: 'materialized', d: 'skipped' });

    expect((await materialize(definitions, { storage: memory.storage, select: 'v' })).status).toBe('success');
    const again = await materialize(definitions, { storage: memory.storage, select: 'u, d' });
    expect(checked(again)).toEqual(['u.refs_resolve passed']);
    expect(actions(again)).toEqual({ d: 'materialized' });
  });

  it('says a custom check cannot read a partitioned asset, rather than that it was never materialized', async () => {
    const regional = asset({ key: 'regional', partitions: staticPartitions(['eu']), schema: z.object({ id: z.int() }), compute: () => idRows([1]) });
    const reader = asset({ key: 'reader', schema: refSchema, checks: [check({ name: 'reads_regional', run: async ({ load }) => ({ passed: (await load(regional)).numRows > 0 }) })], compute: () => [{ ref: 1 }] });
    const definitions = defineDefinitions({ assets: [regional, reader], ioManagers: { default: memory.io } });
    await materialize(definitions, { storage: memory.storage, partition: 'eu' });
    const result = await materialize(definitions, { storage: memory.storage });
    expect(result.checks[0]!.metadata.error).toBe('The check reads regional, which is partitioned: checks read unpartitioned assets only, for now.');
  });

  it('blocks by the checks as declared now: neither a blocking flag turned off nor a result of an older definition blocks d', async () => {
    const withCheck = (checks: RefChecks, dVersion: string) => {
      const u = asset({ key: 'u', codeVersion: 'u1', schema: refSchema, checks, compute: () => [{ ref: 50 }] });
      const d = asset({ key: 'd', codeVersion: dVersion, deps: [u], schema: z.object({ n: z.int() }), compute: ({ inputs }) => [{ n: inputs.u.numRows }] });
      return defineDefinitions({ assets: [u, d], ioManagers: { default: memory.io } });
    };
    const failing = await materialize(withCheck([inRange('ref', { max: 10 })], 'd1'), { storage: memory.storage });
    expect(actions(failing)).toEqual({ u: 'materialized', d: 'skipped' });

    // The same failing result, no longer blocking as declared: d runs.
    expect(actions(await materialize(withCheck([inRange('ref', { max: 10, blocking: false })], 'd1'), { storage: memory.storage, select: 'd' }))).toEqual({ d: 'materialized' });

    // Tightened back, then relaxed: the failing result of max 10 no longer speaks for the check with max 100.
    await materialize(withCheck([inRange('ref', { max: 10 })], 'd1'), { storage: memory.storage, select: 'u' });
    const relaxed = await materialize(withCheck([inRange('ref', { max: 100 })], 'd2'), { storage: memory.storage, select: 'd' });
    expect(actions(relaxed)).toEqual({ d: 'materialized' });
  });
});
