import type { CommandCompletion, ValueCompletion } from './completion-spec.js';

/**
 * A bash completion script: commands, each command's flags, the values of
 * flags that name assets, jobs, files or fixed words, and positionals. Names
 * come from the project at Tab time, by running the same `assets` the user
 * typed (`${COMP_WORDS[0]}`) as `completion --list KIND`; an error there
 * completes nothing. A selection's graph prefix is kept (`+top_<Tab>` gives
 * `+top_customers`).
 */
export function bashCompletion(commands: readonly CommandCompletion[]): string {
  const names = commands.map((command) => command.name).join(' ');
  const cases = commands.map((command) => {
    const flags = command.flags.flatMap((flag) => [`--${flag.name}`, ...(flag.short === undefined ? [] : [`-${flag.short}`])]);
    const valued = command.flags.filter((flag) => flag.value !== undefined);
    const valueCases = valued.map((flag) => {
      const spellings = [`--${flag.name}`, ...(flag.short === undefined ? [] : [`-${flag.short}`])].join('|');
      return `        ${spellings}) ${complete(flag.value!)}; return ;;`;
    });
    const positionalCases = command.positionals.map((positional, index) => `        ${index}) ${complete(positional)} ;;`);
    return [
      `    ${command.name})`,
      `      valued=" ${valued.flatMap((flag) => [`--${flag.name}`, ...(flag.short === undefined ? [] : [`-${flag.short}`])]).join(' ')} "`,
      '      _assets_count_positionals',
      '      case "$prev" in',
      ...valueCases,
      '      esac',
      `      if [[ $cur == -* ]]; then COMPREPLY=( $(compgen -W "${flags.join(' ')}" -- "$cur") ); return; fi`,
      '      case "$npos" in',
      ...positionalCases,
      '      esac',
      '      ;;',
    ].join('\n');
  });
  return `# bash completion for assets (Strata). Install: see \`assets completion --help\`.
_assets_names() {
  "\${COMP_WORDS[0]}" completion --list "$1" 2>/dev/null
}

# Completes names of kind $1 for $cur, keeping a selection's graph prefix (+x, 2+x).
_assets_complete_names() {
  local pre="" word="$cur"
  if [[ $cur =~ ^([0-9]*\\+)(.*)$ ]]; then pre="\${BASH_REMATCH[1]}"; word="\${BASH_REMATCH[2]}"; fi
  COMPREPLY=( $(compgen -P "$pre" -W "$(_assets_names "$1")" -- "$word") )
}

# Sets npos to the number of positionals before the word being completed (flags and their values skipped).
_assets_count_positionals() {
  local i word
  npos=0
  for ((i = cmd_index + 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ $word == -* ]]; then
      [[ $valued == *" $word "* ]] && ((i++))
    else
      ((npos++))
    fi
  done
}

_assets() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmd="" cmd_index=0 i valued npos
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ \${COMP_WORDS[i]} != -* ]]; then cmd="\${COMP_WORDS[i]}"; cmd_index=$i; break; fi
  done
  if [[ -z $cmd ]]; then
    COMPREPLY=( $(compgen -W "${names} --help --version" -- "$cur") )
    return
  fi
  case "$cmd" in
${cases.join('\n')}
  esac
}

complete -F _assets assets
`;
}

/** The bash statement that fills COMPREPLY for a value. */
function complete(value: ValueCompletion): string {
  if ('names' in value) return `_assets_complete_names ${value.names}`;
  if ('files' in value) return 'compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") )';
  return `COMPREPLY=( $(compgen -W "${value.words.join(' ')}" -- "$cur") )`;
}
