import { describe, expect, it } from 'vitest';
import type { ColumnSpec } from '../../src/core/row-schema.js';
import { Table, type Row } from '../../src/core/table.js';
import { CSV_CHUNK_BYTES, encodeCsv } from '../../src/io-managers/csv-writer.js';

describe('encodeCsv', () => {
  it('hands out a large table in chunks of about CSV_CHUNK_BYTES, never as one piece', () => {
    const columns: ColumnSpec[] = [{ name: 'line', kind: 'string', nullable: false }];
    const rows = 300_000;
    const table = Table.fromColumns<Row>({ line: Array.from({ length: rows }, (_, index) => `row ${index}`) }, ['line']);
    const chunks = Array.from(encodeCsv(table, columns, 'big'), (chunk) => Buffer.from(chunk));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks.slice(0, -1)) {
      // A chunk is handed out when the next field might not fit: within one field's worst case of full.
      expect(chunk.length).toBeGreaterThan(CSV_CHUNK_BYTES - 64);
      expect(chunk.length).toBeLessThanOrEqual(CSV_CHUNK_BYTES);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.split('\n')).toHaveLength(rows + 2); // header, rows, and the empty string after the last \n
  });

  it('keeps a chunk intact while the next one is produced, then reuses its memory', () => {
    const columns: ColumnSpec[] = [{ name: 'n', kind: 'integer', nullable: false }];
    const table = Table.fromColumns<Row>({ n: Array.from({ length: 600_000 }, (_, index) => index) }, ['n']);
    const copies: Buffer[] = [];
    let previous: { chunk: Buffer; copy: Buffer } | undefined;
    for (const chunk of encodeCsv(table, columns, 'ring')) {
      // What a writer does: it still holds the previous chunk while this one was produced.
      if (previous !== undefined) expect(previous.chunk.equals(previous.copy)).toBe(true);
      previous = { chunk, copy: Buffer.from(chunk) };
      copies.push(previous.copy);
    }
    expect(copies.length).toBeGreaterThan(3);
    expect(Buffer.concat(copies).toString('utf8')).toBe(['n', ...table.column('n').map(String), ''].join('\n'));
  });

  it('gives a field larger than a chunk a chunk of its own size', () => {
    const columns: ColumnSpec[] = [{ name: 'text', kind: 'string', nullable: false }];
    const huge = 'é'.repeat(CSV_CHUNK_BYTES);
    const table = Table.fromColumns<Row>({ text: ['a', huge, 'b', huge] }, ['text']);
    const bytes = Buffer.concat(Array.from(encodeCsv(table, columns, 'huge'), (chunk) => Buffer.from(chunk)));
    expect(bytes.toString('utf8')).toBe(`text\na\n${huge}\nb\n${huge}\n`);
  });

  it('writes numbers as String(n) would, except -0, across the 32-bit fast path and beyond', () => {
    const columns: ColumnSpec[] = [{ name: 'x', kind: 'number', nullable: true }];
    const values = [0, -0, 7, -7, 10, -10, 99, 100, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 0.1, -2.5, 1e21, 5e-324, null];
    const text = Buffer.concat([...encodeCsv(Table.fromColumns<Row>({ x: values }, ['x']), columns, 'numbers')]).toString('utf8');
    const expected = values.map((value) => (value === null ? '' : Object.is(value, -0) ? '-0' : String(value)));
    expect(text).toBe(['x', ...expected, ''].join('\n'));
  });

  it('checks values lazily, so a bad last row fails after earlier chunks were handed out', () => {
    const columns: ColumnSpec[] = [{ name: 'n', kind: 'number', nullable: false }];
    const values = Array.from({ length: 400_000 }, (_, index) => (index === 399_999 ? Number.NaN : index));
    const chunks: Buffer[] = [];
    expect(() => {
      for (const chunk of encodeCsv(Table.fromColumns<Row>({ n: values }, ['n']), columns, 'lazy')) chunks.push(chunk);
    }).toThrow('Cannot store asset "lazy": row 399999 of 400000, column "n" must be a finite number, got NaN.');
    expect(chunks.length).toBeGreaterThan(0);
  });
});
