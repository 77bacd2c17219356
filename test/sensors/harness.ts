import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { asset, defineDefinitions, MemoryIOManager, type DefinitionsSpec, type Definitions } from '../../src/index.js';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';

/** A clock the test moves by hand: schedule and sensor tests never wait for wall-clock time. */
export class ManualClock {
  #now: Date;

  constructor(start: string | Date) {
    this.#now = new Date(start);
  }

  readonly now = (): Date => this.#now;

  set(time: string | Date): void {
    this.#now = new Date(time);
  }

  advance(ms: number): void {
    this.#now = new Date(this.#now.getTime() + ms);
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A real SQLite instance in a temp folder; reopen it to play a daemon restart. */
export async function tempInstance(): Promise<{ home: string; open(): Promise<SqliteInstanceStorage>; cleanup(): Promise<void> }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'strata-daemon-'));
  const opened: SqliteInstanceStorage[] = [];
  return {
    home,
    async open() {
      const storage = await SqliteInstanceStorage.open({ home });
      opened.push(storage);
      return storage;
    },
    async cleanup() {
      for (const storage of opened) await storage.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

const numberSchema = z.object({ n: z.int() });

/** `numbers` (a source) and `total` (from numbers), in memory: fast enough to run hundreds of times. */
export function memoryAssets() {
  const numbers = asset({ key: 'numbers', group: 'sources', schema: numberSchema, compute: () => [{ n: 1 }, { n: 2 }] });
  const total = asset({
    key: 'total',
    deps: [numbers],
    schema: numberSchema,
    compute: ({ inputs }) => [{ n: inputs.numbers.column('n').reduce((sum, n) => sum + n, 0) }],
  });
  return { numbers, total };
}

/** Definitions over the memory assets, plus whatever automation the test declares. */
export function memoryDefinitions(automation: Omit<DefinitionsSpec, 'assets' | 'ioManagers'> & Partial<Pick<DefinitionsSpec, 'assets'>>): Definitions {
  const { numbers, total } = memoryAssets();
  return defineDefinitions({ assets: [numbers, total], ioManagers: { default: new MemoryIOManager() }, ...automation });
}

/** A promise with its resolve function, for gating an asset from the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
