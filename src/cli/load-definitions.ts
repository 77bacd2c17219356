import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Definitions } from '../core/definitions.js';
import { DefinitionError, StrataError } from '../core/errors.js';
import { definitionsFromModule } from '../execution/definitions-from-module.js';
import { checkJobSelections } from '../graph/check-job-selections.js';
import type { CliIO } from './cli-io.js';

/** The example pipeline, run when no other definitions are given. */
const EXAMPLE_MODULE = new URL('../assets/definitions.js', import.meta.url);

/**
 * The URL of the module a command's definitions come from: the one
 * `--definitions` names (relative to the working folder), else the bundled
 * example. Worker threads import the same URL.
 */
export function definitionsModuleUrl(modulePath: string | undefined, io: Pick<CliIO, 'cwd'>): string {
  if (modulePath === undefined) return EXAMPLE_MODULE.href;
  const absolute = path.resolve(io.cwd, modulePath);
  if (!existsSync(absolute)) {
    throw new StrataError('STRATA_DEFINITIONS_NOT_FOUND', `Definitions module not found: ${absolute}`, {
      hint: 'Pass --definitions a path to a compiled .js/.mjs module that exports defineDefinitions(...).',
    });
  }
  return pathToFileURL(absolute).href;
}

/** Loads the definitions a command works on; the module exports them as `default` or as `definitions`. */
export async function loadDefinitions(modulePath: string | undefined, io: Pick<CliIO, 'cwd'>): Promise<Definitions> {
  const url = definitionsModuleUrl(modulePath, io);
  const where = modulePath === undefined ? 'the example pipeline' : new URL(url).pathname;
  let loaded: Record<string, unknown>;
  try {
    loaded = await import(url);
  } catch (error) {
    if (error instanceof StrataError) throw error;
    throw new StrataError('STRATA_DEFINITIONS_LOAD', `Loading ${where} failed: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'The error was thrown by that module while it was imported; fix it there.',
      cause: error,
    });
  }
  const definitions = definitionsFromModule(loaded, where);
  // Job selections need the asset graph, which defineDefinitions (in core) does not have.
  const problems = checkJobSelections(definitions);
  if (problems.length > 0) throw new DefinitionError(problems);
  return definitions;
}
