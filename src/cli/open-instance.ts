import path from 'node:path';
import type { InstanceStorage } from '../storage/instance-storage.js';
import type { CliIO } from './cli-io.js';

/** The instance folder: `STRATA_HOME`, default `.strata` in the working folder. */
export function instanceHome(io: Pick<CliIO, 'cwd' | 'env'>): string {
  return path.resolve(io.cwd, io.env.STRATA_HOME ?? '.strata');
}

/**
 * Opens the SQLite instance storage (imported lazily, so commands without
 * history never load better-sqlite3), first failing the runs whose process
 * died without finishing them, so every command sees a consistent instance.
 */
export async function openInstance(io: Pick<CliIO, 'cwd' | 'env' | 'now'>): Promise<InstanceStorage> {
  const [{ SqliteInstanceStorage }, { failAbandonedRuns }] = await Promise.all([
    import('../storage/sqlite-instance-storage.js'),
    import('../execution/fail-abandoned-runs.js'),
  ]);
  const storage = await SqliteInstanceStorage.open({ home: instanceHome(io) });
  try {
    await failAbandonedRuns(storage, { now: io.now() });
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}
