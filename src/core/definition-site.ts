import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How many calling frames are kept: the module that declares the asset and,
 * when a factory in another module builds it, the module that calls the
 * factory. Each frame costs capture time on every `asset()` call.
 */
const FRAMES = 4;

const ASYNC_FRAME = /^\s*at async /;

/** A stack frame's location: `(file:///a/b.ts:3:14)` or a bare `file:///a/b.ts:3:14`. */
const FRAME_LOCATION = /^\s*at (?:.*\()?(.+?):\d+:\d+\)?$/;

/**
 * Where `asset()` was called: the project files on the calling stack, which
 * automatic code versions start from. The stack is captured when the asset is
 * declared (V8 records the frames, a few microseconds) and formatted only when
 * a code version is asked for, since formatting costs far more and most
 * commands on a large project never need it.
 */
export class DefinitionSite {
  readonly #trace: { stack?: string } = {};
  #files: readonly string[] | undefined;

  /** `callee`: the function whose caller is wanted (its own frame and those above it are left out). */
  constructor(callee: (...args: never[]) => unknown) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = FRAMES;
    Error.captureStackTrace(this.#trace, callee);
    Error.stackTraceLimit = limit;
  }

  /**
   * The absolute paths of the calling modules, nearest first, without Node's
   * internals and installed packages (`node_modules`); empty when the asset
   * was declared from code that has no file (an `eval`, a REPL).
   */
  get files(): readonly string[] {
    this.#files ??= Object.freeze(parseFrameFiles(this.#trace.stack ?? ''));
    return this.#files;
  }
}

function parseFrameFiles(stack: string): string[] {
  const files: string[] = [];
  for (const line of stack.split('\n')) {
    // Async frames are whoever awaited the module's evaluation (the loader, the CLI), not code that declares assets.
    if (ASYNC_FRAME.test(line)) continue;
    const location = FRAME_LOCATION.exec(line)?.[1];
    if (location === undefined) continue;
    let file: string;
    if (location.startsWith('file:')) file = fileURLToPath(location);
    else if (path.isAbsolute(location)) file = location;
    else continue; // node:internal frames, <anonymous>, evalmachine
    if (file.split(path.sep).includes('node_modules') || files.includes(file)) continue;
    files.push(file);
  }
  return files;
}
