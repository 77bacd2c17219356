import type { CommandCompletion, FlagCompletion, ValueCompletion } from './completion-spec.js';

/**
 * A zsh completion script (`#compdef assets`): commands and flags with their
 * descriptions, through `_arguments`, and the same values as the bash
 * script. Names come from running the `assets` the user typed as
 * `completion --list KIND` at Tab time; an error there completes nothing.
 */
export function zshCompletion(commands: readonly CommandCompletion[]): string {
  const commandLines = commands.map((command) => `    ${quote(`${command.name}:${command.summary}`)}`);
  const cases = commands.map((command) => {
    const specs = [
      ...command.flags.flatMap((flag) => flagSpecs(flag)),
      ...command.positionals.map((positional, index) => quote(`${index + 1}: :${action(positional)}`)),
    ];
    return [`      (${command.name})`, `        _arguments -s \\`, ...specs.map((spec) => `          ${spec} \\`), '          && return 0', '        ;;'].join('\n');
  });
  return `#compdef assets
# zsh completion for assets (Strata). Install: see \`assets completion --help\`.

# The names of the kind given last from the project, by running the assets being completed;
# _arguments puts its compadd options (group, description) before it.
_assets_names() {
  local -a names
  names=( \${(f)"$(\${_assets_command} completion --list \${@[-1]} 2>/dev/null)"} )
  compadd "\${@[1,-2]}" -a names
}

_assets() {
  local _assets_command=\${words[1]}
  local curcontext="$curcontext" state line
  local -a commands
  commands=(
${commandLines.join('\n')}
  )
  _arguments -C '1: :->command' '*:: :->argument' && return 0
  case $state in
    (command)
      _describe -t commands 'assets command' commands
      ;;
    (argument)
      case $line[1] in
${cases.join('\n')}
      esac
      ;;
  esac
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _assets "$@"
else
  compdef _assets assets
fi
`;
}

function flagSpecs(flag: FlagCompletion): string[] {
  const description = `[${escapeSpec(flag.description)}]`;
  const value = flag.value === undefined ? '' : `:${flag.name}:${action(flag.value)}`;
  const spellings = flag.short === undefined ? [`--${flag.name}`] : [`-${flag.short}`, `--${flag.name}`];
  return spellings.map((spelling) => quote(`${spelling}${description}${value}`));
}

/** The `_arguments` action completing a value. */
function action(value: ValueCompletion): string {
  if ('names' in value) return `_assets_names ${value.names}`;
  if ('files' in value) return '_files';
  return value.words.length === 0 ? ' ' : `(${value.words.join(' ')})`;
}

/** Brackets and colons end parts of an `_arguments` spec: escape them in descriptions. */
function escapeSpec(text: string): string {
  return text.replace(/[[\]:\\]/g, (char) => `\\${char}`);
}

/** A single-quoted shell word. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
