import path from 'node:path';
import { type InstanceConfig, isPostgresUrl } from '../core/define-config.js';
import { StrataError } from '../core/errors.js';
import { redactUrl } from '../resources/redact-url.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import { SQLITE_DATABASE_FILE } from '../storage/sqlite-database-file.js';
import type { Project } from './locate-project.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where a project's instance lives: SQLite in its home folder (the default), or a shared Postgres database. */
export type StorageLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string | undefined; readonly display: string };

/**
 * The instance a project uses, first match wins: `STRATA_DATABASE_URL` (a
 * `postgres://` URL); the config's `instance.postgres.url` (see
 * `defineConfig`); else SQLite in `<home>/strata.db`. A Postgres instance is
 * shared by several processes and hosts; its schema is
 * `STRATA_DATABASE_SCHEMA`, else the config's `schema` when the config chose
 * the database, else `strata`.
 */
export function storageLocation(project: Pick<Project, 'home'>, env: Env, config: InstanceConfig | undefined): StorageLocation {
  const fromEnv = env.STRATA_DATABASE_URL || undefined;
  if (fromEnv !== undefined && !isPostgresUrl(fromEnv)) {
    throw new StrataError('STRATA_DATABASE_URL', `STRATA_DATABASE_URL must be a postgres:// URL, got "${redactUrl(fromEnv)}".`, {
      hint: 'Set it to postgres://user:password@host:5432/database, or unset it to keep the instance in SQLite (STRATA_HOME).',
    });
  }
  const url = fromEnv ?? config?.postgres?.url;
  if (url === undefined) return { kind: 'sqlite', path: path.join(project.home, SQLITE_DATABASE_FILE) };
  const schema = env.STRATA_DATABASE_SCHEMA || (fromEnv === undefined ? config?.postgres?.schema : undefined);
  return { kind: 'postgres', url, schema, display: `${redactUrl(url)} (schema ${schema ?? 'strata'})` };
}

/**
 * Opens the instance storage at `location` (each backend is imported lazily,
 * so commands without history load neither driver), after failing the runs
 * whose process died without finishing them, so every reader sees a
 * consistent instance.
 */
export async function openStorage(project: Pick<Project, 'home'>, location: StorageLocation, options: { readonly now: Date }): Promise<InstanceStorage> {
  const [storage, { failAbandonedRuns }] = await Promise.all([openAt(project, location), import('../execution/fail-abandoned-runs.js')]);
  try {
    await failAbandonedRuns(storage, { now: options.now });
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}

async function openAt(project: Pick<Project, 'home'>, location: StorageLocation): Promise<InstanceStorage> {
  if (location.kind === 'postgres') {
    const { PostgresInstanceStorage } = await import('../storage/postgres-instance-storage.js');
    return PostgresInstanceStorage.open({ connectionString: location.url, ...(location.schema === undefined ? {} : { schema: location.schema }) });
  }
  const { SqliteInstanceStorage } = await import('../storage/sqlite-instance-storage.js');
  return SqliteInstanceStorage.open({ home: project.home });
}
