import { createHash } from 'node:crypto';
import { IOManagerError } from '../core/errors.js';
import type { StoredAsset, StoredPartition } from '../core/io-manager.js';
import { isWellFormed } from './check-stored-table.js';

/*
 * How a partition is named where it is stored (a file path under the asset's
 * folder, a Postgres table) and in messages. One encoding for every IO
 * manager, so a partition has the same name in a folder and in a database.
 */

/** Bytes kept as they are in a partition's name: letters, digits, `_` and `-`. */
const KEPT_BYTE = /^[A-Za-z0-9_-]$/;

/**
 * Names Windows reserves for devices, whatever the case or extension
 * (`CON.csv` opens the console): a key spelled so gets its first byte encoded.
 */
const RESERVED_WINDOWS_NAME = /^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])$/i;

/** How much of a name's hash a shortened name keeps: 64 bits, so two long keys never meet in practice. */
const HASH_HEX_DIGITS = 16;

/**
 * One dimension's text (a key, or a dimension's name) as a name no file
 * system or shell reads as anything but a name: every UTF-8 byte outside
 * `[A-Za-z0-9_-]` is percent-encoded with uppercase hex, `.` and `%`
 * included. Why so strict: a partition key is user text (a dynamic partition
 * added from the command line), and `..`, `a/b`, `a\b` or a leading `.`
 * would otherwise climb out of the asset's folder, hide the file, or split
 * one key into folders; and encoding `%` itself keeps the encoding one to
 * one, so `a/b` (`a%2Fb`) and a key spelled `a%2Fb` (`a%252Fb`) stay two
 * files. Dates stay readable (`2026-01-05`, hourly `2026-01-05-13%3A00`),
 * which is what most keys are.
 *
 * Not handled: a file system that ignores case (macOS and Windows by default)
 * sees the static keys `eu` and `EU` as one file, as it does asset keys.
 */
function encodePartitionText(text: string): string {
  if (text.length === 0) {
    throw new IOManagerError('A partition key (or a dimension name) is empty, so it cannot name where a partition is stored.', {
      hint: 'Give every partition a non-empty key.',
    });
  }
  if (!isWellFormed(text)) {
    throw new IOManagerError(`The partition key ${JSON.stringify(text)} holds a lone surrogate, which has no UTF-8 form to name a file or table with.`, {
      hint: 'Give partitions keys of well-formed Unicode text.',
    });
  }
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += KEPT_BYTE.test(char) ? char : percent(byte);
  }
  return RESERVED_WINDOWS_NAME.test(encoded) ? percent(encoded.charCodeAt(0)) + encoded.slice(1) : encoded;
}

/**
 * The names a partition is stored under, outermost first: one per part,
 * `<key>` for an unnamed part (a single-dimension key) and
 * `<dimension>=<key>` for a named one (`date=2026-01-05`, `region=eu`). `=`
 * is encoded inside names, so the split is never ambiguous.
 */
export function partitionSegments(partition: StoredPartition): string[] {
  if (partition.parts.length === 0) {
    throw new IOManagerError(`Partition "${partition.key}" has no parts to name where it is stored.`, {
      hint: "Build a StoredPartition with the definition's parts(key): one part per dimension.",
    });
  }
  return partition.parts.map((part) => (part.dimension === undefined ? encodePartitionText(part.key) : `${encodePartitionText(part.dimension)}=${encodePartitionText(part.key)}`));
}

/**
 * `name` when it fits in `maxBytes`, else its start and `~` and 16 hex digits
 * of its sha256, `maxBytes` long: file names (255 bytes on common file
 * systems) and Postgres names (63) are limited, keys are not. `~` never
 * appears in an encoded name or an asset key, so a shortened name cannot
 * equal one that was not.
 */
export function shortenName(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, HASH_HEX_DIGITS);
  let start = '';
  let bytes = 0;
  // By code point, so a multi-byte character (in an asset key) is kept whole or left out.
  for (const char of name) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes - 1 - HASH_HEX_DIGITS) break;
    start += char;
  }
  return `${start}~${hash}`;
}

/** What a message calls a stored table: `asset "customers"`, or `partition "2026-01-05" of asset "orders_daily"`. */
export function describeStored(asset: Pick<StoredAsset, 'key' | 'partition'>): string {
  return asset.partition === undefined ? `asset "${asset.key}"` : `partition "${asset.partition.key}" of asset "${asset.key}"`;
}

/** The command that materializes what `asset` names (its partition too), for hints. */
export function materializeCommand(asset: Pick<StoredAsset, 'key' | 'partition'>): string {
  const command = `assets materialize --select ${asset.key}`;
  if (asset.partition === undefined) return command;
  const key = asset.partition.key;
  // Quoted unless plain: a multi-partition key's `|` is a pipe to a shell.
  return `${command} --partition ${/^[\w.:-]+$/.test(key) ? key : `'${key.replaceAll("'", "'\\''")}'`}`;
}

function percent(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}
