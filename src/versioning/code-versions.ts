import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { codeVersionOf, type CodeManifest } from '../core/code-manifest.js';
import type { Definitions } from '../core/definitions.js';
import { CodeCache, type ModuleEntry } from './code-cache.js';
import { readModuleGraph } from './module-graph.js';

/** An asset's effective code version and what it was computed from. */
export interface CodeVersion {
  readonly version: string;
  readonly manifest: CodeManifest;
}

export interface CodeVersionOptions {
  /** Manifest paths are relative to it, so moving the project changes no version. */
  readonly projectRoot: string;
  /** Where hashes and the module graph are kept between commands; none: computed afresh. */
  readonly cacheFile?: string | undefined;
  /**
   * When the definitions began to load (ms since the epoch). A file whose
   * change time, when it is hashed, lies between then and the clock (a copy
   * that keeps an old modification time counts, a modification time set in
   * the future does not; see `EditWindow`), or that changes after it was
   * hashed, may not be what the process loaded: its entry in the manifest is
   * a mark no other process computes, so whatever ran with these versions is
   * `code-changed` to every later command that reads the file as it is.
   */
  readonly loadStartedMs?: number | undefined;
  /** Reads the clock, in ms since the epoch; `Date.now` unless a test turns it back, as a clock stepped back does. */
  readonly now?: (() => number) | undefined;
}

/**
 * How far a file's change time can stray from the clock that `Date.now`
 * reads: kernels stamp files from a clock that advances once per tick (4 to
 * 10 ms on Linux), so an edit just after the load began can carry a time just
 * before; and a change time keeps the fraction of a millisecond that
 * `Date.now` drops.
 */
const CLOCK_GRANULARITY_MS = 20;

/**
 * The change times that say a file may differ from what the process loaded:
 * from just before the load began to the clock as the file is hashed. A
 * change time ahead of the clock comes from a clock stepped back since the
 * file was written (NTP, a restored virtual machine) or a network file system
 * whose server runs ahead: counting it would make every command find the
 * file's assets `code-changed`, and run them, until the clock caught up.
 * Hazard: on such a file system a save made while the definitions load is
 * stamped ahead too, so it is hashed as saved rather than marked, and the
 * asset recorded as run on code it did not run; a save after the hashing is
 * still caught (`editedFiles`).
 */
interface EditWindow {
  readonly since: number;
  readonly now: () => number;
}

function editedWithin(window: EditWindow, changedAt: number): boolean {
  return changedAt >= window.since && changedAt <= window.now() + CLOCK_GRANULARITY_MS;
}

const computed = new WeakMap<Definitions, Promise<ReadonlyMap<string, CodeVersion>>>();

/** How each version computed from files can be checked again after the load (see `versionAsRun`). */
const loadedFrom = new WeakMap<CodeVersion, LoadedFiles>();

/**
 * The files a version was computed from, as they were when hashed: each
 * file's absolute path and change time by its manifest entry, and the entry a
 * file gets once it changed.
 */
interface LoadedFiles {
  readonly files: ReadonlyMap<string, { readonly file: string; readonly changedAt: number }>;
  readonly editedWhileLoading: string;
}

/**
 * `computeCodeVersions` once per loaded definitions: the first call computes
 * them (the CLI calls it as soon as it has imported the definitions), later
 * calls get the same versions whatever their options. So a long-running
 * process (the daemon) records the version of the code it loaded, never that
 * of files edited on disk since.
 */
export function codeVersionsOf(definitions: Definitions, options: CodeVersionOptions): Promise<ReadonlyMap<string, CodeVersion>> {
  let versions = computed.get(definitions);
  if (versions === undefined) {
    versions = computeCodeVersions(definitions, options);
    computed.set(definitions, versions);
    // Whoever awaits it sees a failure; this only keeps an unawaited one from crashing the process.
    versions.catch(() => undefined);
  }
  return versions;
}

/**
 * The code version of every asset: its explicit `codeVersion`, else one
 * computed from the modules that declare it (see `DefinitionSite`), every
 * project file they import, transitively, and the installed version of every
 * package those files import. A change to a helper thus changes exactly the
 * versions of the assets whose modules reach it.
 */
