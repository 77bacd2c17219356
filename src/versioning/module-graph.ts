import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataError } from '../core/errors.js';
import type { ModuleEntry } from './code-cache.js';

/** A specifier that names a path rather than a package (or a builtin). */
const PATH_SPECIFIER = /^(?:[./]|[A-Za-z]:[\\/]|file:)/;

/**
 * Reads which project files and packages each module imports, transitively
 * from `entries`, with esbuild's parser and resolver: the same resolution
 * rules as the TypeScript and JavaScript Strata loads (`./x.js` finds
 * `x.ts`, tsconfig `paths`, JSON imports), and string-literal `import()`
 * and `require()` included, also through a `require` an ES module made
 * with `createRequire`, and a worker's script (`new URL('./w.mjs',
 * import.meta.url)`). A bare specifier that an installed package serves
 * is a package, not a file: its version stands for its code, unless the
 * package is source (`isSource`: the project's own package, imported by its
 * name, or a link to source). Node's builtins are left out.
 *
 * An import of a path esbuild finds no file for is kept in the module's
 * `absent` (only an optional one builds: an `import()` or a `require` in a
 * `try`, or an `import()` with a `.catch`). Imports built from expressions
 * (`import(name)`) cannot be followed; the README says so, and
 * `codeVersion` covers such assets.
 */
export async function readModuleGraph(entries: readonly string[]): Promise<Record<string, ModuleEntry>> {
  // Loaded on first use: most commands find the graph in the cache.
  const esbuild = await import('esbuild');
  const packagesOf = new Map<string, Record<string, string>>();
  const linkedSources = new Map<string, boolean>();
  const linksOn = linksOnPaths();
  const linksOf = new Map<string, Set<string>>();
  const addLinks = (file: string, target: string) => {
    let links = linksOf.get(file);
    if (links === undefined) linksOf.set(file, (links = new Set()));
    for (const link of linksOn(target)) links.add(link);
  };
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      entryPoints: [...entries],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      outdir: 'strata-module-graph',
      logLevel: 'silent',
      // Native addons and WebAssembly are files a module loads, not code to parse: hashed, not read.
      loader: { '.node': 'empty', '.wasm': 'empty' },
      plugins: [
        {
          name: 'strata-packages',
          setup(build) {
            build.onLoad({ filter: SCRIPT_FILE }, (args) => withUnfollowedImports(args.path));
            // esbuild's filters are Go regular expressions, which have no lookahead: paths are told apart here.
            build.onResolve({ filter: /.*/ }, (args) => {
              if (args.kind === 'entry-point') return undefined;
              // Node imports `file:` URLs; esbuild knows paths only.
              if (args.path.startsWith('file:')) return { path: fileURLToPath(args.path) };
              if (PATH_SPECIFIER.test(args.path)) return undefined;
              if (isBuiltin(args.path)) return { path: args.path, external: true };
              const manifest = packageManifest(args.path, args.resolveDir);
              // Not installed and not the project's own name: a tsconfig `paths` alias, which esbuild resolves to files.
              if (manifest === undefined) return undefined;
              // The project's own package, or one linked in from source: followed as files too (see `isSource`),
              // through the links that bring it in, which esbuild follows.
              if (isSource(manifest, packageName(args.path), linkedSources)) {
                addLinks(args.importer, path.dirname(manifest));
                return undefined;
              }
              let packages = packagesOf.get(args.importer);
              if (packages === undefined) packagesOf.set(args.importer, (packages = {}));
              packages[packageName(args.path)] = manifest;
              return { path: args.path, external: true };
            });
          },
        },
      ],
    });
  } catch (error) {
    const messages = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const described = messages.map((message) => (message.location ? `${message.location.file}:${message.location.line}: ${message.text}` : message.text));
    throw new StrataError('STRATA_CODE_VERSION', `Cannot read the imports of the assets' modules to version their code:\n${(described.length > 0 ? described : [String(error)]).map((line) => `  ${line}`).join('\n')}`, {
      hint: 'Fix the import named above, or give the assets of that module an explicit `codeVersion`.',
      cause: error,
    });
  } finally {
    await esbuild.stop();
  }

  const modules: Record<string, ModuleEntry> = {};
  for (const [input, info] of Object.entries(result.metafile!.inputs)) {
    const file = path.resolve(input);
    const imports: string[] = [];
    const absent: string[] = [];
    for (const imported of info.imports) {
      if (imported.external !== true) imports.push(path.resolve(imported.path));
      // Packages and builtins are external by our plugin; a path is external only where esbuild found no file for it.
      else if (PATH_SPECIFIER.test(imported.path)) absent.push(path.resolve(path.dirname(file), imported.path));
      // esbuild gives the file a path led to, links followed: the links on the path as written are kept to check.
      const written = imported.original ?? imported.path;
      if (PATH_SPECIFIER.test(written) && !written.startsWith('file:')) {
        addLinks(file, imported.external === true ? path.resolve(path.dirname(file), written) : fileAsWritten(path.resolve(path.dirname(file), written), imported.path));
      }
    }
    modules[file] = { imports, packages: packagesOf.get(file) ?? {}, absent, links: [...(linksOf.get(file) ?? [])] };
  }
  return modules;
}

