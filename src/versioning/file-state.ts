/**
 * A file's (or folder's) state as the code cache compares it: what a change
 * to its content would almost surely change. The change time too: tools that
 * copy a file's times with it (`cp -p`, `rsync -t`, `touch -r`) can put back
 * an old modification time on new content, but writing always moves the
 * change time; and a folder's times move when an entry is added or removed.
 */
export interface FileState {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

/** Whether `now` is the state `was` recorded. */
export function sameFileState(was: FileState, now: FileState): boolean {
  return was.size === now.size && was.mtimeMs === now.mtimeMs && was.ctimeMs === now.ctimeMs;
}
