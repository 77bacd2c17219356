import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';

/**
 * Watches a set of files for changes, and hands them out in quiet batches:
 * `next()` resolves once something changed and then nothing more for
 * `quietMs` (an editor's save, a snapshot copied file by file, are one
 * batch). It watches the files' folders, not the files: an editor that saves
 * by writing a new file and renaming it over the old one replaces the inode
 * a file watch would follow. Changes that arrive while nobody waits (during a
 * run) are kept for the next `next()`.
 */
export class FileWatcher {
  readonly #quietMs: number;
  /** Folder -> the watched names in it. */
  #names = new Map<string, Set<string>>();
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #pending = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(quietMs: number) {
    this.#quietMs = quietMs;
  }

  /** The watched files, absolute. */
  get files(): string[] {
    return [...this.#names].flatMap(([folder, names]) => [...names].map((name) => path.join(folder, name)));
  }

  /** Watches exactly `files` (absolute paths) from now on. */
  watch(files: Iterable<string>): void {
    const names = new Map<string, Set<string>>();
    for (const file of files) {
      const folder = path.dirname(file);
      let inFolder = names.get(folder);
      if (inFolder === undefined) names.set(folder, (inFolder = new Set()));
      inFolder.add(path.basename(file));
    }
    for (const [folder, watcher] of this.#watchers) {
      if (names.has(folder)) continue;
      watcher.close();
      this.#watchers.delete(folder);
    }
    this.#names = names;
    for (const folder of names.keys()) {
      if (this.#watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, (_event, name) => this.#changed(folder, name));
        // A folder removed while watched ends its watch; the next cycle's set watches what exists then.
        watcher.on('error', () => watcher.close());
        this.#watchers.set(folder, watcher);
      } catch {
        // The folder is gone already (a source moved away): nothing in it can change.
      }
    }
  }

  /** The changed files (absolute, sorted) once changes went quiet; undefined when `signal` aborts first. */
  next(signal: AbortSignal): Promise<string[] | undefined> {
    return new Promise((resolve) => {
      // The folder watches alone do not keep the process waiting: there may be none (every folder gone).
      const keepAlive = setInterval(() => undefined, 2 ** 31 - 1);
      const finish = (files: string[] | undefined) => {
        clearInterval(keepAlive);
        signal.removeEventListener('abort', onAbort);
        this.#wake = undefined;
        resolve(files);
      };
      const onAbort = () => finish(undefined);
      if (signal.aborted) return finish(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#wake = () => {
        const files = [...this.#pending].sort();
        this.#pending.clear();
        finish(files);
      };
      if (this.#pending.size > 0) this.#restartTimer();
    });
  }

  close(): void {
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  #changed(folder: string, name: string | Buffer | null): void {
    const names = this.#names.get(folder);
    if (names === undefined) return;
    // Some platforms do not say which file changed: then any watched one of the folder may have.
    const changed = name === null ? [...names] : names.has(name.toString()) ? [name.toString()] : [];
    if (changed.length === 0) return;
    for (const file of changed) this.#pending.add(path.join(folder, file));
    if (this.#wake !== undefined) this.#restartTimer();
  }

  #restartTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#wake?.(), this.#quietMs);
  }
}