/**
 * The file an import names as written, where `found` is the file it loads
 * (links followed): the written path itself when something is there, else
 * that path with the found file's extension, as TypeScript's resolution
 * finds `x.ts` for `./x.js` or `./x`, so that a link at `x.ts` is seen.
 */
function fileAsWritten(written: string, found: string): string {
  if (lstatSync(written, { throwIfNoEntry: false }) !== undefined) return written;
  const extension = path.extname(written);
  const stem = SCRIPT_FILE.test(written) ? written.slice(0, -extension.length) : written;
  return stem + path.extname(found);
}

/**
 * The symbolic links on a path (the path itself and each folder above it),
 * each looked up once per graph: a project's modules share their folders.
 */
function linksOnPaths(): (target: string) => string[] {
  const isLink = new Map<string, boolean>();
  return (target) => {
    const links: string[] = [];
    for (let at = target; ; at = path.dirname(at)) {
      let link = isLink.get(at);
      if (link === undefined) isLink.set(at, (link = lstatSync(at, { throwIfNoEntry: false })?.isSymbolicLink() === true));
      if (link) links.push(at);
      if (path.dirname(at) === at) return links;
    }
  };
}

/** The files whose imports esbuild reads, by the loader it reads them with. */
const SCRIPT_FILE = /\.([cm]?[jt]s|[jt]sx)$/;
const CREATED_REQUIRE = /\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;
const MODULE_URL = /\bnew\s+URL\s*\(\s*(['"])([^'"\n]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/**
 * Code an ES module loads that esbuild would not follow, given to it as
 * imports (the source is only read, never run or written):
 * - `require('./x')` through `const require = createRequire(import.meta.url)`,
 *   a local `require` where esbuild follows only CommonJS's own: each call is
 *   resolved as Node would, and imported as the same file or package. One
 *   that resolves to nothing is given as an `import()` whose failure is
 *   caught, which esbuild leaves unresolved as it does a `require` in a
 *   `try`, so it is recorded as absent;
 * - a script named by `new URL('./work.mjs', import.meta.url)`, the way a
 *   worker thread's code is started (`new Worker(new URL(...))`): given as
 *   such an `import()` too. A URL of any other file is data, not code.
 * Any other module esbuild loads itself.
 */
function withUnfollowedImports(file: string): { contents: string; loader: 'js' | 'ts' | 'jsx' | 'tsx' } | undefined {
  const extension = SCRIPT_FILE.exec(file)![1]!;
  if (extension.startsWith('c')) return undefined;
  const source = readFileSync(file, 'utf8');
  if (!source.includes('createRequire') && !source.includes('import.meta.url')) return undefined;
  const imports: string[] = [];
  const optionalImport = (specifier: string) => imports.push(`import(${JSON.stringify(specifier)}).catch(() => {});`);
  if (source.includes('createRequire')) {
    const requireFrom = createRequire(file);
    for (const [, , specifier] of source.matchAll(CREATED_REQUIRE)) {
      if (isBuiltin(specifier!)) continue;
      try {
        const resolved = requireFrom.resolve(specifier!);
        imports.push(`import ${JSON.stringify(PATH_SPECIFIER.test(specifier!) ? resolved : specifier)};`);
      } catch {
        // Not there: Node would fail only when the call runs.
        optionalImport(specifier!);
      }
    }
  }
  for (const [, , specifier] of source.matchAll(MODULE_URL)) if (SCRIPT_FILE.test(specifier!)) optionalImport(specifier!);
  if (imports.length === 0) return undefined;
  const loader = extension.endsWith('x') ? (extension as 'jsx' | 'tsx') : extension.endsWith('ts') ? 'ts' : 'js';
  return { contents: `${source}\n${imports.join('\n')}\n`, loader };
}

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * The package.json of the package a bare specifier names, as Node would find
 * it from `folder`: the nearest `node_modules/<name>`, or the nearest
 * package.json of that very name (a package importing itself through its
 * "exports"). Undefined when neither exists.
 */
function packageManifest(specifier: string, folder: string): string | undefined {
  const name = packageName(specifier);
  let ownChecked = false;
  for (let dir = folder; ; dir = path.dirname(dir)) {
    const installed = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(installed)) return installed;
    const own = path.join(dir, 'package.json');
    if (!ownChecked && existsSync(own)) {
      // Node resolves a self-reference through the nearest package.json only.
      ownChecked = true;
      if (readName(own) === name) return own;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The framework, whose version stands for its code however it is installed (the README says so). */
const FRAMEWORK_PACKAGE = 'strata-assets';

/**
 * Whether the package whose package.json is `manifest` is source rather
 * than an installed release: the project's own package, imported through
 * its own name and "exports", or an installed package that links to source
 * outside any node_modules (a workspace of the project's monorepo, `npm
 * link`). Their files are edited without a new version, so they are
 * versioned as the project's own files are, not by its version; esbuild
 * resolves them to files as Node does. Strata itself never is.
 */
function isSource(manifest: string, name: string, known: Map<string, boolean>): boolean {
  if (name === FRAMEWORK_PACKAGE) return false;
  if (!manifest.includes(`${path.sep}node_modules${path.sep}`)) return true;
  let linked = known.get(manifest);
  if (linked === undefined) {
    linked = !realpathSync(path.dirname(manifest)).split(path.sep).includes('node_modules');
    known.set(manifest, linked);
  }
  return linked;
}

function readName(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}
