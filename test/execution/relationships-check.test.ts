import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, materialize, MemoryIOManager, relationships, SqliteInstanceStorage } from '../../src/index.js';

/** A value of a key or reference column: a number or text column, nullable. */
type Key = string | number | null;

/**
 * relationships() looks dense integer keys up in a byte array and any others
 * in a Set: both must find the same references unresolved.
 */
describe('relationships', () => {
  let storage: SqliteInstanceStorage;
  beforeEach(async () => {
    storage = await SqliteInstanceStorage.open({ path: ':memory:' });
  });
  afterEach(() => storage.close());

  /** The failing count and the sample's refs when `refs` point at `keys` (each column of one kind, maybe null). */
  const unresolved = async (keys: readonly Key[], refs: readonly Key[]) => {
    const column = (values: readonly Key[]) => (values.some((value) => typeof value === 'string') ? z.string() : z.number()).nullable();
    const targets = asset({ key: 'targets', schema: z.object({ key: column(keys) }), compute: () => keys.map((value) => ({ key: value })) });
    const refsAsset = asset({
      key: 'refs',
      deps: [targets],
      schema: z.object({ ref: column(refs) }),
      checks: [relationships('ref', { to: targets, field: 'key', severity: 'warn' })],
      compute: () => refs.map((ref) => ({ ref })),
    });
    const result = await materialize(defineDefinitions({ assets: [targets, refsAsset], ioManagers: { default: new MemoryIOManager() } }), { storage });
    const check = result.checks.find((entry) => entry.checkName === 'relationships_ref')!;
    return { failing: check.failing, sample: check.sample.map((row) => row.ref) };
  };

  it.each([
    // Dense keys (a byte array): refs past either end, between keys or fractional do not resolve; nulls are ignored.
    ['dense integer keys', [1, 2, 4], [1, 4, 3, 5, 0, -1, 2.5, null, 2], [3, 5, 0, -1, 2.5]],
    // Text that reads as a number is not that number.
    ['dense integer keys and text refs', [1, 2], ['1', '2', null], ['1', '2']],
    ['text keys and number refs', ['1', '2'], [1, 2], [1, 2]],
    // A negative key, a fractional key or sparse keys: the Set, with the same answers.
    ['a negative key', [-1, 2], [-1, 2, 1, -2], [1, -2]],
    ['a fractional key', [0.5, 2], [0.5, 2, 0, 1], [0, 1]],
    ['sparse keys', [1, 1e12], [1e12, 1, 2, 1e12 + 1], [2, 1e12 + 1]],
    ['text keys', ['a', 'b'], ['a', 'c', null], ['c']],
    ['no keys', [], [1, null, 0], [1, 0]],
  ])('counts the references that match no key, with %s', async (_, keys, refs, expected) => {
    expect(await unresolved(keys, refs)).toEqual({ failing: expected.length, sample: expected });
  });
});
