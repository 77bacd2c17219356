import { EXECUTORS } from '../../execution/executors.js';
import type { Command, FlagSpec } from '../command.js';
import { COMMANDS, COMMON_FLAGS } from '../main.js';

/** What `assets completion --list KIND` prints, one name a line: the names a completion asks the project for. */
export const NAME_KINDS = ['assets', 'jobs', 'schedules', 'sensors'] as const;
export type NameKind = (typeof NAME_KINDS)[number];

/** What a flag's value or a positional argument completes to: names from the project, fixed words, or file paths. */
export type ValueCompletion = { readonly names: NameKind } | { readonly words: readonly string[] } | { readonly files: true };

export interface FlagCompletion {
  readonly name: string;
  readonly short: string | undefined;
  readonly description: string;
  /** Undefined for a boolean flag; a flag that takes a value and has no completion for it is `{ words: [] }`. */
  readonly value: ValueCompletion | undefined;
}

export interface CommandCompletion {
  readonly name: string;
  readonly summary: string;
  readonly flags: readonly FlagCompletion[];
  /** What each positional argument completes to, in order. */
  readonly positionals: readonly ValueCompletion[];
}

const ASSETS: ValueCompletion = { names: 'assets' };
const RUN: ValueCompletion = { words: ['latest'] };

/**
 * What each command's positional arguments are, which its flag specs do not
 * say (its usage line does, in prose): kept here, beside the one thing that
 * needs it. A command missing here takes no positional worth completing.
 */
const POSITIONALS: Readonly<Record<string, readonly ValueCompletion[]>> = {
  why: [ASSETS],
  lineage: [ASSETS],
  history: [ASSETS],
  show: [ASSETS],
  wipe: [ASSETS],
  logs: [RUN],
  cancel: [RUN],
  rerun: [RUN],
  runs: [{ words: ['prune'] }],
  schedule: [{ words: ['preview', 'start', 'stop'] }, { names: 'schedules' }],
  sensor: [{ words: ['start', 'stop', 'tick'] }, { names: 'sensors' }],
  pools: [{ words: ['set'] }],
  sample: [{ words: ['generate'] }],
  init: [{ files: true }],
  completion: [{ words: ['bash', 'zsh', 'fish'] }],
};

/** Flag values worth completing, by flag name (the same flag means the same thing in every command). */
const FLAG_VALUES: Readonly<Record<string, ValueCompletion>> = {
  select: ASSETS,
  exclude: ASSETS,
  refresh: ASSETS,
  job: { names: 'jobs' },
  definitions: { files: true },
  out: { files: true },
  executor: { words: Object.keys(EXECUTORS) },
  list: { words: NAME_KINDS },
};

/** Every command with its flags (its own, then the common ones) and positionals, loading each command as `--help` does. */
export async function completionSpec(): Promise<CommandCompletion[]> {
  return Promise.all(
    Object.entries(COMMANDS).map(async ([name, entry]) => {
      const command: Command = await entry.load();
      const flags = Object.entries({ ...command.flags, ...COMMON_FLAGS }).map(([flag, spec]) => flagCompletion(flag, spec));
      return { name, summary: entry.summary, flags, positionals: POSITIONALS[name] ?? [] };
    }),
  );
}

function flagCompletion(name: string, spec: FlagSpec): FlagCompletion {
  const value = spec.type === 'boolean' ? undefined : (FLAG_VALUES[name] ?? { words: [] });
  return { name, short: spec.short, description: spec.description, value };
}
