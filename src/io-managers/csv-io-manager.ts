import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { IOManagerError, StrataError } from '../core/errors.js';
import { scanLimit, type IOManager, type IOManagerVisibility, type RecordedOutput, type ScanOptions, type StoredAsset, type StoreResult } from '../core/io-manager.js';
import { projectRoot } from '../core/project-root.js';
import type { Row, Table } from '../core/table.js';
import { readCsvRows, readCsvTable, type CsvSource } from './csv-reader.js';
import { encodeCsv } from './csv-writer.js';

export interface CsvIOManagerOptions {
  /** Folder of the CSV files; default `$STRATA_OUTPUT_DIR`, else `output`. Relative paths resolve against the project root (`projectRoot()`) at construction. */
  readonly baseDir?: string;
  /**
   * Set it when `baseDir` is on a mount that every worker on every host sees
   * at the same path (NFS, a cloud file system), so the work pool's queue
   * executor may run these assets on any host. Default false: the files are
   * local to this host, which is enough for the `workers` executor only.
   * Strata cannot check it: a wrong `true` makes workers on other hosts fail
   * to find their inputs.
   *
   * Default: `STRATA_OUTPUT_SHARED=true` in the environment, so whoever
   * deploys a project says where its folder lives, as `STRATA_OUTPUT_DIR` says
   * which it is (and a trial of the work pool on one machine, where every
   * worker sees the same disk, needs no code change).
   */
  readonly shared?: boolean;
}

/** Size of the reads when loading or hashing a file. */
const READ_CHUNK_BYTES = 64 * 1024;

