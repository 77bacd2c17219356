import { describe, expect, it } from 'vitest';
import { MemoryIOManager } from '../../src/io-managers/memory-io-manager.js';
import { Table } from '../../src/core/table.js';
import { describeIOManagerContract, everyKindAsset, everyKindRows } from './io-manager-contract.js';

describeIOManagerContract('MemoryIOManager', async () => ({
  manager: new MemoryIOManager(),
  cleanup: async () => {},
}));

describe('MemoryIOManager', () => {
  it('has the kind "memory" and is visible to its own process only', () => {
    expect(new MemoryIOManager().kind).toBe('memory');
    expect(new MemoryIOManager().visibility).toBe('process');
  });

  it('reports neither a path nor a byte count, since nothing is written', async () => {
    const { metadata } = await new MemoryIOManager().store(
      everyKindAsset,
      Table.fromRows(everyKindRows, everyKindAsset.columns.map((column) => column.name)),
    );
    expect(metadata.path).toBeUndefined();
    expect(metadata.bytes).toBeUndefined();
  });

  it('keeps separate instances apart', async () => {
    const first = new MemoryIOManager();
    await first.store(everyKindAsset, Table.fromRows(everyKindRows, everyKindAsset.columns.map((column) => column.name)));
    expect(await new MemoryIOManager().dataVersion(everyKindAsset)).toBeUndefined();
  });

  it('rejects a load whose schema asks for a column that was not stored', async () => {
    const manager = new MemoryIOManager();
    await manager.store({ key: 'narrow', columns: [{ name: 'a', kind: 'integer', nullable: false }] }, Table.fromRows([{ a: 1 }], ['a']));
    await expect(
      manager.load({
        key: 'narrow',
        columns: [
          { name: 'a', kind: 'integer', nullable: false },
          { name: 'b', kind: 'string', nullable: false },
        ],
      }),
    ).rejects.toThrow(/stored table has no column "b"/);
  });
});
