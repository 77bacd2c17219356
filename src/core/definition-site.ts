import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How many calling frames are kept: the module that declares the asset and,
 * when a factory in another module builds it, the module that calls the
 * factory. Each frame costs capture time on every `asset()` call.
 */
const FRAMES = 4;

/**
 * Where `asset()` was called: the project files on the calling stack, which
 * automatic code versions start from. The stack is captured when the asset is
 * declared (V8 records the frames, a few microseconds) and read only when a
 * code version is asked for, and then as V8's structured call sites, of which
 * only the file names are read: formatting the stack as text also works out
 * each frame's line and column, which in a large generated module costs time
 * in proportion to the module's size, so 10k assets took seconds and 100k
 * minutes.
 */
export class DefinitionSite {
  /** Dropped once the files are read: the call sites it then holds would stay alive with every asset. */
  #trace: { stack?: unknown } | undefined = {};
  #files: readonly string[] | undefined;

  /** `callee`: the function whose caller is wanted (its own frame and those above it are left out). */
  constructor(callee: (...args: never[]) => unknown) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = FRAMES;
    Error.captureStackTrace(this.#trace!, callee);
    Error.stackTraceLimit = limit;
  }

  /**
   * The absolute paths of the calling modules, nearest first, without Node's
   * internals and installed packages (`node_modules`); empty when the asset
   * was declared from code that has no file (an `eval`, a REPL).
   */
  get files(): readonly string[] {
    if (this.#files === undefined) {
      this.#files = sharedFiles(projectFiles(callSitesOf(this.#trace!)));
      this.#trace = undefined;
    }
    return this.#files;
  }
}

/** Every distinct list of files read so far, by its paths joined with NUL (which no path contains). */
const sharedLists = new Map<string, readonly string[]>();

/**
 * One frozen array per distinct list: the thousands of assets of one module
 * share theirs, so code versions are worked out once per list, keyed by the
 * array itself, rather than once per asset.
 */
function sharedFiles(files: string[]): readonly string[] {
  const id = files.join('\0');
  let shared = sharedLists.get(id);
  if (shared === undefined) sharedLists.set(id, (shared = Object.freeze(files)));
  return shared;
}

/**
 * The call sites of a captured stack. V8 hands them to `Error.prepareStackTrace`
 * when `stack` is first read; replacing it for that one read (synchronously,
 * so nothing else formats a stack meanwhile) makes `stack` the call sites.
 */
function callSitesOf(trace: { stack?: unknown }): readonly NodeJS.CallSite[] {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (_error, sites) => sites;
  try {
    const sites = trace.stack;
    return Array.isArray(sites) ? (sites as NodeJS.CallSite[]) : [];
  } finally {
    Error.prepareStackTrace = previous;
  }
}

function projectFiles(sites: readonly NodeJS.CallSite[]): string[] {
  const files: string[] = [];
  for (const site of sites) {
    // Async frames are whoever awaited the module's evaluation (the loader, the CLI), not code that declares assets.
    if (site.isAsync()) continue;
    const file = projectFileAt(site.getFileName());
    if (file !== undefined && !files.includes(file)) files.push(file);
  }
  return files;
}

/** Every asset of a module names the same few locations: each is turned into a path once. */
const projectFileByLocation = new Map<string, string | undefined>();

/** The absolute path of a frame's file, or undefined for one that is no project file. */
function projectFileAt(location: string | null | undefined): string | undefined {
  if (location === undefined || location === null) return undefined;
  if (projectFileByLocation.has(location)) return projectFileByLocation.get(location);
  let file: string | undefined;
  if (location.startsWith('file:')) file = fileURLToPath(location);
  else if (path.isAbsolute(location)) file = location;
  // else: node:internal frames, <anonymous>, evalmachine
  if (file?.split(path.sep).includes('node_modules')) file = undefined;
  projectFileByLocation.set(location, file);
  return file;
}
