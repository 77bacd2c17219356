/*
 * What every kind of partitions definition does with a list of keys the same
 * way: the rules a user-chosen key (static, dynamic) must follow, the
 * did-you-mean for one that is not there, and the inclusive range between two
 * keys with its errors.
 */
import { UsageError } from './errors.js';
import { suggestClosest } from './suggest.js';

/** The separator of a multi-partition key's dimensions (`2026-01-05|eu`), so no single key may hold it. */
export const DIMENSION_SEPARATOR = '|';

/**
 * Why `key` cannot be a static or dynamic partition key, or undefined when it
 * can. Characters a file system dislikes (`/`, `..`) are allowed: IO managers
 * encode them; `|` would split a multi-partition key and control characters
 * cannot be typed or printed.
 */
export function keyTextProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key === '') return 'a partition key must be a non-empty string';
  if (key.includes(DIMENSION_SEPARATOR)) return `partition key "${key}" holds "|", which separates the dimensions of a multi-partition key`;
  if (/[\u0000-\u001f\u007f]/.test(key)) return `partition key ${JSON.stringify(key)} holds a control character`;
  return undefined;
}

/** Why `key` is not one of `keys`, with the closest ones; `kind` names the partitions (`static`, `dynamic "tenants"`). */
export function unknownKeyProblem(key: string, keys: readonly string[], kind: string): string {
  if (keys.length === 0) return `"${key}" is not a partition: the ${kind} partitions have no keys yet`;
  const suggestions = suggestClosest(key, keys);
  const guess = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
  return `"${key}" is not one of the ${keys.length} ${kind} partitions (${listSome(keys)})${guess}`;
}

/** `FROM...TO`, both included, as `--partition-range` and Dagster's partition ranges write it. */
const RANGE = /^(.+?)\.\.\.(.+)$/;

/** The two bounds of `FROM...TO`; undefined for text that is no range. */
export function splitPartitionRange(text: string): { from: string; to: string } | undefined {
  const match = RANGE.exec(text);
  return match === null ? undefined : { from: match[1]!, to: match[2]! };
}

/** The first few of `keys` for a message, and how many more there are. */
export function listSome(keys: readonly string[], shown = 5): string {
  if (keys.length <= shown) return keys.join(', ');
  return `${keys.slice(0, shown).join(', ')}, ... ${keys.length - shown} more`;
}

/**
 * The keys of `keys` from `from` to `to`, both included. A bound that is not
 * a key (`problemOf` says why) or a start after the end is a `UsageError`
 * naming that bound and the range there is.
 */
export function keysBetweenIn(
  keys: readonly string[],
  from: string,
  to: string,
  problemOf: (key: string) => string | undefined,
  what: string,
): readonly string[] {
  const available = keys.length === 0 ? `${what} has no partitions yet.` : `The partitions of ${what} run from ${keys[0]} to ${keys[keys.length - 1]}.`;
  const indices: number[] = [];
  for (const [bound, key] of [['start', from], ['end', to]] as const) {
    const index = keys.indexOf(key);
    if (index === -1) {
      throw new UsageError(`The range's ${bound} "${key}" is not a partition: ${problemOf(key) ?? 'it is not one of the keys now'}.`, { hint: available });
    }
    indices.push(index);
  }
  const [first, last] = indices as [number, number];
  if (first > last) {
    throw new UsageError(`The range's start "${from}" comes after its end "${to}".`, { hint: `Give the earlier partition first: ${to}...${from}.` });
  }
  return keys.slice(first, last + 1);
}
