import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { IOManagerError, StrataError } from '../core/errors.js';
import type { IOManagerVisibility, RecordedOutput, StoredAsset, StoreResult } from '../core/io-manager.js';
import { projectRoot } from '../core/project-root.js';
import type { Row, Table } from '../core/table.js';
import { FlushBehind } from './flush-behind.js';
import { type HashingFile, HashingWriter, hashOnThisThread } from './hashing-writer.js';
import { describeStored, materializeCommand, partitionSegments, shortenName } from './partition-naming.js';

export interface FileIOManagerOptions {
  /** Folder of the files; default `$STRATA_OUTPUT_DIR`, else `output`. Relative paths resolve against the project root (`projectRoot()`) at construction. */
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

/** What an atomic write gives the code that encodes the file: where to put the bytes, in order. */
export interface FileSink {
  /**
   * Appends `bytes` (hashed at once, so the caller may prepare the next bytes
   * meanwhile); resolves once they are written, and the caller may reuse the
   * memory then. Call it again only after the previous write resolved.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** A buffer for chunks of `bytes`, which `write` can hand to another thread without copying when it hashes there. */
  allocate(bytes: number): Buffer;
}

/** How `writeAtomically` writes. */
export interface WriteOptions {
  /** Hash and write the bytes in a worker thread (see `HashingWriter`), for large outputs when the work may use two threads. */
  readonly inWorker?: boolean;
}

/** Size of the reads when loading or hashing a file. */
export const READ_CHUNK_BYTES = 64 * 1024;

/** An asset key must be a plain file name: no folders, no `..`, not hidden (hidden names are our temp files). */
const SAFE_FILE_STEM = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * The longest name of a partition's file or folder, in bytes: 255 (the limit
 * of ext4, APFS, NTFS) less room for the temp file's suffix (`.<pid>.<random>.tmp`)
 * and its leading dot. Longer names are shortened with a hash (`shortenName`).
 */
const MAX_PARTITION_NAME_BYTES = 200;

/**
 * What the CSV, Parquet and Arrow IO managers share: one file per asset,
 * `<baseDir>/<key>.<extension>`, or per partition of a partitioned asset,
 * `<baseDir>/<key>/<partition>.<extension>` (a multi-partition key one folder
 * per dimension but the last: `<key>/date=2026-01-05/region=eu.csv`; see
 * `pathOf`). Each file is written atomically (a temp file in the same
 * folder, fsynced, renamed over the target, so a failed store leaves the
 * previous file) and hashed while it is written; the data version is the
 * sha256 of the file's bytes, so a hand-edited file is noticed, and it is
 * answered from the recorded size and modification time when they prove the
 * file unchanged. Subclasses encode and decode the format only.
 */
export abstract class FileIOManager {
  abstract readonly kind: string;
  /** `host`, or `cluster` when configured `shared: true`. */
  readonly visibility: IOManagerVisibility;
  /** Absolute folder that holds the files. */
  readonly baseDir: string;
  readonly #extension: string;
  /** A file of the format as messages name it, with its article: `a CSV file`. */
  readonly #fileNoun: string;

  protected constructor(extension: string, fileNoun: string, options: FileIOManagerOptions) {
    this.#extension = extension;
    this.#fileNoun = fileNoun;
    // An empty STRATA_OUTPUT_DIR counts as unset rather than meaning the cwd.
    this.baseDir = resolve(projectRoot(), options.baseDir ?? (process.env.STRATA_OUTPUT_DIR || 'output'));
    this.visibility = (options.shared ?? process.env.STRATA_OUTPUT_SHARED === 'true') ? 'cluster' : 'host';
  }

  get location(): string {
    return this.baseDir;
  }

  /**
   * The file that holds an asset's table, or its partition's:
   * `<baseDir>/<key>.<extension>` for an unpartitioned asset, and under the
   * folder `<baseDir>/<key>/` one file per partition, named by its key, each
   * dimension's key and name percent-encoded (`encodePartitionText`) so that
   * no key leaves the folder or lands on another's file. The asset's own file
   * and its folder have different names, so an asset that becomes
   * partitioned (or stops) never meets its old table.
   *
   * @example
   * csv.pathOf({ key: 'orders_daily', columns, partition: { key: '2026-01-05', parts: [{ dimension: undefined, key: '2026-01-05' }] } });
   * // <baseDir>/orders_daily/2026-01-05.csv; `2026-01-05|eu` of dimensions date and region: orders_daily/date=2026-01-05/region=eu.csv
   */
  pathOf(asset: Pick<StoredAsset, 'key' | 'partition'>): string {
    if (!SAFE_FILE_STEM.test(asset.key)) {
      throw new IOManagerError(`Asset key "${asset.key}" cannot be used as ${this.#fileNoun} name.`, { hint: 'Use keys made of letters, digits and underscores.' });
    }
    if (asset.partition === undefined) return join(this.baseDir, `${asset.key}.${this.#extension}`);
    if (asset.key.includes('.')) {
      // The folder `a.csv/` of a partitioned `a.csv` would be the file of an unpartitioned asset `a`.
      throw new IOManagerError(`Asset key "${asset.key}" cannot name the folder of a partitioned asset's files: it has a dot.`, {
        hint: 'Use keys made of letters, digits and underscores.',
      });
    }
    const suffix = `.${this.#extension}`;
    const names = partitionSegments(asset.partition).map((segment) => shortenName(segment, MAX_PARTITION_NAME_BYTES - suffix.length));
    return `${join(this.baseDir, asset.key, ...names)}${suffix}`;
  }

