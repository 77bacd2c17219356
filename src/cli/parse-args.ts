import { UsageError } from '../core/errors.js';
import { suggestClosest } from '../core/suggest.js';
import type { FlagSpec, ParsedArgs } from './command.js';

/**
 * Parses `--flag value`, `--flag=value`, `-x`, `--no-<boolean>` and `--` for
 * one command. Our own small parser rather than `util.parseArgs`, so that an
 * unknown flag can be answered with a did-you-mean.
 */
export function parseArgs(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>, command: string, maxPositionals: number): ParsedArgs {
  const flags: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(specs).flatMap(([name, spec]) => (spec.short === undefined ? [] : [[spec.short, name] as const])));

  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const rawName = arg.startsWith('--') ? arg.slice(2, equals === -1 ? undefined : equals) : byShort.get(arg.slice(1));
    const inlineValue = equals === -1 ? undefined : arg.slice(equals + 1);
    let name = rawName;
    let negated = false;
    if (name !== undefined && !(name in specs) && name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const spec = name === undefined ? undefined : specs[name];
    if (name === undefined || spec === undefined) {
      const shown = arg.slice(0, equals === -1 ? undefined : equals);
      const suggestions = suggestClosest(shown.replace(/^-+/, ''), Object.keys(specs)).map((flag) => `--${flag}`);
      throw new UsageError(`Unknown flag ${shown} for \`assets ${command}\`.`, {
        hint: suggestions.length > 0 ? `Did you mean ${suggestions.join(' or ')}?` : `Run \`assets ${command} --help\` to see its flags.`,
      });
    }
    if (spec.type === 'boolean') {
      if (inlineValue !== undefined) throw new UsageError(`--${name} takes no value (got "${inlineValue}").`);
      flags[name] = !negated;
      continue;
    }
    const value = inlineValue ?? argv[++index];
    if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value: --${name} <${spec.valueName ?? 'VALUE'}>.`);
    }
    if (spec.multiple === true) flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else if (flags[name] !== undefined) throw new UsageError(`--${name} was given more than once.`);
    else flags[name] = value;
  }
  if (positionals.length > maxPositionals) {
    throw new UsageError(
      maxPositionals === 0
        ? `\`assets ${command}\` takes no arguments, got "${positionals[0]}".`
        : `\`assets ${command}\` takes at most ${maxPositionals} argument${maxPositionals === 1 ? '' : 's'}, got ${positionals.length}.`,
      { hint: `Run \`assets ${command} --help\` for its usage.` },
    );
  }
  return { flags, positionals };
}

/** A whole-number flag value at least `min`, or a usage error naming the flag. */
export function integerFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    throw new UsageError(`--${name} must be a whole number >= ${min}, got "${value}".`);
  }
  return parsed;
}

/** A string flag's value (commands declare the type, so this only narrows). */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}