async function computeCodeVersions(definitions: Definitions, options: CodeVersionOptions): Promise<ReadonlyMap<string, CodeVersion>> {
  const cache = CodeCache.open(options.cacheFile);
  // The assets of one module share one list of files (see `DefinitionSite.files`): each list is read once here.
  const lists = new Set<readonly string[]>();
  for (let index = 0; index < definitions.assets.length; index++) {
    const files = definitions.assets[index]!.definedIn?.files;
    if (files !== undefined) lists.add(files);
  }
  const entries = [...new Set([...lists].flat())].sort();
  let modules = entries.length === 0 ? {} : cache.graphFor(entries);
  if (modules === undefined) {
    modules = await readModuleGraph(entries);
    cache.setGraph(entries, modules);
  }
  const window = options.loadStartedMs === undefined ? undefined : { since: options.loadStartedMs - CLOCK_GRANULARITY_MS, now: options.now ?? Date.now };
  const manifests = new ManifestBuilder(modules, cache, options.projectRoot, window);
  const versions = new Map<string, CodeVersion>();
  for (let index = 0; index < definitions.assets.length; index++) {
    const asset = definitions.assets[index]!;
    const files = asset.definedIn?.files ?? [];
    versions.set(asset.key, asset.codeVersionIsExplicit || files.length === 0 ? declaredVersion(asset) : manifests.of(files));
  }
  await cache.save();
  return versions;
}

/**
 * `version` as a materialization that ran just now records it: the same,
 * unless one of its files changed (or went) since it was hashed
 * (`editedFiles`). Code can load after the versions were taken: a worker thread imports
 * the definitions when its first step starts, and a compute may `import()` a
 * module as it runs. The output may then come from the changed file, or not,
 * so that file's entry reads `modified while loading`, as at load time, and
 * the next command finds the asset `code-changed`. `changedAt` reads a
 * file's change time (a plan passes one that stats each file once).
 */
export function versionAsRun(version: CodeVersion, changedAt: (file: string) => number = changeTimeOf): CodeVersion {
  const loaded = loadedFrom.get(version);
  const recorded = version.manifest;
  if (loaded === undefined || !('files' in recorded)) return version;
  let files: Record<string, string> | undefined;
  for (const relative of editedFiles(loaded, changedAt)) {
    if (recorded.files[relative] !== loaded.editedWhileLoading) (files ??= { ...recorded.files })[relative] = loaded.editedWhileLoading;
  }
  if (files === undefined) return version;
  const manifest: CodeManifest = { files, packages: recorded.packages };
  const asRun = { version: codeVersionOf(manifest), manifest };
  // Checked again when a run records it: another file may change meanwhile.
  loadedFrom.set(asRun, loaded);
  return asRun;
}

/**
 * The project files the code of `definitions` was loaded from that changed
 * (or went) on disk since they were hashed as the definitions loaded (see
 * `codeVersionsOf`, which `options` reach only if nothing has computed the
 * versions yet), relative to the project root, sorted. A long-running
 * process (the daemon, `assets ui`) runs the code it loaded, not these, until
 * it restarts: it says so.
 */
export async function editedSinceLoad(definitions: Definitions, options: CodeVersionOptions, changedAt: ChangeTimes = readChangeTimesOnce()): Promise<string[]> {
  const versions = await codeVersionsOf(definitions, options);
  const edited = new Set<string>();
  const seen = new Set<CodeVersion>();
  for (const version of versions.values()) {
    const loaded = loadedFrom.get(version);
    if (loaded === undefined || seen.has(version)) continue;
    seen.add(version);
    for (const relative of editedFiles(loaded, changedAt)) edited.add(relative);
  }
  return [...edited].sort();
}

/**
 * The manifest entries of `loaded` whose files changed (or went) since they
 * were hashed: their change time moved. Compared with the time seen then, not
 * with the clock, so a change time ahead of the clock (see `EditWindow`) is no
 * edit, whenever the clock catches up with it.
 */
function* editedFiles(loaded: LoadedFiles, changedAt: (file: string) => number): Generator<string> {
  for (const [relative, seen] of loaded.files) if (changedAt(seen.file) !== seen.changedAt) yield relative;
}

/** When `file` last changed; a file that is gone changed after anything. */
function changeTimeOf(file: string): number {
  return statSync(file, { throwIfNoEntry: false })?.ctimeMs ?? Number.POSITIVE_INFINITY;
}

/** When each file the code was loaded from last changed (see `changeTimeOf`), as one look at the files answers it. */
export type ChangeTimes = (file: string) => number;

/**
 * A look at the files that stats each one once, whatever it is asked after:
 * one request that judges the code more than once (the states of the
 * partitions, then of the rest, then the files edited since the load) passes
 * one to each, so no file is statted twice and every answer speaks of the
 * files as they were at that one look.
 */
export function readChangeTimesOnce(): ChangeTimes {
  return memoized(changeTimeOf);
}

/**
 * `versions` as the code on disk now stands, each through `versionAsRun`:
 * what a plan compares the records with. A long-running process (the
 * daemon, `assets ui`) thus records a file edited since it loaded once as
 * `modified while loading`, then finds that record matching, rather than
 * running the asset again on every plan. The map itself when nothing changed.
 */