  /**
   * Writes an asset's file atomically with what `encode` hands the sink,
   * hashing the bytes on their way: the data version is their sha256, and the
   * metadata records `table`'s rows and columns next to the file's path, size
   * and time (which let `dataVersion` skip the hash).
   */
  protected async writeAtomically(asset: StoredAsset, table: Table<Row>, encode: (sink: FileSink) => Promise<void>, options: WriteOptions = {}): Promise<StoreResult> {
    const path = this.pathOf(asset);
    const folder = dirname(path);
    try {
      await mkdir(folder, { recursive: true });
    } catch (error) {
      throw writeError(folder, this.baseDir, error);
    }
    // Same folder as the target, so the rename stays on one file system and is atomic.
    // Hidden, so it is never a table: encoded partition names never start with a dot.
    const temp = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let handle: FileHandle | undefined;
    let hashing: HashingFile | undefined;
    try {
      handle = await open(temp, 'wx');
      const writer = (hashing = options.inWorker === true ? new HashingWriter(handle.fd) : hashOnThisThread(handle));
      const flush = new FlushBehind(handle);
      let bytes = 0;
      await encode({
        write: (chunk) => {
          bytes += chunk.length;
          flush.wrote(chunk.length);
          return writer.write(chunk);
        },
        allocate: (size) => writer.allocate(size),
      });
      const dataVersion = await writer.digest();
      await writer.close();
      hashing = undefined;
      await flush.settle();
      // fsync before the rename: otherwise a crash could leave the new name pointing at unwritten data.
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, path);
      // After the rename, which sets the change time on most file systems.
      const { mtimeMs, ctimeMs } = await stat(path);
      return {
        dataVersion,
        metadata: { rows: table.numRows, columns: asset.columns.map((column) => column.name), bytes, path, modifiedAtMs: mtimeMs, changedAtMs: ctimeMs },
      };
    } catch (error) {
      // Cleanup failures are dropped on purpose: the error that stopped the write is the one to report.
      await hashing?.close().catch(() => undefined);
      await handle?.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      throw error instanceof StrataError ? error : writeError(path, this.baseDir, error);
    }
  }

  /** Opens an asset's file for reading, with the errors a user can act on; `hint` says how to repair a file that cannot be read. */
  protected async openForRead(asset: StoredAsset, hint = rematerializeHint(asset)): Promise<{ handle: FileHandle; path: string; size: number }> {
    const path = this.pathOf(asset);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        throw new IOManagerError(`Cannot load ${describeStored(asset)}: ${path} does not exist.`, {
          hint: `Materialize it with \`${materializeCommand(asset)}\`.`,
          cause: error,
        });
      }
      throw new IOManagerError(`Cannot load ${describeStored(asset)}: cannot open ${path}: ${reasonOf(error)}.`, { hint, cause: error });
    }
    try {
      return { handle, path, size: (await handle.stat()).size };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw new IOManagerError(`Cannot read ${path}: ${reasonOf(error)}.`, { hint, cause: error });
    }
  }

  async dataVersion(asset: StoredAsset, recorded?: RecordedOutput): Promise<string | undefined> {
    const path = this.pathOf(asset);
    if (recorded !== undefined) {
      // Hashing a large file on every plan is the slow part of `status` and of a
      // no-op run: the file at the recorded path, with the recorded size, modification
      // and change times (nanosecond-precise on common file systems), is the one we wrote.
      const current = await stat(path).catch((error: unknown) => {
        if (errorCode(error) === 'ENOENT') return undefined;
        throw new IOManagerError(`Cannot stat ${path}: ${reasonOf(error)}.`, { hint: `Check that ${path} is a readable file.`, cause: error });
      });
      if (current === undefined) return undefined;
      const { metadata } = recorded;
      // The change time because only the kernel sets it: `cp -p`, `rsync -t` or
      // `touch -r` can put other bytes of the same size in place under the old
      // modification time. Records from before it was kept go by the rest.
      const unchanged =
        metadata.path === path &&
        metadata.bytes === current.size &&
        metadata.modifiedAtMs === current.mtimeMs &&
        (metadata.changedAtMs === undefined || metadata.changedAtMs === current.ctimeMs);
      if (unchanged) return recorded.dataVersion;
    }
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) hash.update(chunk as Buffer);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new IOManagerError(`Cannot hash ${path}: ${reasonOf(error)}.`, { hint: `Check that ${path} is a readable file.`, cause: error });
    }
    return hash.digest('hex');
  }

  /**
   * Removes the asset's (or its partition's) file. The folders of a
   * partitioned asset stay, even empty: removing one could pull it from under
   * a store of another partition that has just made it.
   */
  async delete(asset: StoredAsset): Promise<boolean> {
    const path = this.pathOf(asset);
    try {
      await unlink(path);
      return true;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw new IOManagerError(`Cannot delete ${path}: ${reasonOf(error)}.`, { hint: `Check that ${dirname(path)} is writable.`, cause: error });
    }
  }
}

/** The hint for a stored file that cannot be read as it should; `remedy` is the other way out (a text file can be fixed by hand). */
export function rematerializeHint(asset: Pick<StoredAsset, 'key' | 'partition'>, remedy = 'replace the file'): string {
  return `Re-materialize the asset with \`${materializeCommand(asset)} --force\`, or ${remedy}.`;
}

/** Reads `length` bytes at `position` into a fresh ArrayBuffer, failing on a short file. */
export async function readRange(handle: FileHandle, position: number, length: number): Promise<ArrayBuffer> {
  const buffer = new Uint8Array(length);
  let offset = 0;
  while (offset < length) {
    const { bytesRead } = await handle.read(buffer, offset, length - offset, position + offset);
    if (bytesRead === 0) throw new RangeError(`the file ended at byte ${position + offset}, ${length - offset} bytes short`);
    offset += bytesRead;
  }
  return buffer.buffer;
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

export function reasonOf(error: unknown): string {
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