/** An asset key must be a plain file name: no folders, no `..`, not hidden (hidden names are our temp files). */
const SAFE_FILE_STEM = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Stores each asset as `<baseDir>/<key>.csv` (RFC 4180, UTF-8, header of the
 * schema's columns). The data version is the hex sha256 of the file's bytes,
 * so editing the file by hand changes it and the planner notices.
 *
 * Writes are atomic: the table goes to a temp file in the same folder, which
 * is fsynced and then renamed over the target, so a failed or interrupted
 * store leaves the previous file as it was. Rows are serialized, hashed and
 * written in chunks, and loads are parsed chunk by chunk: memory stays flat
 * whatever the number of rows.
 *
 * @example
 * const io = new CsvIOManager({ baseDir: 'output' });
 * const { dataVersion } = await io.store(usersAsset, table); // writes output/users.csv
 */
export class CsvIOManager implements IOManager {
  readonly kind = 'csv';
  /** `host`, or `cluster` when configured `shared: true` (see `CsvIOManagerOptions.shared`). */
  readonly visibility: IOManagerVisibility;
  /** Absolute folder that holds the files. */
  readonly baseDir: string;

  constructor(options: CsvIOManagerOptions = {}) {
    // An empty STRATA_OUTPUT_DIR counts as unset rather than meaning the cwd.
    this.baseDir = resolve(projectRoot(), options.baseDir ?? (process.env.STRATA_OUTPUT_DIR || 'output'));
    this.visibility = (options.shared ?? process.env.STRATA_OUTPUT_SHARED === 'true') ? 'cluster' : 'host';
  }

  get location(): string {
    return this.baseDir;
  }

  /** The file that holds an asset's table. */
  pathOf(asset: Pick<StoredAsset, 'key'>): string {
    if (!SAFE_FILE_STEM.test(asset.key)) {
      throw new IOManagerError(`Asset key "${asset.key}" cannot be used as a CSV file name.`, {
        hint: 'Use keys made of letters, digits and underscores.',
      });
    }
    return join(this.baseDir, `${asset.key}.csv`);
  }

  async store(asset: StoredAsset, table: Table<Row>): Promise<StoreResult> {
    const path = this.pathOf(asset);
    try {
      await mkdir(this.baseDir, { recursive: true });
    } catch (error) {
      throw writeError(this.baseDir, this.baseDir, error);
    }
    // Same folder as the target, so the rename stays on one file system and is atomic.
    const temp = join(this.baseDir, `.${asset.key}.csv.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let handle: FileHandle | undefined;
    try {
      handle = await open(temp, 'wx');
      const hash = createHash('sha256');
      let bytes = 0;
      // One write is in flight while the next chunk is serialized: the file
      // system works on a thread of its own meanwhile, and awaiting that write
      // before handing out another is the backpressure (at most two chunks held).
      let writing: Promise<void> | undefined;
      try {
        for (const chunk of encodeCsv(table, asset.columns, asset.key)) {
          hash.update(chunk);
          bytes += chunk.length;
          await writing;
          writing = writeFully(handle, chunk);
        }
      } catch (error) {
        // The handle is closed only once the write in flight settled; the encoder's error is the one to report.
        await writing?.catch(() => undefined);
        throw error;
      }
      await writing;
      // fsync before the rename: otherwise a crash could leave the new name pointing at unwritten data.
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, path);
      const { mtimeMs } = await stat(path);
      return {
        dataVersion: hash.digest('hex'),
        metadata: { rows: table.numRows, columns: asset.columns.map((column) => column.name), bytes, path, modifiedAtMs: mtimeMs },
      };
    } catch (error) {
      // Cleanup failures are dropped on purpose: the error that stopped the write is the one to report.
      await handle?.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      throw error instanceof StrataError ? error : writeError(path, this.baseDir, error);
    }
  }

  async load(asset: StoredAsset): Promise<Table<Row>> {
    const { stream, source } = await this.#openForReading(asset);
    try {
      return await readCsvTable(stream, asset.columns, source);
    } catch (error) {
      throw readError(error, source);
    }
  }

  /** Reads the file only as far as the rows asked for: `limit: 20` of a file of millions of rows returns at once. */
  async *scan(asset: StoredAsset, options?: ScanOptions): AsyncGenerator<Row[]> {
    const limit = scanLimit(options);
    const { stream, source } = await this.#openForReading(asset);
    try {
      yield* readCsvRows(stream, asset.columns, source, limit);
    } catch (error) {
      throw readError(error, source);
    } finally {
      // Stopping early (the limit, or a caller that stops iterating) closes the file now, not when the stream is collected.
      stream.destroy();
    }
  }

  /** Opens an asset's file as a stream, or throws what a load of a missing or unreadable file throws. */
  async #openForReading(asset: StoredAsset): Promise<{ stream: ReadStream; source: CsvSource }> {
    const path = this.pathOf(asset);
    const hint = `Re-materialize the asset with \`assets materialize --select ${asset.key} --force\`, or fix the file.`;
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        throw new IOManagerError(`Cannot load asset "${asset.key}": ${path} does not exist.`, {
          hint: `Materialize it with \`assets materialize --select ${asset.key}\`.`,
          cause: error,
        });
      }
      throw new IOManagerError(`Cannot load asset "${asset.key}": cannot open ${path}: ${reasonOf(error)}.`, {
        hint,
        cause: error,
      });
    }
    // The stream closes the handle when it ends, fails or is destroyed.
    return { stream: handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES }), source: { path, hint } };
  }

  async dataVersion(asset: StoredAsset, recorded?: RecordedOutput): Promise<string | undefined> {
    const path = this.pathOf(asset);
    if (recorded !== undefined) {
      // Hashing a large file on every plan is the slow part of `status` and of a
      // no-op run: the file at the recorded path, with the recorded size and
      // modification time (nanosecond-precise on common file systems), is the one we wrote.
      const current = await stat(path).catch((error: unknown) => {
        if (errorCode(error) === 'ENOENT') return undefined;
        throw new IOManagerError(`Cannot stat ${path}: ${reasonOf(error)}.`, { hint: `Check that ${path} is a readable file.`, cause: error });
      });
      if (current === undefined) return undefined;
      const { metadata } = recorded;
      if (metadata.path === path && metadata.bytes === current.size && metadata.modifiedAtMs === current.mtimeMs) return recorded.dataVersion;
    }
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) hash.update(chunk as Buffer);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new IOManagerError(`Cannot hash ${path}: ${reasonOf(error)}.`, {
        hint: `Check that ${path} is a readable file.`,
        cause: error,
      });
    }
    return hash.digest('hex');
  }

  async delete(asset: StoredAsset): Promise<boolean> {
    const path = this.pathOf(asset);
    try {
      await unlink(path);
      return true;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw new IOManagerError(`Cannot delete ${path}: ${reasonOf(error)}.`, {
        hint: `Check that ${dirname(path)} is writable.`,
        cause: error,
      });
    }
  }
}

/** `FileHandle.write` may write less than asked; loop until the whole chunk is on its way. */
async function writeFully(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset);
    offset += bytesWritten;
  }
}

/** A read that failed: the reader's own errors as they are, anything else (a disk error) as an IOManagerError naming the file. */
function readError(error: unknown, source: CsvSource): StrataError {
  if (error instanceof StrataError) return error;
  return new IOManagerError(`Cannot read ${source.path}: ${reasonOf(error)}.`, { hint: source.hint, cause: error });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const reasons: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'a file is in the way',
};

function reasonOf(error: unknown): string {
  const code = errorCode(error);
  const reason = code === undefined ? undefined : reasons[code];
  if (reason !== undefined) return `${reason} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

function writeError(path: string, folder: string, error: unknown): IOManagerError {
  const code = errorCode(error);
  const hint =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'Free some disk space, or set STRATA_OUTPUT_DIR to a folder on another disk.'
      : code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST'
        ? `Something is in the way at or above ${path} (a file where a folder should be, or a folder where the file ` +
          'should be): move it, or set STRATA_OUTPUT_DIR to another folder.'
        : `Check that ${folder} is writable, or set STRATA_OUTPUT_DIR to a folder you can write to.`;
  return new IOManagerError(`Cannot write ${path}: ${reasonOf(error)}.`, { hint, cause: error });
}
