import { UsageError } from '../../core/errors.js';
import { type Command, EXIT } from '../command.js';
import { openCommandInstance } from '../command-instance.js';
import { bashCompletion } from '../completion/bash-completion.js';
import { completionSpec, NAME_KINDS, type NameKind } from '../completion/completion-spec.js';
import { fishCompletion } from '../completion/fish-completion.js';
import { zshCompletion } from '../completion/zsh-completion.js';
import { stringFlag } from '../parse-args.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;

export const completionCommand: Command = {
  name: 'completion',
  summary: 'Print a shell completion script: commands, flags, asset keys, job, schedule and sensor names',
  usage: 'assets completion bash|zsh|fish | assets completion --list assets|jobs|schedules|sensors',
  description:
    'Prints a script for your shell to load; it completes commands and flags from this version of assets, and\n' +
    'asset keys, job, schedule and sensor names from the project you are in, by running `assets completion --list`\n' +
    'at Tab time (which prints those names one per line, and nothing at all when the project cannot be loaded).\n' +
    'Install it once:\n' +
    '  bash: echo \'source <(assets completion bash)\' >> ~/.bashrc\n' +
    '  zsh:  assets completion zsh > "${fpath[1]}/_assets"   (then start a new shell)\n' +
    '  fish: assets completion fish > ~/.config/fish/completions/assets.fish',
  flags: {
    list: { type: 'string', valueName: 'KIND', description: 'Print the names of assets, jobs, schedules or sensors, one per line (what the scripts call)' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets completion bash > ~/.local/share/bash-completion/completions/assets', 'assets completion zsh > "${fpath[1]}/_assets"', 'assets completion fish > ~/.config/fish/completions/assets.fish', 'assets completion --list assets'],
  maxPositionals: 1,
  async run(args, io) {
    const list = stringFlag(args, 'list');
    const [shell] = args.positionals;
    if (list !== undefined) {
      if (shell !== undefined) throw new UsageError(`--list cannot be combined with a shell ("${shell}").`, { hint: 'Run `assets completion --list assets` for the names, or `assets completion bash` for the script.' });
      if (!(NAME_KINDS as readonly string[]).includes(list)) throw new UsageError(`--list must be one of ${NAME_KINDS.join(', ')}, got "${list}".`);
      return listNames(list as NameKind, io);
    }
    if (shell === undefined || !Object.hasOwn(SHELLS, shell)) {
      throw new UsageError(shell === undefined ? 'Name the shell to print a completion script for.' : `Unknown shell "${shell}".`, {
        hint: 'Run `assets completion bash`, `assets completion zsh` or `assets completion fish` (see `assets completion --help` to install it).',
      });
    }
    io.stdout.write(SHELLS[shell as keyof typeof SHELLS](await completionSpec()));
    return EXIT.ok;
  },
};

/**
 * The names, one per line. Quiet on purpose: it runs on every Tab, where an
 * error message would be printed into the command line being edited, so a
 * project that cannot be loaded lists nothing and exits 1.
 */
async function listNames(kind: NameKind, io: Parameters<Command['run']>[1]): Promise<number> {
  const instance = await openCommandInstance(io).catch(() => undefined);
  try {
    const names = await instance?.names().catch(() => undefined);
    if (names === undefined) return EXIT.runFailed;
    io.stdout.write(names[kind].map((name) => `${name}\n`).join(''));
    return EXIT.ok;
  } finally {
    await instance?.close();
  }
}
