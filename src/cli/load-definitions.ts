import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Definitions } from '../core/definitions.js';
import { StrataError } from '../core/errors.js';
import type { CliIO } from './cli-io.js';

/** The example pipeline, run when no other definitions are given. */
const EXAMPLE_MODULE = new URL('../assets/definitions.js', import.meta.url);

/**
 * Loads the definitions a command works on: the module `--definitions` names
 * (relative to the working folder), else the bundled example. The module
 * exports its `Definitions` as `default` or as `definitions`.
 */
export async function loadDefinitions(modulePath: string | undefined, io: Pick<CliIO, 'cwd'>): Promise<Definitions> {
  if (modulePath === undefined) return definitionsOf(await import(EXAMPLE_MODULE.href), 'the example pipeline');
  const absolute = path.resolve(io.cwd, modulePath);
  if (!existsSync(absolute)) {
    throw new StrataError('STRATA_DEFINITIONS_NOT_FOUND', `Definitions module not found: ${absolute}`, {
      hint: 'Pass --definitions a path to a compiled .js/.mjs module that exports defineDefinitions(...).',
    });
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = await import(pathToFileURL(absolute).href);
  } catch (error) {
    if (error instanceof StrataError) throw error;
    throw new StrataError('STRATA_DEFINITIONS_LOAD', `Loading ${absolute} failed: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'The error was thrown by that module while it was imported; fix it there.',
      cause: error,
    });
  }
  return definitionsOf(loaded, absolute);
}

function definitionsOf(loaded: Record<string, unknown>, where: string): Definitions {
  const candidate = loaded.default ?? loaded.definitions;
  if (isDefinitions(candidate)) return candidate;
  const exported = Object.keys(loaded);
  throw new StrataError('STRATA_NO_DEFINITIONS', `${where} exports no definitions (it exports: ${exported.length > 0 ? exported.join(', ') : 'nothing'}).`, {
    hint: 'Export the result of defineDefinitions(...) as `default` or as `definitions`.',
  });
}

function isDefinitions(value: unknown): value is Definitions {
  return typeof value === 'object' && value !== null && Array.isArray((value as Definitions).assets) && typeof (value as Definitions).asset === 'function';
}
