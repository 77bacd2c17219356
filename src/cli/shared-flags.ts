import type { FlagSpec } from './command.js';

export const SELECTION_FLAGS: Readonly<Record<string, FlagSpec>> = {
  select: { type: 'string', short: 's', valueName: 'EXPR', description: 'Assets to include (default: all). e.g. +top_authors, group:sources, tag:api' },
  exclude: { type: 'string', valueName: 'EXPR', description: 'Assets to leave out of the selection' },
};

export const DEFINITIONS_FLAG: Readonly<Record<string, FlagSpec>> = {
  definitions: { type: 'string', valueName: 'MODULE', description: 'Module exporting the definitions (default: STRATA_DEFINITIONS, else strata.config.ts here or above, else package.json\'s "strata" field)' },
};
