import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, materialize, MemoryIOManager, SqliteInstanceStorage, Table, unique } from '../../src/index.js';

/**
 * unique() keeps no set while a column's values strictly ascend, and fills
 * one from the values seen when the order breaks: in the middle of a table,
 * in a later batch of a scan, or never.
 */
describe('unique() on a column that ascends, then may not', () => {
  let storage: SqliteInstanceStorage;
  beforeEach(async () => {
    storage = await SqliteInstanceStorage.open({ path: ':memory:' });
  });
  afterEach(() => storage.close());

  async function uniqueOf(values: readonly (number | string | null)[]): Promise<{ failing: number | null; sample: unknown[] }> {
    const numbers = values.every((value) => value === null || typeof value === 'number');
    const table = asset({
      key: 'table',
      schema: z.object({ row: z.int(), value: numbers ? z.number().nullable() : z.string().nullable() }),
      checks: [unique('value', { severity: 'warn' })],
      compute: () => values.map((value, row) => ({ row, value })),
    });
    const result = await materialize(defineDefinitions({ assets: [table], ioManagers: { default: new MemoryIOManager() } }), { storage });
    const outcome = result.checks.find((check) => check.checkName === 'unique_value')!;
    return { failing: outcome.failing, sample: outcome.sample.map((row) => row.row) };
  }

  const ascending = Array.from({ length: 10_000 }, (_, index) => index * 2);

  it('finds nothing in values that ascend throughout, nulls between them', async () => {
    expect(await uniqueOf(ascending.map((value, row) => (row % 100 === 0 ? null : value)))).toEqual({ failing: 0, sample: [] });
  });

  it('finds a value repeated long after the order broke, against values seen before it broke', async () => {
    // Row 9,000 goes back to 0 (seen in the first batch); row 9,500 repeats the value of row 9,499.
    const values = ascending.map((value, row) => (row === 9_000 ? 0 : row === 9_500 ? ascending[9_499]! : value));
    expect(await uniqueOf(values)).toEqual({ failing: 2, sample: [9_000, 9_500] });
  });

  it('counts 0 and -0 as one value, as a set does', async () => {
    expect(await uniqueOf([-1, -0, 0, 1])).toEqual({ failing: 1, sample: [2] });
  });

  it('works on strings that ascend, then repeat', async () => {
    expect(await uniqueOf(['a', 'b', 'c', 'b', 'd'])).toEqual({ failing: 1, sample: [3] });
  });

  it('fills the set from earlier batches of a scan when the order breaks in a later one', async () => {
    const { evaluation } = unique('value');
    if (evaluation.kind !== 'scan') throw new Error('unique() is a scan check');
    const scanner = await evaluation.start({} as never);
    for (const values of [[1, 2, 3], [null, 4, 5], [6, 2, 7, 7, 3]]) await scanner.add(Table.fromColumns({ value: values }));
    expect(await scanner.finish()).toMatchObject({ failing: 3, sample: [{ value: 2 }, { value: 7 }, { value: 3 }] });
  });
});
