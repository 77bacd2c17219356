import type { InstanceStorage } from '../storage/instance-storage.js';
import type { CliIO } from './cli-io.js';
import { locateProject } from './load-definitions.js';

/** The instance folder of the command's project (see `Project.home`). */
export function instanceHome(io: Pick<CliIO, 'cwd' | 'env' | 'definitionsModule'>): string {
  return locateProject(io).home;
}

/**
 * Opens the SQLite instance storage (imported lazily, so commands without
 * history never load better-sqlite3), first failing the runs whose process
 * died without finishing them, so every command sees a consistent instance.
 */
export async function openInstance(io: Pick<CliIO, 'cwd' | 'env' | 'now' | 'definitionsModule'>): Promise<InstanceStorage> {
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
