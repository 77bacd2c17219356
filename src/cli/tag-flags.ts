import { describeTagKey, RESERVED_TAG_PREFIX, type RunTags } from '../core/run-tags.js';
import { UsageError } from '../core/errors.js';
import type { ParsedArgs } from './command.js';

/**
 * The tags of repeated `--tag key=value` flags, or undefined when none was
 * given. The value is everything after the first `=` (it may hold more);
 * the key is checked as a definition's tags are (see `checkRunTags`), except
 * that a filter may name Strata's own (`reserved: 'allowed'`). A key given
 * twice with two values is a usage error, not a silent last-wins.
 */
export function tagsFlag(args: ParsedArgs, options: { readonly reserved?: 'allowed' } = {}): RunTags | undefined {
  const values = args.flags.tag;
  const given = typeof values === 'string' ? [values] : Array.isArray(values) ? values : [];
  if (given.length === 0) return undefined;
  const tags: Record<string, string> = {};
  for (const text of given) {
    const separator = text.indexOf('=');
    if (separator === -1) throw new UsageError(`--tag must be key=value, got "${text}".`, { hint: 'e.g. --tag team=growth; repeat --tag for more tags.' });
    const key = text.slice(0, separator);
    const value = text.slice(separator + 1);
    const problem = options.reserved === 'allowed' && key.startsWith(RESERVED_TAG_PREFIX) ? undefined : describeTagKey(key);
    if (problem !== undefined) throw new UsageError(`--tag "${text}": tag ${problem}.`, { hint: 'e.g. --tag team=growth: a key before the first "=", the value after it.' });
    if (tags[key] !== undefined && tags[key] !== value) {
      throw new UsageError(`--tag gives "${key}" two values: "${tags[key]}" and "${value}".`, { hint: 'A run has one value per tag key: keep one of them.' });
    }
    tags[key] = value;
  }
  return tags;
}

/** `team=growth, ticket=42` in key order, or `-` for none: how tables and headers show tags. */
export function formatTags(tags: RunTags): string {
  return Object.keys(tags).sort().map((key) => `${key}=${tags[key]}`).join(', ') || '-';
}
