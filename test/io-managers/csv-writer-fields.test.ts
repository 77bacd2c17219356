import { describe, expect, it } from 'vitest';
import type { ColumnSpec } from '../../src/core/row-schema.js';
import { Table, type Row } from '../../src/core/table.js';
import { CSV_CHUNK_BYTES, encodeCsv } from '../../src/io-managers/csv-writer.js';

/** The CSV the writer must produce, built the plain way: one string, encoded once. */
function reference(columns: readonly ColumnSpec[], rows: readonly Row[]): Buffer {
  const field = (value: unknown): string => {
    if (value === null) return '';
    if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
    const text = String(value);
    return text === '' || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [columns.map((column) => field(column.name)), ...rows.map((row) => columns.map((column) => field(row[column.name])))];
  return Buffer.from(lines.map((line) => line.join(',') + '\n').join(''), 'utf8');
}

function encode(columns: readonly ColumnSpec[], rows: readonly Row[], key = 'fields'): Buffer {
  const table = Table.fromRows<Row>(rows, columns.map((column) => column.name));
  return Buffer.concat(Array.from(encodeCsv(table, columns, key), (chunk) => Buffer.from(chunk)));
}

const text: ColumnSpec = { name: 'text', kind: 'string', nullable: true };

describe('encodeCsv string fields', () => {
  it('writes ASCII, Latin-1, other BMP text and surrogate pairs, quoted or not, as UTF-8', () => {
    const values = ['plain', 'café', 'Łódź', '日本語', 'rocket 🚀', '👩‍💻', 'comma, é', 'quote " é', '"🚀"', 'line\nbreak ł', 'cr\r', '', null, ' spaced ', '""'];
    const rows = values.map((value) => ({ text: value }));
    expect(encode([text], rows)).toEqual(reference([text], rows));
  });

  it('rejects a lone surrogate whether or not the field is quoted, and wherever it sits', () => {
    for (const bad of ['\ud800', 'lone \udc00 low', 'ends high \ud83d', 'comma, \ud800', 'quote " \udfff', '\ud83d\ud83d\ude80']) {
      const rows = [{ text: 'fine' }, { text: bad }];
      expect(() => encode([text], rows, 'lone')).toThrow('Cannot store asset "lone": row 1 of 2, column "text" has a lone surrogate, which UTF-8 cannot store.');
    }
  });

  it('writes rows of mixed columns across many chunks exactly as one string would be, resuming mid-row', () => {
    const columns: ColumnSpec[] = [
      { name: 'id', kind: 'integer', nullable: false },
      { name: 'title', kind: 'string', nullable: false },
      { name: 'score', kind: 'number', nullable: true },
      { name: 'body', kind: 'string', nullable: true },
      { name: 'flag', kind: 'boolean', nullable: true },
    ];
    const words = ['alpha', 'béta', 'γάμμα', 'd"elta', 'eps,ilon', '🚀', 'line\nfeed'];
    const rows: Row[] = Array.from({ length: 40_000 }, (_, row) => ({
      id: row - 20_000,
      title: words[row % words.length]!.repeat(1 + (row % 5)),
      score: row % 7 === 0 ? null : row % 11 === 0 ? -0 : (row * 1.37) % 1000,
      body: row % 13 === 0 ? null : row % 17 === 0 ? '' : Array.from({ length: 1 + (row % 9) }, (_, word) => words[(row + word) % words.length]).join(' '),
      flag: row % 3 === 0 ? null : row % 2 === 0,
    }));
    const bytes = encode(columns, rows);
    expect(bytes.length).toBeGreaterThan(3 * CSV_CHUNK_BYTES);
    expect(bytes.equals(reference(columns, rows))).toBe(true);
  });

  it('gives a field too big for the chunk in use a chunk of its own in the middle of a row', () => {
    const columns: ColumnSpec[] = [
      { name: 'before', kind: 'string', nullable: false },
      { name: 'huge', kind: 'string', nullable: false },
      { name: 'after', kind: 'integer', nullable: false },
    ];
    const rows: Row[] = [
      { before: 'a', huge: 'x, "y"'.repeat(CSV_CHUNK_BYTES / 4), after: 1 },
      { before: 'b', huge: 'small', after: 2 },
      { before: 'c', huge: 'ü'.repeat(CSV_CHUNK_BYTES), after: 3 },
    ];
    expect(encode(columns, rows).equals(reference(columns, rows))).toBe(true);
  });

  it('names the row and column of a wrong value found after earlier chunks', () => {
    const columns: ColumnSpec[] = [
      { name: 'text', kind: 'string', nullable: false },
      { name: 'n', kind: 'integer', nullable: false },
    ];
    const rows: Row[] = Array.from({ length: 100_000 }, (_, row) => ({ text: `row ${row}, ok`, n: row === 99_999 ? 'nine' : row }));
    expect(() => encode(columns, rows, 'late')).toThrow('Cannot store asset "late": row 99999 of 100000, column "n" must be an integer, got "nine".');
  });
});
