import { describe, expect, it } from 'vitest';
import type { ColumnSpec } from '../../src/core/row-schema.js';
import { Table, type Row } from '../../src/core/table.js';
import { encodeCsv } from '../../src/io-managers/csv-writer.js';

describe('encodeCsv', () => {
  it('hands out a large table in chunks of about 64 KiB, never as one piece', () => {
    const columns: ColumnSpec[] = [{ name: 'line', kind: 'string', nullable: false }];
    const rows = 50_000;
    const table = Table.fromColumns<Row>({ line: Array.from({ length: rows }, (_, index) => `row ${index}`) }, ['line']);
    const chunks = [...encodeCsv(table, columns, 'big')];
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks.slice(0, -1)) {
      // ASCII here, so bytes = characters: at least 64 Ki, plus at most the line that crossed it.
      expect(chunk.length).toBeGreaterThanOrEqual(64 * 1024);
      expect(chunk.length).toBeLessThan(64 * 1024 + 16);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.split('\n')).toHaveLength(rows + 2); // header, rows, and the empty string after the last \n
  });

  it('checks values lazily, so a bad last row fails after earlier chunks were handed out', () => {
    const columns: ColumnSpec[] = [{ name: 'n', kind: 'number', nullable: false }];
    const values = Array.from({ length: 50_000 }, (_, index) => (index === 49_999 ? Number.NaN : index));
    const chunks: Buffer[] = [];
    expect(() => {
      for (const chunk of encodeCsv(Table.fromColumns<Row>({ n: values }, ['n']), columns, 'lazy')) chunks.push(chunk);
    }).toThrow('Cannot store asset "lazy": row 50000 of 50000, column "n" must be a finite number, got NaN.');
    expect(chunks.length).toBeGreaterThan(0);
  });
});
