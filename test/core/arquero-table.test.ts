import { desc, op, table as arqueroTable } from 'arquero';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asArquero, asset, defineDefinitions, fromArquero, materializeInMemory, MemoryIOManager, Table } from '../../src/index.js';

const orderSchema = z.object({
  id: z.int(),
  customer: z.string(),
  amount: z.number(),
  paid: z.boolean(),
  status: z.enum(['open', 'shipped']),
  note: z.string().nullable(),
});
type Order = z.infer<typeof orderSchema>;
const orderColumns = ['id', 'customer', 'amount', 'paid', 'status', 'note'] as const;

const orders = Table.fromRows<Order>(
  [
    { id: 1, customer: 'ada', amount: 12.5, paid: true, status: 'open', note: null },
    { id: 2, customer: 'grace', amount: 3, paid: false, status: 'shipped', note: 'fragile' },
    { id: 3, customer: 'ada', amount: 0.25, paid: true, status: 'shipped', note: null },
  ],
  [...orderColumns],
);

describe('asArquero and fromArquero', () => {
  it('wraps a Table as an arquero table sharing its column arrays, and converts it back to the same arrays', () => {
    const dataframe = asArquero(orders);
    expect(dataframe.numRows()).toBe(3);
    expect(dataframe.columnNames()).toEqual([...orderColumns]);
    for (const name of orderColumns) expect(dataframe.column(name)).toBe(orders.column(name));
    const back = fromArquero(dataframe);
    expect(back.columnNames).toEqual([...orderColumns]);
    for (const name of orderColumns) expect(back.column(name)).toBe(orders.column(name));
    expect(back.rows()).toEqual(orders.rows());
  });

  it('keeps integers, floats, strings, booleans, enums and nulls as they are both ways, through a filter and an order', () => {
    const back = fromArquero(asArquero(orders).filter((row: Order) => row.id !== 2).orderby(desc('id')));
    expect(back.rows()).toEqual([
      { id: 3, customer: 'ada', amount: 0.25, paid: true, status: 'shipped', note: null },
      { id: 1, customer: 'ada', amount: 12.5, paid: true, status: 'open', note: null },
    ]);
    expect(back.column('amount').map((value) => typeof value)).toEqual(['number', 'number']);
  });

  it("maps what arquero produces beyond cells: undefined to null, 64-bit integers to numbers, typed arrays to arrays", () => {
    const produced = arqueroTable({
      big: new BigInt64Array([1n, -(2n ** 40n)]),
      floats: new Float64Array([0.5, 2]),
      missing: [undefined, 'x'],
    });
    const back = fromArquero(produced);
    expect(back.column('big')).toEqual([1, -(2 ** 40)]);
    expect(back.column('floats')).toEqual([0.5, 2]);
    expect(Array.isArray(back.column('floats'))).toBe(true);
    expect(back.column('missing')).toEqual([null, 'x']);
  });

  it('converts only the columns asked for, in that order, leaving out names the table does not have', () => {
    const back = fromArquero(asArquero(orders), ['note', 'id', 'nope']);
    expect(back.columnNames).toEqual(['note', 'id']);
    expect(back.column('id')).toEqual([1, 2, 3]);
  });

  it('gives an empty table for an empty arquero table', () => {
    const back = fromArquero(asArquero(orders).filter(() => false));
    expect(back.numRows).toBe(0);
    expect(back.column('status')).toEqual([]);
  });
});

describe('a compute returning an arquero table', () => {
  const source = asset({ key: 'orders', schema: orderSchema, compute: () => orders });
  const totals = asset({
    key: 'customer_totals',
    deps: [source],
    schema: z.object({ customer: z.string(), orders: z.int(), total: z.number(), last_note: z.string().nullable(), large: z.boolean() }),
    compute: ({ inputs }) =>
      asArquero(inputs.orders)
        .groupby('customer')
        .rollup({ orders: op.count(), total: op.sum('amount'), last_note: op.max('note') })
        .derive({ large: (group: { total: number }) => group.total > 10 })
        .orderby(desc('total')),
  });

  it('is converted and validated like rows: grouped, aggregated, ordered, nulls and booleans kept', async () => {
    const run = await materializeInMemory(defineDefinitions({ assets: [source, totals], ioManagers: { default: new MemoryIOManager() } }));
    expect(run.table(totals).rows()).toEqual([
      { customer: 'ada', orders: 2, total: 12.75, last_note: null, large: true },
      { customer: 'grace', orders: 1, total: 3, last_note: 'fragile', large: false },
    ]);
  });

  it('fails on a value its schema rejects, naming the row, the column and the value', async () => {
    const wrongEnum = asset({
      key: 'relabelled',
      deps: [source],
      schema: orderSchema,
      compute: ({ inputs }) => asArquero(inputs.orders).derive({ status: (row: Order) => (row.id === 2 ? 'lost' : row.status) }),
    });
    const run = materializeInMemory(defineDefinitions({ assets: [source, wrongEnum], ioManagers: { default: new MemoryIOManager() } }));
    await expect(run).rejects.toThrow(/relabelled: Asset "relabelled" returned an invalid row 1 \(id 2\): column "status" expected .*"lost"/);
  });

  it('fails when it lacks a column of the schema, naming it', async () => {
    const partial = asset({ key: 'partial', deps: [source], schema: orderSchema, compute: ({ inputs }) => asArquero(inputs.orders).select('id', 'customer') });
    const run = materializeInMemory(defineDefinitions({ assets: [source, partial], ioManagers: { default: new MemoryIOManager() } }));
    await expect(run).rejects.toThrow(/returned a table without columns "amount", "paid", "status", "note"/);
  });
});
