import type { InstanceStorage } from '../storage/instance-storage.js';
import type { Project } from './locate-project.js';

/**
 * Opens a project's instance storage: SQLite in its `home` (imported lazily,
 * so commands without history never load better-sqlite3), after failing the
 * runs whose process died without finishing them, so every reader sees a
 * consistent instance.
 */
export async function openStorage(project: Pick<Project, 'home'>, options: { readonly now: Date }): Promise<InstanceStorage> {
  const [{ SqliteInstanceStorage }, { failAbandonedRuns }] = await Promise.all([
    import('../storage/sqlite-instance-storage.js'),
    import('../execution/fail-abandoned-runs.js'),
  ]);
  const storage = await SqliteInstanceStorage.open({ home: project.home });
  try {
    await failAbandonedRuns(storage, { now: options.now });
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}
