import { type Columns, Table } from 'strata-assets';

/**
 * Which rows to keep, and in which order, so that each id appears once (its
 * first row: the API may send a row twice) and ids ascend (every example table
 * is sorted by its first column). `undefined` when the ids already ascend
 * strictly, as a snapshot's usually do: then nothing needs copying, and the
 * check is one pass instead of a hash lookup per row.
 */
export function firstOfEachIdInOrder(ids: readonly number[]): number[] | undefined {
  let ascending = true;
  for (let row = 1; row < ids.length && ascending; row++) ascending = ids[row - 1]! < ids[row]!;
  if (ascending) return undefined;
  // Array#sort is stable: among rows of one id, the first one received comes first and is the one kept.
  const order = Array.from(ids.keys()).sort((a, b) => ids[a]! - ids[b]!);
  return order.filter((row, index) => index === 0 || ids[order[index - 1]!] !== ids[row]);
}

/** `table`'s rows at `rows`, in that order, column by column. */
export function pickRows<R extends object>(table: Table<R>, rows: readonly number[]): Table<R> {
  const columns = Object.fromEntries(
    table.columnNames.map((name) => {
      const values = table.column(name);
      return [name, rows.map((row) => values[row])];
    }),
  );
  return Table.fromColumns(columns as unknown as Columns<R>, table.columnNames);
}
