import { describe, expect, it } from 'vitest';
import { firstOfEachIdInOrder, pickRows } from '../../src/assets/by-id.js';
import { Table } from '../../src/index.js';

describe('firstOfEachIdInOrder', () => {
  it('asks for no copy when the ids already ascend strictly', () => {
    expect(firstOfEachIdInOrder([])).toBeUndefined();
    expect(firstOfEachIdInOrder([1, 2, 5, 9])).toBeUndefined();
  });

  it('orders rows by id and keeps the first row received of a repeated id', () => {
    // Rows 1 and 3 both have id 2: row 1 came first. Row 5 repeats id 7 of row 4.
    expect(firstOfEachIdInOrder([5, 2, 9, 2, 7, 7, 1])).toEqual([6, 1, 0, 4, 2]);
  });

  it('drops a repeat that directly follows its first row, even in ascending input', () => {
    expect(firstOfEachIdInOrder([1, 2, 2, 3])).toEqual([0, 1, 3]);
  });
});

describe('pickRows', () => {
  it('takes the rows at the given positions, in that order, from every column', () => {
    const table = Table.fromColumns({ id: [3, 1, 2], name: ['c', 'a', 'b'] });
    expect(pickRows(table, [1, 2, 0]).rows()).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ]);
  });
});
