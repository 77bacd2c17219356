import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { sameFileState } from './file-state.js';
import { linkTargetsOf, resolutionInputsOf, sameLinkTargets, sameResolutionInputs } from './resolution-inputs.js';

const fileEntrySchema = z.object({ size: z.number(), mtimeMs: z.number(), ctimeMs: z.number(), hash: z.string() });

const moduleEntrySchema = z.object({
  /** Project files this module imports (absolute paths). */
  imports: z.array(z.string()),
  /** Packages it imports, by name -> the package.json that serves each. */
  packages: z.record(z.string(), z.string()),
  /**
   * Files it imports by path that were not there (absolute paths): an
   * optional `import()` or a `require` in a `try`, which Node fails only when
   * it runs. Creating one makes it code this module runs.
   */
  absent: z.array(z.string()),
  /**
   * Symbolic links that its imports pass through (absolute paths): those on
   * an import's path as written, and the link in node_modules that brings in
   * a package linked from source. Pointing one elsewhere makes an unchanged
   * import load other files.
   */
  links: z.array(z.string()),
});
export type ModuleEntry = z.infer<typeof moduleEntrySchema>;

const resolutionInputSchema = z.object({ size: z.number(), mtimeMs: z.number(), ctimeMs: z.number() }).nullable();

// 6: a link is kept with the real path it leads to, not its own target (a cache of an older format is read as none).
const FORMAT = 6;

const cacheSchema = z.object({
  format: z.literal(FORMAT),
  files: z.record(z.string(), fileEntrySchema),
  graph: z
    .object({
      /** The modules the graph was read from, sorted. */
      entries: z.array(z.string()),
      modules: z.record(z.string(), moduleEntrySchema),
      /** What decided where its imports resolved to, as it was then (see `ResolutionInputs`). */
      resolution: z.record(z.string(), resolutionInputSchema),
      /** Where each of its modules' symbolic links led then (see `LinkTargets`). */
      links: z.record(z.string(), z.string().nullable()),
    })
    .nullable(),
});
type CacheData = z.infer<typeof cacheSchema>;

/**
 * What code versions cost to compute, kept between commands in one JSON file
 * of the instance folder: the content hash of every project file by path,
 * valid while the file's size, modification and change times are unchanged,
 * and the module graph last read, valid while every file in it is unchanged. A no-op
 * `assets status` then stats the project's files instead of reading them.
 *
 * It is only a cache: a file that is missing, damaged or of another format is
 * ignored and rewritten, since everything in it can be computed again.
 */
export class CodeCache {
  readonly #file: string | undefined;
  readonly #data: CacheData;
  /** Files already checked by this process: a helper many modules import is stat'ed once per command. */
  readonly #checked = new Map<string, { readonly hash: string; readonly ctimeMs: number }>();
  #changed = false;

  private constructor(file: string | undefined, data: CacheData) {
    this.#file = file;
    this.#data = data;
  }

  /** Reads the cache at `file`; without one, a cache that lives for this process only. */
  static open(file: string | undefined): CodeCache {
    let data: CacheData = { format: FORMAT, files: {}, graph: null };
    if (file !== undefined) {
      try {
        const parsed = cacheSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
        if (parsed.success) data = parsed.data;
      } catch {
        // No cache yet, or an unreadable one: start empty (see the class comment).
      }
    }
    return new CodeCache(file, data);
  }

  /** The content hash of `file` (16 hex digits), from the cache while its `FileState` is unchanged. */
  hashOf(file: string): string {
    return this.#check(file).hash;
  }

  /**
   * When `file` last changed, as of the stat that gave its hash: its change
   * time, which only the kernel sets, to the moment of any write or rename,
   * unlike a modification time that `cp -p`, `rsync -a` or `touch -d` can set
   * to any moment, past or future.
   */
  changedAt(file: string): number {
    return this.#check(file).ctimeMs;
  }

  #check(file: string): { readonly hash: string; readonly ctimeMs: number } {
    let checked = this.#checked.get(file);
    if (checked !== undefined) return checked;
    const stat = statSync(file);
    const cached = this.#data.files[file];
    if (cached !== undefined && sameFileState(cached, stat)) {
      checked = { hash: cached.hash, ctimeMs: stat.ctimeMs };
    } else {
      checked = { hash: createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16), ctimeMs: stat.ctimeMs };
      this.#data.files[file] = { size: stat.size, mtimeMs: stat.mtimeMs, ...checked };
      this.#changed = true;
    }
    this.#checked.set(file, checked);
    return checked;
  }

  /**
   * The module graph last read from exactly these entries, if no file in it
   * changed, vanished or appeared since (a new import changes the importer),
   * and nothing that decides where its imports resolve to did either (nor
   * did a symbolic link they pass through point elsewhere).
   */
  graphFor(entries: readonly string[]): Readonly<Record<string, ModuleEntry>> | undefined {
    const graph = this.#data.graph;
    if (graph === null || graph.entries.length !== entries.length || graph.entries.some((entry, index) => entry !== entries[index])) return undefined;
    const files = [...Object.keys(graph.modules), ...Object.values(graph.modules).flatMap((module) => Object.values(module.packages))];
    for (const file of files) {
      const cached = this.#data.files[file];
      const stat = statSync(file, { throwIfNoEntry: false });
      if (cached === undefined || stat === undefined || !sameFileState(cached, stat)) return undefined;
    }
    return sameResolutionInputs(graph.resolution) && sameLinkTargets(graph.links) ? graph.modules : undefined;
  }

  /** Keeps a freshly read graph; `entries` sorted. Every file in it must have been hashed through `hashOf`. */
  setGraph(entries: readonly string[], modules: Record<string, ModuleEntry>): void {
    this.#data.graph = { entries: [...entries], modules, resolution: resolutionInputsOf(modules), links: linkTargetsOf(modules) };
    this.#changed = true;
  }

  /**
   * Writes the cache if anything changed: to a temp file renamed over the old
   * one, so a command reading it meanwhile sees one whole version. Hashes of
   * files no longer in the graph are dropped so the cache does not grow forever.
   */
  async save(): Promise<void> {
    if (!this.#changed || this.#file === undefined) return;
    const graph = this.#data.graph;
    if (graph !== null) {
      const live = new Set([...Object.keys(graph.modules), ...Object.values(graph.modules).flatMap((module) => Object.values(module.packages))]);
      for (const file of Object.keys(this.#data.files)) if (!live.has(file)) delete this.#data.files[file];
    }
    const temp = `${this.#file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(path.dirname(this.#file), { recursive: true });
      await writeFile(temp, JSON.stringify(this.#data));
      await rename(temp, this.#file);
      this.#changed = false;
    } catch {
      // A cache that cannot be written costs speed on the next command, not correctness.
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }
}
