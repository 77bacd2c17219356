import { readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { StrataError } from '../core/errors.js';

/** The root of the running strata-assets package: a clone of its repository, or `node_modules/strata-assets`. */
export const STRATA_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The example pipeline, the last resort when the CLI runs from a clone of
 * strata's repository: built (dist/), or its source when strata itself runs
 * from source (in-process tests).
 */
const EXAMPLE_MODULE = ['../assets/definitions.js', '../assets/definitions.ts'].map((file) => fileURLToPath(new URL(file, import.meta.url))).find(isFile);

/** Config file names, in the order they win when a folder has more than one. */
const CONFIG_FILES = ['strata.config.ts', 'strata.config.js', 'strata.config.mjs'];

/** Whether `file` is a project config file (`strata.config.ts|js|mjs`), the one place an instance can be configured. */
export function isConfigFile(file: string): boolean {
  return CONFIG_FILES.includes(path.basename(file));
}

/**
 * The `strata.config.*` whose settings (resources, instance) apply to the
 * definitions of `located`: the module itself when it is one, else the
 * project's config beside a module named apart from it (`Located.config`);
 * undefined when none does.
 */
export function appliedConfig(located: Located): string | undefined {
  return isConfigFile(located.file) ? located.file : located.config;
}

/** Extensions tried after a module path given without one. */
const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

const packageJsonField = z.object({ definitions: z.string().min(1) });

/** The file the definitions come from; the example is named as such in messages. */
export interface Located {
  readonly file: string;
  readonly isExample: boolean;
  /** The project the file belongs to (see `Project.root`). */
  readonly root: string;
  /**
   * The project's `strata.config.*`, when the file is another module of the
   * project (named by `--definitions` or `STRATA_DEFINITIONS`): its resource
   * settings and instance apply to the file's definitions, as they do to a
   * plain run (see `withProjectConfig`).
   */
  readonly config?: string | undefined;
}

/** What a command works on: the project, its definitions module and where its instance lives. */
export interface Project {
  /**
   * The folder of the `strata.config.*` or package.json that named the
   * definitions (for `--definitions` and `STRATA_DEFINITIONS`: the nearest
   * folder above the module that has either; for the example, this
   * repository). Relative `STRATA_HOME`, `STRATA_OUTPUT_DIR` and source
   * folders resolve against it, so every subfolder sees one instance.
   * The working folder when no definitions are found.
   */
  readonly root: string;
  /** The definitions module, or why none was found (thrown by `loadDefinitions`). */
  readonly definitions: Located | StrataError;
  /** The instance folder: `STRATA_HOME` (relative to the root), default `<root>/.strata`. */
  readonly home: string;
  /** Where code versions keep file hashes and the module graph between commands. */
  readonly codeCacheFile: string;
}

/** Where a project is looked for from: the working folder, the environment, and `--definitions` if given. */
export interface ProjectContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A definitions module named explicitly (the CLI's `--definitions`), relative to `cwd`. */
  readonly definitionsModule?: string | undefined;
}

const projects = new WeakMap<ProjectContext, Project>();

/**
 * The project of a context, found once per context object: the definitions
 * module from, in this order, `definitionsModule`; `STRATA_DEFINITIONS`;
 * `strata.config.ts|js|mjs` in the working folder or the nearest folder above
 * that has one; the `"strata": { "definitions": ... }` field of the nearest
 * package.json that has one; and, when Strata runs from a clone of its
 * repository (not an installed copy), the example pipeline.
 */
export function locateProject(io: ProjectContext): Project {
  let project = projects.get(io);
  if (project === undefined) {
    let definitions: Located | StrataError;
    try {
      definitions = locateDefinitions(io.definitionsModule, io);
    } catch (error) {
      if (!(error instanceof StrataError)) throw error;
      definitions = error;
    }
    const root = definitions instanceof StrataError ? path.resolve(io.cwd) : definitions.root;
    // An empty STRATA_HOME counts as unset rather than meaning the root itself.
    const home = path.resolve(root, io.env.STRATA_HOME || '.strata');
    project = { root, definitions, home, codeCacheFile: path.join(home, 'code-versions-cache.json') };
    projects.set(io, project);
  }
  return project;
}

function locateDefinitions(modulePath: string | undefined, io: ProjectContext): Located {
  if (modulePath !== undefined) return named(resolveModule(modulePath, io.cwd, `--definitions ${modulePath}`));
  const fromEnv = io.env.STRATA_DEFINITIONS;
  if (fromEnv !== undefined && fromEnv !== '') return named(resolveModule(fromEnv, io.cwd, `STRATA_DEFINITIONS=${fromEnv}`));

  const folders = foldersUp(io.cwd);
  for (const folder of folders) {
    const config = CONFIG_FILES.map((name) => path.join(folder, name)).find(isFile);
    if (config !== undefined) return { file: config, isExample: false, root: folder };
  }

  const manifests = folders.map((folder) => path.join(folder, 'package.json')).filter(isFile);
  for (const manifest of manifests) {
    const field = readStrataField(manifest);
    if (field === undefined) continue;
    const file = resolveModule(field.definitions, path.dirname(manifest), `"strata": { "definitions": "${field.definitions}" } in ${manifest}`);
    return { file, isExample: false, root: path.dirname(manifest) };
  }

  if (EXAMPLE_MODULE !== undefined && isRepositoryClone()) return { file: EXAMPLE_MODULE, isExample: true, root: path.resolve(STRATA_ROOT) };

  const looked = [
    '--definitions: not given',
    'STRATA_DEFINITIONS: not set',
    ...folders.map((folder) => `${path.join(folder, CONFIG_FILES[0]!)} (or ${CONFIG_FILES.slice(1).map((name) => path.extname(name)).join(', ')}): none`),
    ...(manifests.length > 0 ? manifests.map((manifest) => `${manifest}: no "strata" field`) : ['package.json with a "strata" field: no package.json in these folders']),
  ];
  throw new StrataError('STRATA_DEFINITIONS_NOT_FOUND', `No definitions found. Looked for, in order:\n${looked.map((line) => `  ${line}`).join('\n')}`, {
    hint: 'Run `npx assets init` to scaffold a project here, or pass --definitions <module> (a .ts or .js module that exports defineDefinitions(...)).',
  });
}

/**
 * A module named by the user, relative to `base`: that file; else, with no
 * extension given, the file with each of MODULE_EXTENSIONS; else a package
 * export (`strata-assets/example`), resolved as Node would from `base`.
 */
function resolveModule(specifier: string, base: string, given: string): string {
  const absolute = path.resolve(base, specifier);
  const tried = [absolute];
  if (isFile(absolute)) return absolute;
  if (path.extname(absolute) === '') {
    for (const extension of MODULE_EXTENSIONS) {
      tried.push(absolute + extension);
      if (isFile(absolute + extension)) return absolute + extension;
    }
  }
  if (!path.isAbsolute(specifier) && !specifier.startsWith('.')) {
    tried.push(`the package export "${specifier}" from ${base}`);
    try {
      return createRequire(path.join(base, 'package.json')).resolve(specifier);
    } catch {
      // Not a package either: reported below with every path tried.
    }
  }
  throw new StrataError('STRATA_DEFINITIONS_NOT_FOUND', `Definitions module not found: ${absolute} (from ${given}). Tried:\n${tried.map((line) => `  ${line}`).join('\n')}`, {
    hint: 'Point it at a .ts or .js module that exports defineDefinitions(...), relative to the working folder (package.json\'s field: relative to that package.json).',
  });
}

/**
 * A module named by path (`--definitions`, `STRATA_DEFINITIONS`): its project
 * is the nearest folder above it with a config file or a package.json, else
 * its own folder; that folder's config file, when it has one and the module
 * is not it, is the project's config (as dbt's `--project-dir` reads that
 * project's settings, whichever models it selects).
 */
function named(file: string): Located {
  const folders = foldersUp(path.dirname(file));
  const root = folders.find((folder) => [...CONFIG_FILES, 'package.json'].some((name) => isFile(path.join(folder, name)))) ?? path.dirname(file);
  const config = CONFIG_FILES.map((name) => path.join(root, name)).find(isFile);
  return { file, isExample: false, root, ...(config === undefined || config === file ? {} : { config }) };
}

/** The `"strata"` field of a package.json, or undefined when it has none. */
function readStrataField(manifest: string): z.infer<typeof packageJsonField> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifest, 'utf8'));
  } catch (error) {
    throw new StrataError('STRATA_PACKAGE_JSON', `${manifest} is not valid JSON: ${(error as Error).message}`, { hint: 'Fix the file; the CLI reads its "strata" field to find your definitions.', cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || !('strata' in parsed)) return undefined;
  const field = packageJsonField.safeParse(parsed.strata);
  if (!field.success) {
    throw new StrataError('STRATA_PACKAGE_JSON', `The "strata" field of ${manifest} is invalid: ${field.error.issues.map((issue) => `${['strata', ...issue.path].join('.')}: ${issue.message}`).join('; ')}.`, {
      hint: 'It should read "strata": { "definitions": "src/assets.ts" }, with the path relative to that package.json.',
    });
  }
  return field.data;
}

/** `folder` and every folder above it, nearest first. */
function foldersUp(folder: string): string[] {
  const folders = [path.resolve(folder)];
  for (let parent = path.dirname(folders[0]!); parent !== folders.at(-1); parent = path.dirname(parent)) folders.push(parent);
  return folders;
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
}

/** Whether this strata runs from a clone of its repository rather than from an installed copy (which lives in a node_modules folder). */
function isRepositoryClone(): boolean {
  return !realpathSync(STRATA_ROOT).split(path.sep).includes('node_modules');
}
