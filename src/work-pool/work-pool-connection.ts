import type pg from 'pg';
import { UsageError } from '../core/errors.js';
import { surviveDisconnects } from '../core/postgres-disconnects.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import { quoteIdentifier } from '../storage/postgres-migrations.js';
import { StepDispatches } from './step-dispatches.js';
import { prepareWorkPoolSchemas, type WorkPoolSchemas, workPoolSchemas } from './work-pool-schema.js';

const RECONNECT_MS = 1_000;

/**
 * A connection whose peer vanished without a word (a host lost, a network
 * partition) fails within seconds instead of the OS's two hours: TCP
 * keepalive probes it after 10 s of quiet, and no query waits more than 30 s
 * (the work pool's are all short). A poll or heartbeat that hangs would
 * otherwise stop every later one.
 */
const LIVENESS = { keepAlive: true, keepAliveInitialDelayMillis: 10_000, query_timeout: 30_000, connectionTimeoutMillis: 30_000 };

/**
 * A process's connection to the work pool of a Postgres instance: a pool of
 * connections for the dispatch rows and graphile-worker, and one connection
 * that LISTENs on the pool's channel. A notification may be lost (the
 * listening connection drops, Postgres restarts): whoever listens also
 * re-reads on a timer, and the listener reconnects on its own.
 */
export class WorkPoolConnection {
  readonly pool: pg.Pool;
  readonly schemas: WorkPoolSchemas;
  readonly dispatches: StepDispatches;
  /** The database and schema, for messages. */
  readonly location: string;
  readonly #driver: typeof pg;
  readonly #connectionString: string;
  readonly #onNotification: (payload: string) => void;
  #listener: pg.Client | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #closed = false;

  /**
   * Opens the work pool of `storage`'s instance, creating its schemas when
   * missing. Refuses a storage that is not Postgres: the work pool is how
   * processes on several hosts share work, through the database they share.
   */
  static async open(storage: InstanceStorage, onNotification: (payload: string) => void, purpose: string): Promise<WorkPoolConnection> {
    const { PostgresInstanceStorage } = await import('../storage/postgres-instance-storage.js');
    if (!(storage instanceof PostgresInstanceStorage)) {
      throw new UsageError(`${purpose} needs the instance in Postgres: the work pool's workers and coordinators share its database.`, {
        hint: 'Set STRATA_DATABASE_URL=postgres://… (or instance: { postgres } in strata.config.ts), or run steps in this process with --executor in-process.',
      });
    }
    const driver = (await import('pg')).default;
    const pool = new driver.Pool({ connectionString: storage.connectionString, max: 10, application_name: 'strata work pool', ...LIVENESS });
    surviveDisconnects(pool);
    const schemas = workPoolSchemas(storage.schema);
    try {
      await prepareWorkPoolSchemas(pool, schemas, storage.location);
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    const connection = new WorkPoolConnection(driver, pool, schemas, storage.location, storage.connectionString, onNotification);
    try {
      await connection.#listen();
    } catch (error) {
      await connection.close();
      throw error;
    }
    return connection;
  }

  private constructor(driver: typeof pg, pool: pg.Pool, schemas: WorkPoolSchemas, location: string, connectionString: string, onNotification: (payload: string) => void) {
    this.#driver = driver;
    this.pool = pool;
    this.schemas = schemas;
    this.location = location;
    this.#connectionString = connectionString;
    this.#onNotification = onNotification;
    this.dispatches = new StepDispatches(pool, schemas);
  }

  async #listen(): Promise<void> {
    const client = new this.#driver.Client({ connectionString: this.#connectionString, application_name: 'strata work pool listener', ...LIVENESS });
    this.#listener = client;
    const lost = () => {
      if (this.#closed || this.#listener !== client) return;
      this.#listener = undefined;
      client.end().catch(() => {});
      this.#reconnect = setTimeout(() => void this.#listen().catch(() => {}), RECONNECT_MS);
      this.#reconnect.unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.payload !== undefined) this.#onNotification(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.schemas.channel)}`);
    } catch (error) {
      lost();
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#reconnect);
    const listener = this.#listener;
    this.#listener = undefined;
    await Promise.all([listener?.end().catch(() => {}), this.pool.end().catch(() => {})]);
  }
}
