import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AssetLogger } from '../core/asset.js';
import type { JobDefinition } from '../core/job.js';
import type { AutomationStatus } from '../core/schedule.js';
import { sensor, type SensorDefinition } from '../core/sensor.js';
import { compileGlob, type GlobMatcher } from './glob.js';

/** What `fileSensor()` takes. */
export interface FileSensorSpec {
  readonly name: string;
  /**
   * The folder to watch: a path (relative ones are read from the daemon's
   * working folder), or a function of the environment that returns one, or
   * undefined when there is nothing to watch (the tick is skipped).
   */
  readonly dir: string | ((context: { readonly env: Readonly<Record<string, string | undefined>>; readonly cwd: string }) => string | undefined);
  /** Relative to `dir`, e.g. `*.json`, or one segment per folder level for snapshot folders; see `compileGlob`. */
  readonly glob: string;
  /** The job to run when matching files appear or change. */
  readonly job: JobDefinition | string;
  /** Default 30. */
  readonly intervalSeconds?: number;
  /** Default `running`. */
  readonly defaultStatus?: AutomationStatus;
  readonly description?: string;
}

/** The cursor: each matching file's modification time and size when last seen. */
const cursorSchema = z.object({ files: z.record(z.string(), z.string()) });

/**
 * A sensor that runs a job when files matching a glob appear in a folder or
 * change (a new snapshot dropped in, say). A file counts as changed when its
 * modification time or size differs from the last tick; deleted files are
 * forgotten without a run. On the first evaluation every matching file is
 * new. All changes seen in one tick make one run, keyed by a hash of them.
 *
 * Throws `STRATA_INVALID_GLOB` at once for a glob that cannot be compiled.
 *
 * @example
 * const onSnapshot = fileSensor({ name: 'new-snapshot', dir: 'inbox', glob: '*.json', job: 'refresh' });
 */
export function fileSensor(spec: FileSensorSpec): SensorDefinition {
  const matcher = compileGlob(spec.glob);
  const jobName = typeof spec.job === 'string' ? spec.job : spec.job.name;
  return sensor({
    name: spec.name,
    intervalSeconds: spec.intervalSeconds ?? 30,
    job: spec.job,
    defaultStatus: spec.defaultStatus,
    description: spec.description ?? `Runs job ${jobName} when files matching ${spec.glob} appear or change.`,
    evaluate: async ({ cursor, env, cwd, log }) => {
      const folder = typeof spec.dir === 'function' ? spec.dir({ env, cwd }) : spec.dir;
      if (folder === undefined) return { skip: 'there is no folder to watch' };
      const root = path.resolve(cwd, folder);
      const files = await listMatchingFiles(root, matcher);
      if (files === undefined) return { skip: `folder ${root} does not exist` };
      const seen = readCursor(cursor, log);
      const changed = [...files].filter(([file, signature]) => seen.get(file) !== signature);
      const next = JSON.stringify({ files: Object.fromEntries(files) });
      if (changed.length === 0) return { skip: `no new or changed file matches ${spec.glob} in ${root}`, cursor: next };
      log.info(`${changed.length} new or changed file${changed.length === 1 ? '' : 's'} in ${root}: ${changed.map(([file]) => file).join(', ')}`);
      const runKey = `files:${createHash('sha256').update(JSON.stringify(changed)).digest('hex').slice(0, 16)}`;
      return { runRequests: [{ runKey }], cursor: next };
    },
  });
}

/**
 * A cursor that is not ours (edited, or from an older Strata) is dropped with
 * a warning rather than failing every tick: the worst case is one extra run.
 */
function readCursor(cursor: string | undefined, log: AssetLogger): Map<string, string> {
  if (cursor === undefined) return new Map();
  const parsed = cursorSchema.safeParse(parseJson(cursor));
  if (parsed.success) return new Map(Object.entries(parsed.data.files));
  log.warn('The stored cursor is not a file list; every matching file counts as new this once.', { cursor: cursor.slice(0, 200) });
  return new Map();
}

/** The parsed JSON, or undefined for text that is not JSON (the schema then refuses it). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Every file under `root` the glob matches, as relative path -> "mtime:size",
 * sorted by path; undefined when `root` does not exist. Walks no deeper than
 * the glob can match, and not into dot-folders unless the glob names one.
 */
async function listMatchingFiles(root: string, matcher: GlobMatcher): Promise<Map<string, string> | undefined> {
  const found = new Map<string, string>();
  const intoDotFolders = matcher.pattern.split('/').some((segment) => segment.startsWith('.'));
  const walk = async (folder: string, relative: string, depth: number): Promise<boolean> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      // Gone (or never there): the root is reported; a subfolder removed mid-walk is just empty.
      if (isMissing(error)) return false;
      throw error;
    }
    for (const entry of entries) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (depth + 2 <= matcher.maxDepth && (intoDotFolders || !entry.name.startsWith('.'))) await walk(path.join(folder, entry.name), child, depth + 1);
      } else if (entry.isFile() && matcher.matches(child)) {
        try {
          const stats = await stat(path.join(folder, entry.name));
          found.set(child, `${stats.mtimeMs}:${stats.size}`);
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
    }
    return true;
  };
  if (!(await walk(root, '', 0))) return undefined;
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
