import { UsageError } from '../../core/errors.js';
import type { ColumnSpec } from '../../core/row-schema.js';
import type { CellValue } from '../../core/table.js';
import { type AssetPreview, previewCsvChunks } from '../../instance/asset-preview.js';
import type { OutputStream } from '../cli-io.js';
import { type Command, EXIT } from '../command.js';
import { formatCount, plural } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { renderTable, usableWidth, visibleLength } from '../render-table.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { writeJson } from '../write-json.js';

const DEFAULT_LIMIT = 20;
const FORMATS = ['table', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** The narrowest a column of the table gets before columns are left out instead (`renderTable` stops narrowing there). */
const NARROWEST_COLUMN = 8;

export const showCommand: Command = {
  name: 'show',
  summary: "Show the first rows of an asset's stored table: a terminal table, CSV or JSON",
  usage: 'assets show <key> [--limit N] [--format table|csv|json] [--columns a,b] [--partition KEY]',
  description:
    "Reads the stored table through the asset's IO manager, only as far as the rows shown: --limit 20 of a\n" +
    'table of millions of rows returns at once. The table fits the terminal: long values end in an ellipsis, and\n' +
    'columns that do not fit are left out (stderr names them; --columns picks them). In the table, an empty\n' +
    'cell is null or empty text, and line breaks and other control characters show as escapes (\\n); csv and json\n' +
    'are exact. csv is RFC 4180 with a header, as the CSV IO manager writes it; json is one array of row objects.\n' +
    'How many rows were shown, of how many, goes to stderr.',
  maxPositionals: 1,
  flags: {
    limit: { type: 'string', valueName: 'N', description: `Show at most N rows (default ${DEFAULT_LIMIT})` },
    format: { type: 'string', valueName: 'FORMAT', description: 'table (default), csv or json' },
    json: { type: 'boolean', description: 'The same as --format json' },
    columns: { type: 'string', valueName: 'A,B', description: 'Only these columns, in this order (default: every column of the schema)' },
    partition: { type: 'string', valueName: 'KEY', description: 'For a partitioned asset: the partition to show' },
    ...DEFINITIONS_FLAG,
  },
  examples: [
    'assets show users',
    'assets show posts --columns id,title,word_count --limit 5',
    'assets show top_authors --format csv > top_authors.csv',
    'assets show user_stats --json | jq ".[] | select(.post_count > 5)"',
    'assets show posts_daily --partition 2026-01-05 --limit 5',
  ],
  async run(args, io) {
    const key = args.positionals[0];
    if (key === undefined) throw new UsageError('`assets show` needs an asset key.', { hint: 'e.g. assets show users' });
    const limit = integerFlag('limit', stringFlag(args, 'limit'), 1) ?? DEFAULT_LIMIT;
    const format = formatOf(stringFlag(args, 'format'), booleanFlag(args, 'json'));
    const columns = stringFlag(args, 'columns')
      ?.split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    const instance = await openCommandInstance(io);
    try {
      const preview = await instance.preview(key, { limit, columns, partition: stringFlag(args, 'partition') });
      if (format === 'json') writeJson(io, preview.rows);
      else if (format === 'csv') writeCsv(io.stdout, key, preview);
      else writeTable(io, preview);
      io.stderr.write(`${describeShown(key, preview, limit)}\n`);
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

function formatOf(format: string | undefined, json: boolean): Format {
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`Unknown --format "${format}".`, { hint: `Use one of ${FORMATS.join(', ')}.` });
  }
  if (json && format !== undefined && format !== 'json') throw new UsageError(`--json cannot be combined with --format ${format}.`, { hint: '--json is short for --format json.' });
  return json ? 'json' : ((format as Format | undefined) ?? 'table');
}

/** The rows as the CSV IO manager writes a table (see `previewCsvChunks`). */
function writeCsv(stdout: OutputStream, key: string, preview: AssetPreview): void {
  for (const chunk of previewCsvChunks(key, preview)) stdout.write(chunk.toString('utf8'));
}

/**
 * The rows as a table that fits the terminal: as many columns as fit at
 * their narrowest, in order (stderr names the rest), values cut with an
 * ellipsis. Not a terminal: every column, in full.
 */
function writeTable(io: { readonly stdout: OutputStream; readonly stderr: OutputStream }, preview: AssetPreview): void {
  const cells = preview.rows.map((row) => preview.columns.map((column) => cellText(row[column.name]!)));
  const maxWidth = usableWidth(io.stdout.columns);
  const shown = maxWidth === undefined ? preview.columns.length : columnsThatFit(preview.columns, cells, maxWidth);
  io.stdout.write(
    renderTable(
      preview.columns.slice(0, shown).map((column) => ({ header: column.name, align: column.kind === 'number' || column.kind === 'integer' ? 'right' : 'left' })),
      cells.map((row) => row.slice(0, shown)),
      { maxWidth },
    ),
  );
  const left = preview.columns.slice(shown).map((column) => column.name);
  if (left.length > 0) {
    io.stderr.write(`${plural(left.length, 'more column')} did not fit the terminal: ${left.join(', ')}. Pick columns with --columns, or use --format csv.\n`);
  }
}

/** How many of the columns, from the first, fit `maxWidth` at their narrowest (at least one, cut to the width). */
function columnsThatFit(columns: readonly ColumnSpec[], cells: readonly (readonly string[])[], maxWidth: number): number {
  let used = 0;
  for (let index = 0; index < columns.length; index++) {
    const natural = Math.max(visibleLength(columns[index]!.name), ...cells.map((row) => visibleLength(row[index]!)));
    used += (index === 0 ? 0 : 2) + Math.min(natural, NARROWEST_COLUMN);
    if (used > maxWidth) return Math.max(1, index);
  }
  return columns.length;
}

/** Control characters (C0, DEL, C1): written raw, a line break would split a row and an escape sequence would drive the terminal. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A cell as the table shows it: null blank (as psql shows it), numbers as JavaScript writes them, control characters escaped. */
function cellText(value: CellValue): string {
  if (value === null) return '';
  if (typeof value !== 'string') return Object.is(value, -0) ? '-0' : String(value);
  return value.replace(CONTROL, (char) => ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** "Showing 20 of 1,000 rows of orders; --limit N shows more." and its variants, for stderr. */
function describeShown(key: string, preview: AssetPreview, limit: number): string {
  const shown = preview.rows.length;
  if (!preview.truncated) return shown === 0 ? `${key} has no rows.` : shown === 1 ? `Showing the one row of ${key}.` : `Showing all ${shown} rows of ${key}.`;
  // The recorded count is from the materialization; a table changed since (by hand) may hold fewer or more.
  const total = preview.totalRows !== undefined && preview.totalRows > shown ? ` of ${formatCount(preview.totalRows)}` : '';
  return `Showing ${total === '' ? 'the first ' : ''}${formatCount(limit)}${total} rows of ${key}; --limit N shows more.`;
}
