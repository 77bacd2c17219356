import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `asset()` was called: the project files on the calling stack, which
 * automatic code versions start from. The stack is read at once, as V8's
 * structured call sites of which only the file names are read: formatting it
 * as text would also work out each frame's line and column, which in a large
 * generated module costs time in proportion to the module's size (10k assets
 * took seconds, 100k minutes). Reading the files at once, rather than keeping
 * the captured stack until a code version is asked for, costs less in all:
 * 100k kept stacks held tens of megabytes that the garbage collector copied.
 */
export class DefinitionSite {
  /**
   * The absolute paths of the calling modules, nearest first, without Node's
   * internals and installed packages (`node_modules`); empty when the asset
   * was declared from code that has no file (an `eval`, a REPL).
   */
  readonly files: readonly string[];

  private constructor(files: readonly string[]) {
    this.files = files;
  }

  /** Where `callee` was called from (its own frame and those above it are left out). */
  static of(callee: (...args: never[]) => unknown): DefinitionSite {
    const trace: { stack?: unknown } = {};
    const limit = Error.stackTraceLimit;
    // The whole stack: a factory may sit any number of frames deep (`specs.map(build)`, a helper
    // that calls another), and a stack cut short loses the module that calls it, whose edits (the
    // factory's arguments) must change the code version.
    Error.stackTraceLimit = Infinity;
    Error.captureStackTrace(trace, callee);
    Error.stackTraceLimit = limit;
    return new DefinitionSite(sharedFiles(projectFiles(callSitesOf(trace))));
  }

  /** This site's files, then those of `site` it lacks: for code that runs code declared at another site too. */
  joinedWith(site: DefinitionSite): DefinitionSite {
    return new DefinitionSite(sharedFiles([...new Set([...this.files, ...site.files])]));
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

/**
 * The project files of the frames that declare the asset: those above the
 * first frame of Node's module loader, which runs the module that declares
 * it. Below that frame is whoever imported the module (Strata's loader, the
 * CLI), not code that declares assets. Async frames count: an asset declared
 * after an `await` in a factory has its factory's callers only as async
 * frames.
 */
function projectFiles(sites: readonly NodeJS.CallSite[]): string[] {
  const files: string[] = [];
  for (const site of sites) {
    if (site.getFileName()?.startsWith(MODULE_LOADER) === true) break;
    const file = projectFileAt(site.getFileName());
    if (file !== undefined && !files.includes(file)) files.push(file);
  }
  return files;
}

/** Where Node's ES module and CommonJS loaders live, as frames name them. */
const MODULE_LOADER = 'node:internal/modules/';

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
