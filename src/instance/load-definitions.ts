import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type InstanceConfig, instanceConfigOf, withProjectConfig } from '../core/define-config.js';
import type { Definitions } from '../core/definitions.js';
import { DefinitionError, StrataError } from '../core/errors.js';
import { setProjectRoot } from '../core/project-root.js';
import { resourceConfigError, resourceConfigProblems } from '../core/resource-config.js';
import { definitionsFromModule } from '../execution/definitions-from-module.js';
import { importModule } from '../execution/import-module.js';
import { checkJobSelections } from '../graph/check-job-selections.js';
import { codeVersionsOf } from '../versioning/code-versions.js';
import { appliedConfig, isConfigFile, type Project, STRATA_ROOT } from './locate-project.js';

/**
 * Loads the definitions of a project (see `locateProject` for where from;
 * TypeScript loads directly, through tsx), checks them fully (see
 * `validateDefinitions`), and starts computing the assets' code versions
 * right away (see `codeVersionsOf`) unless `versionCode` is false.
 */
export async function loadDefinitions(
  project: Project,
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly versionCode?: boolean } = {},
): Promise<Definitions> {
  const loadStartedMs = Date.now();
  const definitions = await importDefinitions(project);
  validateDefinitions(definitions, env);
  // Started now, awaited by planning: the versions are of the files as they were when the code was loaded
  // (a file saved while it loaded cannot be told from what was, and is marked so: see `loadStartedMs`).
  // (`versionCode: false` for commands that never plan, such as `info`, which must write nothing.)
  if (options.versionCode !== false) void codeVersionsOf(definitions, { projectRoot: project.root, cacheFile: project.codeCacheFile, loadStartedMs });
  return definitions;
}

/**
 * Imports a project's definitions module, which exports them as `default` or
 * as `definitions`, with the settings of the project's config when the
 * module is another file (see `Located.config`), and checks nothing more
 * than that only a config sets the instance.
 */
export async function importDefinitions(project: Project): Promise<Definitions> {
  if (project.definitions instanceof StrataError) throw project.definitions;
  const located = project.definitions;
  // Before the import: IO managers and sources resolve their relative paths while the module loads.
  setProjectRoot(project.root);
  const definitions = await importFrom(located.file, located.isExample ? 'the example pipeline' : located.file);
  if (!isConfigFile(located.file) && instanceConfigOf(definitions) !== undefined) {
    throw new StrataError('STRATA_INSTANCE_CONFIG', `${located.file} configures the instance (defineConfig's instance), but only a strata.config.* file may: commands that load no definitions (assets runs, assets logs) read it from there.`, {
      hint: 'Move the defineConfig(...) call into strata.config.ts at the project root, or set STRATA_DATABASE_URL instead.',
    });
  }
  return located.config === undefined ? definitions : withProjectConfig(definitions, await importFrom(located.config, located.config));
}

/**
 * The instance settings of the project's `strata.config.*`, importing that
 * file alone (not another module named apart from it), or undefined when the
 * project has no config: for commands that load no definitions (`assets
 * runs`, `assets logs`) and need only the database.
 */
export async function importInstanceConfig(project: Project): Promise<InstanceConfig | undefined> {
  if (project.definitions instanceof StrataError) return undefined;
  const configFile = appliedConfig(project.definitions);
  if (configFile === undefined) return undefined;
  setProjectRoot(project.root);
  return instanceConfigOf(await importFrom(configFile, configFile));
}

/** The definitions a module exports; `where` names it in errors. */
async function importFrom(file: string, where: string): Promise<Definitions> {
  let loaded: Record<string, unknown>;
  try {
    loaded = await importModule(pathToFileURL(file).href);
  } catch (error) {
    // Strata's own errors (invalid definitions, a CommonJS .ts) already say what to fix.
    if (error instanceof StrataError) throw error;
    throw new StrataError('STRATA_DEFINITIONS_LOAD', `Loading ${where} failed: ${describeThrown(error)}`, {
      hint: 'The error comes from that module (or a module it imports) while it was loading, not from Strata: fix it there. The lines under the error are its stack in your code; --verbose shows all of it.',
      cause: error,
    });
  }
  return definitionsFromModule(loaded, where);
}

/**
 * Checks what `defineDefinitions` alone could not: job selections against
 * the asset graph, and every configurable resource's config against the
 * environment, so a bad variable stops a command before anything runs.
 * Throws a `DefinitionError` listing every bad job selection, else the
 * resource config error.
 */
export function validateDefinitions(definitions: Definitions, env: Readonly<Record<string, string | undefined>>): void {
  const problems = checkJobSelections(definitions);
  if (problems.length > 0) throw new DefinitionError(problems);
  const configProblems = resourceConfigProblems(definitions, env);
  if (configProblems.length > 0) throw resourceConfigError(configProblems);
}

/**
 * The error a user's module threw, with the frames of its stack that are the
 * user's: Node's internals, tsx's loader and strata's own code are left out.
 */
function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const ours = [path.join(STRATA_ROOT, 'dist'), pathToFileURL(path.join(STRATA_ROOT, 'dist')).href, `${path.sep}node_modules${path.sep}tsx${path.sep}`, `${path.sep}node_modules${path.sep}esbuild${path.sep}`];
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && !line.includes('node:') && !ours.some((part) => line.includes(part)));
  const headline = error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  return [headline, ...frames].join('\n');
}
