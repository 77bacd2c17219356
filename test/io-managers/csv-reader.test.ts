import { describe, expect, it } from 'vitest';
import type { ColumnSpec } from '../../src/core/row-schema.js';
import { Table, type Row } from '../../src/core/table.js';
import { readCsvRows, readCsvTable } from '../../src/io-managers/csv-reader.js';
import { encodeCsv } from '../../src/io-managers/csv-writer.js';
import { everyKindAsset, everyKindRows } from './io-manager-contract.js';

const source = { path: '/data/t.csv', hint: 'fix it' };

async function* inPieces(bytes: Buffer, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
}

const columns: ColumnSpec[] = [
  { name: 'id', kind: 'integer', nullable: false },
  { name: 'text', kind: 'string', nullable: true },
];

// Every hazard of the grammar in a few lines: quotes doubled at the edges, CRLF inside
// and after quotes, an unquoted CRLF end, an empty quoted field, a null, multi-byte text.
const hazards = Buffer.from(
  'id,text\r\n1,"""a"",\r\nb"""\r\n2,""\n3,\r\n-4,"é 🦀 ""x"""\r\n5,plain é\n6,"z"',
);
const expected: Row[] = [
  { id: 1, text: '"a",\r\nb"' },
  { id: 2, text: '' },
  { id: 3, text: null },
  { id: -4, text: 'é 🦀 "x"' },
  { id: 5, text: 'plain é' },
  { id: 6, text: 'z' },
];

describe('readCsvTable', () => {
  it('reads the same table wherever the input is cut in two', async () => {
    for (let cut = 0; cut <= hazards.length; cut++) {
      const table = await readCsvTable(inPieces(hazards, [cut]), columns, source);
      expect(table.rows(), `cut at byte ${cut}`).toEqual(expected);
    }
  });

  it('reads the same table from one-byte chunks', async () => {
    const cuts = Array.from({ length: hazards.length - 1 }, (_, index) => index + 1);
    expect((await readCsvTable(inPieces(hazards, cuts), columns, source)).rows()).toEqual(expected);
  });

  it('reads back what encodeCsv wrote, even one byte at a time', async () => {
    const bytes = Buffer.concat([...encodeCsv(Table.fromRows(everyKindRows, everyKindAsset.columns.map((c) => c.name)), everyKindAsset.columns, 'k')]);
    const cuts = Array.from({ length: bytes.length - 1 }, (_, index) => index + 1);
    expect((await readCsvTable(inPieces(bytes, cuts), everyKindAsset.columns, source)).rows()).toEqual(everyKindRows);
  });

  it('counts the line of an error the same way wherever the input is cut', async () => {
    const bytes = Buffer.from('id,text\n1,"a\nb"\n2,"c\r\nd"\nx,e\n');
    for (let cut = 0; cut <= bytes.length; cut++) {
      await expect(readCsvTable(inPieces(bytes, [cut]), columns, source), `cut at byte ${cut}`).rejects.toThrow(
        'Cannot read /data/t.csv: line 6: column "id" must be an integer, got "x".',
      );
    }
  });

  it('reports invalid UTF-8 on its line wherever the input is cut', async () => {
    const bytes = Buffer.concat([Buffer.from('id,text\n1,"é\n'), Buffer.from([0xe2, 0x28, 0xa1]), Buffer.from('"\n')]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      await expect(readCsvTable(inPieces(bytes, [cut]), columns, source), `cut at byte ${cut}`).rejects.toThrow(
        'Cannot read /data/t.csv: line 3: invalid UTF-8.',
      );
    }
  });

  it('reads a header-only file as a table with no rows', async () => {
    const table = await readCsvTable(inPieces(Buffer.from('text,id\n'), []), columns, source);
    expect(table.numRows).toBe(0);
    expect(table.columnNames).toEqual(['id', 'text']);
  });

  it('rejects a header that names a schema column twice', async () => {
    await expect(readCsvTable(inPieces(Buffer.from('id,text,id\n1,a,2\n'), []), columns, source)).rejects.toThrow(
      'line 1: column "id" appears more than once in the header',
    );
  });

  it('rejects a lone CR after a closing quote', async () => {
    await expect(readCsvTable(inPieces(Buffer.from('id,text\n1,"a"\rb\n'), []), columns, source)).rejects.toThrow(
      'line 2: a carriage return after a closing quote must be followed by a line feed',
    );
  });
});

describe('readCsvRows', () => {
  const rowsOf = async (chunks: AsyncIterable<Uint8Array>, limit: number): Promise<Row[]> => {
    const rows: Row[] = [];
    for await (const batch of readCsvRows(chunks, columns, source, limit)) rows.push(...batch);
    return rows;
  };

  it('reads the rows readCsvTable reads wherever the input is cut, with or without a limit', async () => {
    for (let cut = 0; cut <= hazards.length; cut++) {
      expect(await rowsOf(inPieces(hazards, [cut]), Number.POSITIVE_INFINITY), `cut at byte ${cut}`).toEqual(expected);
      expect(await rowsOf(inPieces(hazards, [cut]), 2), `cut at byte ${cut}`).toEqual(expected.slice(0, 2));
    }
  });

  it('stops pulling chunks at the limit, so an endless input still ends', async () => {
    let pulled = 0;
    let ended = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        yield Buffer.from('id,text\n');
        for (let n = 0; ; n++) {
          pulled++;
          yield Buffer.from(`${n},row ${n}\n`);
        }
      } finally {
        ended = true;
      }
    }
    expect(await rowsOf(endless(), 3)).toEqual([
      { id: 0, text: 'row 0' },
      { id: 1, text: 'row 1' },
      { id: 2, text: 'row 2' },
    ]);
    expect(pulled).toBe(3);
    // Its iteration was ended (what closes a file stream), not just left waiting.
    expect(ended).toBe(true);
  });

  it('never reports a malformed line after the limit, even in the same chunk', async () => {
    const bytes = Buffer.from('id,text\n1,a\n2,b\nnot a number,c\n3,"unterminated\n');
    expect(await rowsOf(inPieces(bytes, []), 2)).toEqual([
      { id: 1, text: 'a' },
      { id: 2, text: 'b' },
    ]);
    await expect(rowsOf(inPieces(bytes, []), 3)).rejects.toThrow('line 4: column "id" must be an integer, got "not a number"');
  });

  it('checks the header even when no row is wanted, and rejects an empty input', async () => {
    expect(await rowsOf(inPieces(Buffer.from('text,id\n1,x\n'), []), 0)).toEqual([]);
    await expect(rowsOf(inPieces(Buffer.from('text\n'), []), 0)).rejects.toThrow('column "id" is missing from the header');
    await expect(rowsOf(inPieces(Buffer.from(''), []), 5)).rejects.toThrow('line 1: the file is empty');
  });
});
