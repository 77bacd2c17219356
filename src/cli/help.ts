import type { Command, FlagSpec } from './command.js';

export function renderMainHelp(commands: Readonly<Record<string, { readonly summary: string }>>, version: string): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((name) => name.length));
  return [
    `assets ${version}: materialize data assets, only what is stale`,
    '',
    'Usage: assets <command> [flags]',
    '',
    'Commands:',
    ...names.map((name) => `  ${name.padEnd(width)}  ${commands[name]!.summary}`),
    '',
    'Flags:',
    '  -h, --help     Show help (also `assets <command> --help`)',
    '  -V, --version  Print the version',
    '',
    'Examples:',
    '  assets materialize                      # everything that is stale',
    '  assets materialize --select +top_authors',
    '  assets status',
    '  assets lineage top_authors              # what it is made from, with statuses',
    '  assets runs && assets logs latest',
    '',
  ].join('\n');
}

export function renderCommandHelp(command: Command, flags: Readonly<Record<string, FlagSpec>>): string {
  const labels = Object.entries(flags).map(([name, spec]) => {
    const short = spec.short === undefined ? '    ' : `-${spec.short}, `;
    const value = spec.type === 'string' ? ` <${spec.valueName ?? 'VALUE'}>` : '';
    return [`${short}--${name}${value}`, spec.description] as const;
  });
  const width = Math.max(...labels.map(([label]) => label.length));
  return [
    `${command.summary}`,
    '',
    `Usage: ${command.usage}`,
    ...(command.description === undefined ? [] : ['', command.description]),
    '',
    'Flags:',
    ...labels.map(([label, description]) => `  ${label.padEnd(width)}  ${description}`),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}
