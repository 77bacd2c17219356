import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ModuleEntry } from './code-cache.js';
import { extendedConfigs } from './extended-configs.js';
import { type FileState, sameFileState } from './file-state.js';

/**
 * What decides which file an import resolves to, beside the importing files
 * themselves: `package.json` (`imports`, `main`, `exports`, a workspace
 * package's entry), `tsconfig.json` and `jsconfig.json` (`paths`) with the
 * configs they extend, and the `node_modules` folders that packages are
 * looked up in (a copy installed nearer than a hoisted one changes its
 * folder), in the folder of each project module and every folder above it;
 * and the folder of each import that found no file (see
 * `ModuleEntry.absent`), which changes when a file is created in it. Each
 * with its state, or null where there is none: a cached module graph holds
 * only while all are as they were, since changing one can make an unchanged
 * file import other code.
 */
export type ResolutionInputs = Record<string, FileState | null>;

const RESOLUTION_NAMES = ['package.json', 'tsconfig.json', 'jsconfig.json', 'node_modules'] as const;

/** The resolution inputs of a module graph's project modules and of their absent imports. */
export function resolutionInputsOf(modules: Readonly<Record<string, ModuleEntry>>): ResolutionInputs {
  const inputs: ResolutionInputs = {};
  const seen = new Set<string>();
  for (const [file, module] of Object.entries(modules)) {
    for (let folder = path.dirname(file); !seen.has(folder); folder = path.dirname(folder)) {
      seen.add(folder);
      for (const name of RESOLUTION_NAMES) {
        const input = path.join(folder, name);
        inputs[input] = stateOf(input);
        if (inputs[input] !== null && name.endsWith('config.json')) for (const extended of extendedConfigs(input)) inputs[extended] = stateOf(extended);
      }
      if (path.dirname(folder) === folder) break;
    }
    for (const absent of module.absent) {
      const folder = path.dirname(absent);
      inputs[folder] = stateOf(folder);
    }
  }
  return inputs;
}

/** Whether every input in `recorded` is in the state it was recorded in (there, or still absent). */
export function sameResolutionInputs(recorded: ResolutionInputs): boolean {
  for (const [input, was] of Object.entries(recorded)) {
    const now = stateOf(input);
    if (was === null || now === null ? was !== now : !sameFileState(was, now)) return false;
  }
  return true;
}

function stateOf(input: string): FileState | null {
  const stat = statSync(input, { throwIfNoEntry: false });
  return stat === undefined ? null : { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs };
}

/**
 * The real path each symbolic link that the modules' imports pass through
 * leads to (see `ModuleEntry.links`), or null where it leads nowhere now: a
 * link moved to another folder of helpers leaves every file as it was, so a
 * cached module graph holds only while each leads where it did. The real
 * path rather than the link's own target, because links chain: `npm link`
 * makes node_modules/<name> point at a global link, and running it in
 * another checkout moves only that global one.
 */
export type LinkTargets = Record<string, string | null>;

/** The targets of the links a module graph's imports pass through. */
export function linkTargetsOf(modules: Readonly<Record<string, ModuleEntry>>): LinkTargets {
  const targets: LinkTargets = {};
  for (const module of Object.values(modules)) for (const link of module.links) targets[link] ??= targetOf(link);
  return targets;
}

/** Whether every link in `recorded` leads where it did. */
export function sameLinkTargets(recorded: LinkTargets): boolean {
  return Object.entries(recorded).every(([link, was]) => targetOf(link) === was);
}

function targetOf(link: string): string | null {
  try {
    return realpathSync(link);
  } catch {
    // Gone, or leading nowhere now.
    return null;
  }
}
