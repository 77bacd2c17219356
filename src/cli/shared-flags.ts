import type { FlagSpec, ParsedArgs } from './command.js';
import type { Instance } from '../instance/instance.js';
import { stringFlag } from './parse-args.js';

export const SELECTION_FLAGS: Readonly<Record<string, FlagSpec>> = {
  select: { type: 'string', short: 's', valueName: 'EXPR', description: 'Assets to include (default: all). e.g. +top_authors, group:sources, tag:api' },
  exclude: { type: 'string', valueName: 'EXPR', description: 'Assets to leave out of the selection' },
};

export const DEFINITIONS_FLAG: Readonly<Record<string, FlagSpec>> = {
  definitions: { type: 'string', valueName: 'MODULE', description: 'Module exporting the definitions (default: STRATA_DEFINITIONS, else strata.config.ts here or above, else package.json\'s "strata" field)' },
};

/**
 * For a command that reads no definitions (`runs`, `logs`): it accepts
 * `--definitions`, so one command line works with every command, and the
 * instance it opens is that module's project's. The module must exist:
 * project lookup alone would fall back to the working folder, and show
 * another instance, on a mistyped path.
 */
export function checkDefinitionsFlag(args: ParsedArgs, instance: Instance): void {
  if (stringFlag(args, 'definitions') !== undefined) instance.definitionsModuleUrl();
}
