import path from 'node:path';
import type { InstanceStorage } from '../storage/instance-storage.js';
import type { CliIO } from './cli-io.js';

/** The instance folder: `STRATA_HOME`, default `.strata` in the working folder. */
export function instanceHome(io: Pick<CliIO, 'cwd' | 'env'>): string {
  return path.resolve(io.cwd, io.env.STRATA_HOME ?? '.strata');
}

/** Opens the SQLite instance storage; imported lazily so commands without history never load better-sqlite3. */
export async function openInstance(io: Pick<CliIO, 'cwd' | 'env'>): Promise<InstanceStorage> {
  const { SqliteInstanceStorage } = await import('../storage/sqlite-instance-storage.js');
  return SqliteInstanceStorage.open({ home: instanceHome(io) });
}