export function versionsAsRun(versions: ReadonlyMap<string, CodeVersion>, changedAt: ChangeTimes = readChangeTimesOnce()): ReadonlyMap<string, CodeVersion> {
  // The assets of one module share one version object, and modules share helpers: each is checked once.
  const checked = new Map<CodeVersion, CodeVersion>();
  let current: Map<string, CodeVersion> | undefined;
  for (const [key, version] of versions) {
    let now = checked.get(version);
    if (now === undefined) checked.set(version, (now = versionAsRun(version, changedAt)));
    if (now !== version) (current ??= new Map(versions)).set(key, now);
  }
  return current ?? versions;
}

/** `read` remembering its answer for each file: modules share helpers, and each is statted once per call of ours. */
function memoized(read: (file: string) => number): (file: string) => number {
  const answers = new Map<string, number>();
  return (file) => {
    let answer = answers.get(file);
    if (answer === undefined) answers.set(file, (answer = read(file)));
    return answer;
  };
}

/**
 * The versions the assets declare, without reading any module: the explicit
 * `codeVersion`, else the hash of the compute function's source. For runs
 * whose records no later plan compares against (`materializeInMemory`'s
 * throwaway instance), where reading the modules would be wasted.
 */
export function declaredCodeVersions(definitions: Definitions): ReadonlyMap<string, CodeVersion> {
  return new Map(definitions.assets.map((asset) => [asset.key, declaredVersion(asset)]));
}

function declaredVersion(asset: Definitions['assets'][number]): CodeVersion {
  const manifest: CodeManifest = asset.codeVersionIsExplicit ? { explicit: asset.codeVersion } : { compute: asset.codeVersion };
  return { version: codeVersionOf(manifest), manifest };
}

/**
 * Builds manifests from the module graph and hashes them, once per distinct
 * set of entry modules: the assets of one module share its version, and a
 * manifest can list hundreds of files.
 */
class ManifestBuilder {
  readonly #modules: Readonly<Record<string, ModuleEntry>>;
  readonly #cache: CodeCache;
  readonly #root: string;
  /** By the list itself: `DefinitionSite.files` gives every asset with the same files the same array. */
  readonly #byEntries = new Map<readonly string[], CodeVersion>();
  readonly #versions = new Map<string, string>();
  readonly #relatives = new Map<string, string>();
  /** When a file's change time says it may differ from what was loaded; none: files are trusted as hashed. */
  readonly #window: EditWindow | undefined;
  /** What such a file's entry reads: unique to this process, so no later command's manifest has it. */
  readonly #editedWhileLoading = `modified while loading (${randomBytes(6).toString('hex')})`;

  constructor(modules: Readonly<Record<string, ModuleEntry>>, cache: CodeCache, root: string, window: EditWindow | undefined) {
    this.#modules = modules;
    this.#cache = cache;
    this.#root = root;
    this.#window = window;
  }

  of(entries: readonly string[]): CodeVersion {
    let version = this.#byEntries.get(entries);
    if (version === undefined) {
      const read = new Map<string, { readonly file: string; readonly changedAt: number }>();
      const manifest = this.#build(entries, read);
      version = { version: codeVersionOf(manifest), manifest };
      this.#byEntries.set(entries, version);
      if (this.#window !== undefined) loadedFrom.set(version, { files: read, editedWhileLoading: this.#editedWhileLoading });
    }
    return version;
  }

  /** The manifest of the modules `entries` reach; `read` gets each file, absolute, and its change time as hashed, by its entry. */
  #build(entries: readonly string[], read: Map<string, { readonly file: string; readonly changedAt: number }>): CodeManifest {
    const files: Record<string, string> = {};
    const packages: Record<string, string> = {};
    const seen = new Set<string>();
    const pending = [...entries];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const hash = this.#cache.hashOf(file);
      const relative = this.#relative(file);
      const changedAt = this.#cache.changedAt(file);
      files[relative] = this.#window !== undefined && editedWithin(this.#window, changedAt) ? this.#editedWhileLoading : hash;
      read.set(relative, { file, changedAt });
      const module = this.#modules[file];
      if (module === undefined) continue;
      pending.push(...module.imports);
      for (const [name, manifest] of Object.entries(module.packages)) packages[name] = this.#version(manifest);
    }
    return { files: sortedRecord(files), packages: sortedRecord(packages) };
  }

  #relative(file: string): string {
    let relative = this.#relatives.get(file);
    if (relative === undefined) {
      relative = path.relative(this.#root, file).split(path.sep).join('/');
      this.#relatives.set(file, relative);
    }
    return relative;
  }

  /** The `version` field of a package.json; its stat goes through the cache so a reinstall invalidates the graph. */
  #version(manifest: string): string {
    let version = this.#versions.get(manifest);
    if (version === undefined) {
      this.#cache.hashOf(manifest);
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
      version = typeof parsed.version === 'string' ? parsed.version : 'unversioned';
      this.#versions.set(manifest, version);
    }
    return version;
  }
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]!]));
}
