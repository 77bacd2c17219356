import type { CommandCompletion, ValueCompletion } from './completion-spec.js';

/**
 * A fish completion script: commands and flags with their descriptions, and
 * the same values as the bash script. Names come from running the `assets`
 * the user typed as `completion --list KIND` at Tab time; an error there
 * completes nothing. fish's conditions see which command was typed, not how
 * many positionals came before; a command with a subcommand word
 * (`schedule start NAME`) completes the word first, then the names.
 */
export function fishCompletion(commands: readonly CommandCompletion[]): string {
  const lines = [
    '# fish completion for assets (Strata). Install: see `assets completion --help`.',
    'function __assets_names',
    '    set -l command (commandline -opc)[1]',
    '    $command completion --list $argv[1] 2>/dev/null',
    'end',
    '',
    'complete -c assets -f',
    ...commands.map((command) => `complete -c assets -n __fish_use_subcommand -a ${command.name} -d ${quote(command.summary)}`),
  ];
  for (const command of commands) {
    const when = `__fish_seen_subcommand_from ${command.name}`;
    lines.push('');
    for (const flag of command.flags) {
      const short = flag.short === undefined ? '' : ` -s ${flag.short}`;
      // -x: the value is required and is not a file; -r with -F for a file.
      const value = flag.value === undefined ? '' : 'files' in flag.value ? ' -r -F' : ` -x${arguments_(flag.value)}`;
      lines.push(`complete -c assets -n ${quote(when)} -l ${flag.name}${short}${value} -d ${quote(flag.description)}`);
    }
    const [first, second] = command.positionals;
    if (first === undefined) continue;
    if (second === undefined || !('words' in first)) {
      lines.push(`complete -c assets -n ${quote(when)}${arguments_(first)}`);
      continue;
    }
    const words = first.words.join(' ');
    lines.push(`complete -c assets -n ${quote(`${when}; and not __fish_seen_subcommand_from ${words}`)}${arguments_(first)}`);
    lines.push(`complete -c assets -n ${quote(`${when}; and __fish_seen_subcommand_from ${words}`)}${arguments_(second)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The `complete` options offering a value's candidates. */
function arguments_(value: ValueCompletion): string {
  if ('names' in value) return ` -a ${quote(`(__assets_names ${value.names})`)}`;
  if ('files' in value) return ' -F';
  return value.words.length === 0 ? '' : ` -a ${quote(value.words.join(' '))}`;
}

/** A single-quoted fish word: fish escapes \\ and ' inside single quotes. */
function quote(text: string): string {
  return `'${text.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}
