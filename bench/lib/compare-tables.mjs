import { existsSync } from 'node:fs';
import path from 'node:path';
import { csvRecordBatches } from './csv-records.mjs';

/** The example's tables, in the order the pipeline builds them. */
export const EXAMPLE_TABLES = ['users', 'posts', 'posts_enriched', 'user_stats', 'top_authors', 'summary'];

/**
 * The numeric columns of the example's tables. Only these compare as numbers
 * (pandas writes 100.0 where Strata writes 100); every other column compares
 * as text, so a zipcode 01234 written as 1234 is a mismatch, not "equal".
 */
const NUMERIC_COLUMNS = new Set([
  'id', 'user_id', 'lat', 'lng', 'title_length', 'body_length', 'word_count', 'post_count', 'total_words',
  'avg_words_per_post', 'avg_title_length', 'rank', 'total_users', 'total_posts', 'avg_posts_per_user',
  'max_words_post_id', 'users_without_posts', 'orphan_posts',
]);

const TOLERANCE = 1e-9;
/** Mismatching cells kept per table for results.json (the terminal shows fewer); the count covers them all. */
const KEPT_MISMATCHES = 200;

/**
 * Compares the CSV tables of two output folders cell by cell, streaming both
 * files in step. Returns one entry per table: `{ table, rows, mismatches,
 * examples: [{ row, id, column, left, right }] }` where `row` counts data rows
 * from 1, `id` is the row's first field, and `rows` is the row count of
 * `left` (a difference in row count is reported as a mismatch on column `(row)`).
 */
export async function compareTables(leftDir, rightDir, tables = EXAMPLE_TABLES) {
  const results = [];
  for (const table of tables) {
    const leftFile = path.join(leftDir, `${table}.csv`);
    const rightFile = path.join(rightDir, `${table}.csv`);
    if (!existsSync(leftFile) || !existsSync(rightFile)) {
      results.push({ table, rows: 0, mismatches: 1, examples: [{ row: 0, id: '', column: '(file)', left: existsSync(leftFile) ? 'present' : 'missing', right: existsSync(rightFile) ? 'present' : 'missing' }] });
      continue;
    }
    results.push({ table, ...(await compareFiles(leftFile, rightFile)) });
  }
  return results;
}

async function compareFiles(leftFile, rightFile) {
  const left = recordCursor(leftFile);
  const right = recordCursor(rightFile);
  let header;
  let rows = 0;
  let mismatches = 0;
  const examples = [];
  const note = (example) => {
    mismatches++;
    if (examples.length < KEPT_MISMATCHES) examples.push(example);
  };
  for (let row = 0; ; row++) {
    const a = await left.next();
    const b = await right.next();
    if (a === undefined && b === undefined) break;
    if (a === undefined || b === undefined) {
      // Count the rest of the longer table so the report says how many rows differ.
      const rest = a === undefined ? right : left;
      let extra = 1;
      while ((await rest.next()) !== undefined) extra++;
      if (a !== undefined) rows += extra;
      note({ row, id: '', column: '(row)', left: a === undefined ? 'end of table' : `${extra} more rows`, right: b === undefined ? 'end of table' : `${extra} more rows` });
      break;
    }
    if (row === 0) {
      header = a;
      if (a.join(',') !== b.join(',')) note({ row: 0, id: '', column: '(header)', left: a.join(','), right: b.join(',') });
      continue;
    }
    rows++;
    const width = Math.max(a.length, b.length);
    for (let column = 0; column < width; column++) {
      const name = header[column] ?? `#${column}`;
      if (!sameCell(name, a[column], b[column])) note({ row, id: a[0], column: name, left: a[column], right: b[column] });
    }
  }
  return { rows, mismatches, examples };
}

/** One record at a time over the batches; `next()` resolves undefined at the end. */
function recordCursor(file) {
  const batches = csvRecordBatches(file)[Symbol.asyncIterator]();
  let batch = [];
  let index = 0;
  return {
    async next() {
      while (index >= batch.length) {
        const step = await batches.next();
        if (step.done) return undefined;
        batch = step.value;
        index = 0;
      }
      return batch[index++];
    },
  };
}

function sameCell(column, left, right) {
  if (left === right) return true;
  if (left === undefined || right === undefined || !NUMERIC_COLUMNS.has(column)) return false;
  const a = Number(left);
  const b = Number(right);
  if (left.trim() === '' || right.trim() === '' || Number.isNaN(a) || Number.isNaN(b)) return false;
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}
