import { afterEach, beforeEach } from 'vitest';
import { MemoryIOManager, SqliteInstanceStorage } from '../../src/index.js';

/**
 * A SQLite instance in memory and a memory IO manager, made anew for each
 * test of the describe block that calls this (at its top), and closed after.
 */
export function useMemoryInstance(): { readonly storage: SqliteInstanceStorage; readonly io: MemoryIOManager } {
  const current: { storage?: SqliteInstanceStorage; io?: MemoryIOManager } = {};
  beforeEach(async () => {
    current.storage = await SqliteInstanceStorage.open({ path: ':memory:' });
    current.io = new MemoryIOManager();
  });
  afterEach(() => current.storage!.close());
  return {
    get storage() {
      return current.storage!;
    },
    get io() {
      return current.io!;
    },
  };
}
