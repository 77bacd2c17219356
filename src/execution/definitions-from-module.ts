import type { Definitions } from '../core/definitions.js';
import { StrataError } from '../core/errors.js';

/** The `Definitions` a module exports as `default` or `definitions`; `where` names the module in the error. */
export function definitionsFromModule(loaded: Readonly<Record<string, unknown>>, where: string): Definitions {
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
