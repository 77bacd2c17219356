import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IOManagerError, SchemaError } from '../../src/core/errors.js';
import type { StoredAsset } from '../../src/core/io-manager.js';
import { Table, type Row } from '../../src/core/table.js';
import { CsvIOManager } from '../../src/io-managers/csv-io-manager.js';
import { MemoryIOManager } from '../../src/io-managers/memory-io-manager.js';
import { describeIOManagerContract, everyKindAsset, everyKindRows, multi, scoresAsset, single, storedFileNames } from './io-manager-contract.js';

describeIOManagerContract('CsvIOManager', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-csv-contract-'));
  return {
    // A base folder that does not exist yet: the manager must create it.
    manager: new CsvIOManager({ baseDir: join(dir, 'output') }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
    storedNames: () => storedFileNames(dir, join(dir, 'output'), 'csv'),
  };
});

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');
const names = (asset: StoredAsset): string[] => asset.columns.map((column) => column.name);
const isRoot = process.getuid?.() === 0;

/** The asset of the hand-written files below. */
const scores = scoresAsset;

describe('CsvIOManager', () => {
  let dir: string;
  let manager: CsvIOManager;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-csv-'));
    manager = new CsvIOManager({ baseDir: dir });
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await chmod(dir, 0o755);
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes a file as a person (or another tool) would, bypassing the manager. */
  const handWrite = (key: string, content: string | Buffer) => writeFile(join(dir, `${key}.csv`), content);
  const loadError = async (asset: StoredAsset): Promise<IOManagerError> => {
    const error = await manager.load(asset).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IOManagerError);
    return error as IOManagerError;
  };

  describe('where it writes', () => {
    it('is visible on this host, or to every host when its folder is declared shared', () => {
      expect(manager.visibility).toBe('host');
      expect(new CsvIOManager({ baseDir: dir, shared: true }).visibility).toBe('cluster');
    });

    it('has the kind "csv" and writes <baseDir>/<key>.csv', async () => {
      const { metadata } = await manager.store(scores, Table.fromRows<Row>([{ id: 1, name: 'a', score: 1 }], names(scores)));
      expect(manager.kind).toBe('csv');
      expect(metadata.path).toBe(join(dir, 'scores.csv'));
      expect(await readdir(dir)).toEqual(['scores.csv']);
    });

    it('creates a missing base folder, parents included', async () => {
      const nested = new CsvIOManager({ baseDir: join(dir, 'a', 'b') });
      await nested.store(scores, Table.fromRows([], names(scores)));
      expect(await readFile(join(dir, 'a', 'b', 'scores.csv'), 'utf8')).toBe('id,name,score\n');
    });

    it('defaults the base folder to STRATA_OUTPUT_DIR, resolved against the cwd', () => {
      vi.stubEnv('STRATA_OUTPUT_DIR', relative(process.cwd(), join(dir, 'from-env')));
      expect(new CsvIOManager().baseDir).toBe(join(dir, 'from-env'));
    });

    it('defaults the base folder to ./output when STRATA_OUTPUT_DIR is unset or empty', () => {
      vi.stubEnv('STRATA_OUTPUT_DIR', undefined);
      expect(new CsvIOManager().baseDir).toBe(resolve('output'));
      vi.stubEnv('STRATA_OUTPUT_DIR', '');
      expect(new CsvIOManager().baseDir).toBe(resolve('output'));
    });

    it('refuses an asset key that is not a plain file name', async () => {
      const escape: StoredAsset = { key: '../escape', columns: scores.columns };
      await expect(manager.store(escape, Table.fromRows([], names(scores)))).rejects.toThrow(/cannot be used as a CSV file name/);
      await expect(manager.dataVersion({ key: '.hidden', columns: [] })).rejects.toBeInstanceOf(IOManagerError);
    });
  });

  describe('the file format', () => {
    it('writes a header and RFC 4180 rows: quotes only where needed, null empty, "" for the empty string, LF ends', async () => {
      const asset: StoredAsset = {
        key: 'small',
        columns: [
          { name: 'id', kind: 'integer', nullable: false },
          { name: 'name', kind: 'string', nullable: false },
          { name: 'note', kind: 'string', nullable: true },
          { name: 'score', kind: 'number', nullable: true },
          { name: 'ok', kind: 'boolean', nullable: false },
        ],
      };
      const rows: Row[] = [
        { id: 1, name: 'Ada', note: 'a,b', score: 1.5, ok: true },
        { id: 2, name: 'say "hi"', note: null, score: null, ok: false },
        { id: 3, name: 'two\nlines', note: '', score: -0, ok: true },
        { id: 4, name: '01234', note: 'Zoë', score: 1e21, ok: false },
      ];
      const result = await manager.store(asset, Table.fromRows(rows, names(asset)));
      const bytes = await readFile(join(dir, 'small.csv'));
      expect(bytes.toString('utf8')).toBe(
        'id,name,note,score,ok\n' +
          '1,Ada,"a,b",1.5,true\n' +
          '2,"say ""hi""",,,false\n' +
          '3,"two\nlines","",-0,true\n' +
          '4,01234,Zoë,1e+21,false\n',
      );
      expect(bytes[0]).toBe(0x69); // "i": no byte order mark
      expect(result.metadata).toEqual({
        rows: 4,
        columns: ['id', 'name', 'note', 'score', 'ok'],
        bytes: bytes.length,
        path: join(dir, 'small.csv'),
        modifiedAtMs: (await stat(join(dir, 'small.csv'))).mtimeMs,
        changedAtMs: (await stat(join(dir, 'small.csv'))).ctimeMs,
      });
      expect(result.dataVersion).toBe(sha256(bytes));
    });

    it('quotes header names that need it', async () => {
      const asset: StoredAsset = { key: 'odd_header', columns: [{ name: 'a,b', kind: 'string', nullable: false }] };
      await manager.store(asset, Table.fromRows([{ 'a,b': 'x' }], ['a,b']));
      expect(await readFile(join(dir, 'odd_header.csv'), 'utf8')).toBe('"a,b"\nx\n');
      expect((await manager.load(asset)).rows()).toEqual([{ 'a,b': 'x' }]);
    });

    it('gives the same data version as MemoryIOManager for an equal table', async () => {
      const table = Table.fromRows(everyKindRows, names(everyKindAsset));
      const csv = await manager.store(everyKindAsset, table);
      const memory = await new MemoryIOManager().store(everyKindAsset, table);
      expect(csv.dataVersion).toBe(memory.dataVersion);
    });

    it('notices a hand-edited file: the data version changes and a load returns the edit', async () => {
      const stored = await manager.store(scores, Table.fromRows<Row>([{ id: 1, name: 'Ada', score: 2 }], names(scores)));
      await handWrite('scores', 'id,name,score\n1,Bob,2\n');
      const edited = await manager.dataVersion(scores);
      expect(edited).not.toBe(stored.dataVersion);
      expect(edited).toBe(sha256('id,name,score\n1,Bob,2\n'));
      expect((await manager.load(scores)).rows()).toEqual([{ id: 1, name: 'Bob', score: 2 }]);
    });
  });

  describe('reading files it did not write', () => {
    it('reads CRLF line ends, a byte order mark, a reordered header and extra columns', async () => {
      await handWrite('scores', '\ufeffscore,extra,name,id\r\n1.5,x,Ada,1\r\n,y,"Bob, Jr.",2\r\n');
      expect((await manager.load(scores)).rows()).toEqual([
        { id: 1, name: 'Ada', score: 1.5 },
        { id: 2, name: 'Bob, Jr.', score: null },
      ]);
    });

    it('reads quoted fields holding commas, doubled quotes and CRLF line breaks, and a last line without a line end', async () => {
      await handWrite('scores', 'id,name,score\n1,"a ""b"", c\r\nd",1\n2,"",-2.5e-3\n3,plain,');
      expect((await manager.load(scores)).rows()).toEqual([
        { id: 1, name: 'a "b", c\r\nd', score: 1 },
        { id: 2, name: '', score: -0.0025 },
        { id: 3, name: 'plain', score: null },
      ]);
    });

    it('reads an empty unquoted field of a non-nullable text column as the empty string', async () => {
      await handWrite('scores', 'id,name,score\n1,,\n');
      expect((await manager.load(scores)).rows()).toEqual([{ id: 1, name: '', score: null }]);
    });

    it('keeps text as text: leading zeros, numbers and booleans in a string column', async () => {
      await handWrite('scores', 'id,name,score\n1,01234,\n2,1e3,\n3,true,\n');
      expect((await manager.load(scores)).column('name')).toEqual(['01234', '1e3', 'true']);
    });
  });

  describe('load errors name the file, the line and the column', () => {
    const path = () => join(dir, 'scores.csv');
    const rematerialize = 'assets materialize --select scores --force';

    it('reports a missing file with a hint to materialize the asset', async () => {
      const error = await loadError(scores);
      expect(error.code).toBe('STRATA_IO');
      expect(error.message).toBe(`Cannot load asset "scores": ${path()} does not exist.`);
      expect(error.hint).toContain('assets materialize --select scores');
    });

    it('reports an empty file', async () => {
      await handWrite('scores', '');
      expect((await loadError(scores)).message).toBe(
        `Cannot read ${path()}: line 1: the file is empty; expected a header with the columns "id", "name", "score".`,
      );
    });

    it('reports a column missing from the header', async () => {
      await handWrite('scores', 'id,name\n1,a\n');
      const error = await loadError(scores);
      expect(error.message).toBe(
        `Cannot read ${path()}: line 1: column "score" is missing from the header (it has "id", "name").`,
      );
      expect(error.hint).toContain(rematerialize);
    });

    it('reports an unparsable number on its physical line, counting line breaks inside quotes', async () => {
      await handWrite('scores', 'id,name,score\n1,"two\nlines",1\n2,b,abc\n');
      const error = await loadError(scores);
      expect(error.message).toBe(`Cannot read ${path()}: line 4: column "score" must be a finite number, got "abc".`);
      expect(error.hint).toContain(rematerialize);
    });

    it.each([
      ['a fraction in an integer column', '1.5,a,1', 'column "id" must be an integer, got "1.5"'],
      ['hex in a number column', '1,a,0x10', 'column "score" must be a finite number, got "0x10"'],
      ['a lone minus sign', '1,a,-', 'column "score" must be a finite number, got "-"'],
      ['an infinite number', '1,a,1e999', 'column "score" must be a finite number, got "1e999"'],
      ['a blank in a number column', '1,a, 1', 'column "score" must be a finite number, got " 1"'],
      ['a quoted empty number', '1,a,""', 'column "score" must be a finite number, got ""'],
      ['an empty non-nullable number', ',a,1', 'column "id" is empty, but it is not nullable'],
    ])('reports %s', async (_, line, problem) => {
      await handWrite('scores', `id,name,score\n1,ok,2\n${line}\n`);
      expect((await loadError(scores)).message).toBe(`Cannot read ${path()}: line 3: ${problem}.`);
    });

    it('reports a value that is not true or false in a boolean column', async () => {
      const flags: StoredAsset = { key: 'flags', columns: [{ name: 'on', kind: 'boolean', nullable: false }] };
      await handWrite('flags', 'on\ntrue\nyes\n');
      expect((await loadError(flags)).message).toBe(
        `Cannot read ${join(dir, 'flags.csv')}: line 3: column "on" must be true or false, got "yes".`,
      );
    });

    it('reports a row with the wrong number of fields', async () => {
      await handWrite('scores', 'id,name,score\n1,a,1\n2,b\n');
      expect((await loadError(scores)).message).toBe(
        `Cannot read ${path()}: line 3: the row has 2 fields, but the header has 3.`,
      );
    });

    it('reports a quoted field that is never closed, on the line where it opens', async () => {
      await handWrite('scores', 'id,name,score\n1,a,1\n2,"open\nstill open,3\n');
      expect((await loadError(scores)).message).toBe(
        `Cannot read ${path()}: line 3: a quoted field opened on this line is never closed (the file ends inside it).`,
      );
    });

    it('reports text after a closing quote', async () => {
      await handWrite('scores', 'id,name,score\n1,"a"b,1\n');
      expect((await loadError(scores)).message).toBe(
        `Cannot read ${path()}: line 2: unexpected "b" after a closing quote; a quote inside a quoted field must be doubled.`,
      );
    });

    it('reports invalid UTF-8 on its line', async () => {
      await handWrite('scores', Buffer.concat([Buffer.from('id,name,score\n1,ok,1\n2,'), Buffer.from([0xff]), Buffer.from(',2\n')]));
      const error = await loadError(scores);
      expect(error.message).toBe(`Cannot read ${path()}: line 3: invalid UTF-8.`);
      expect(error.hint).toContain(rematerialize);
    });

    it('reports invalid UTF-8 on its line far past the first read, with characters split across reads', async () => {
      // 77-byte lines of 3-byte characters: with 64 KiB reads, a character straddles the first read boundary.
      const good = Buffer.from('1,日本語日本語日本語日本語日本語日本語日本語日本語,1\n');
      const lines = 5000;
      const file = Buffer.concat([
        Buffer.from('id,name,score\n'),
        ...Array.from({ length: lines }, () => good),
        Buffer.from([0x32, 0x2c, 0xe6, 0x97, 0x41, 0x2c, 0x32, 0x0a]), // "2," + a truncated 3-byte character + "A,2\n"
      ]);
      expect(file.length).toBeGreaterThan(4 * 64 * 1024);
      expect(file[64 * 1024]! & 0xc0).toBe(0x80); // a continuation byte
      await handWrite('scores', file);
      expect((await loadError(scores)).message).toBe(`Cannot read ${path()}: line ${lines + 2}: invalid UTF-8.`);
    });

    it('reports a file that ends in the middle of a UTF-8 character', async () => {
      await handWrite('scores', Buffer.concat([Buffer.from('id,name,score\n1,ok,1\n2,'), Buffer.from([0xe6, 0x97])]));
      expect((await loadError(scores)).message).toBe(
        `Cannot read ${path()}: line 3: invalid UTF-8: the file ends in the middle of a character.`,
      );
    });
  });

  describe('atomic writes', () => {
    const tableOfScores = (count: number, last?: number) =>
      Table.fromColumns<Row>(
        {
          id: Array.from({ length: count }, (_, index) => index),
          name: Array.from({ length: count }, (_, index) => `name number ${index}, with a comma`),
          score: Array.from({ length: count }, (_, index) => (index === count - 1 && last !== undefined ? last : index / 7)),
        },
        names(scores),
      );

    it('keeps the previous file byte-identical, and leaves no temp file, when a value in the last row fails', async () => {
      const previous = await manager.store(scores, tableOfScores(3));
      const before = await readFile(previous.metadata.path!);
      // Several chunks are written to the temp file before the last row fails.
      const bad = tableOfScores(20_000, Number.NaN);
      await expect(manager.store(scores, bad)).rejects.toBeInstanceOf(SchemaError);
      expect(await readFile(previous.metadata.path!)).toEqual(before);
      expect(await readdir(dir)).toEqual(['scores.csv']);
      expect(await manager.dataVersion(scores)).toBe(previous.dataVersion);
    });

    it.skipIf(isRoot)('keeps the previous file when the folder is not writable, and says which path and why', async () => {
      const previous = await manager.store(scores, tableOfScores(3));
      const before = await readFile(previous.metadata.path!);
      await chmod(dir, 0o555);
      const error = await manager.store(scores, tableOfScores(5)).catch((caught: unknown) => caught);
      await chmod(dir, 0o755);
      expect(error).toBeInstanceOf(IOManagerError);
      expect((error as IOManagerError).message).toBe(`Cannot write ${join(dir, 'scores.csv')}: permission denied (EACCES).`);
      expect((error as IOManagerError).hint).toContain(`Check that ${dir} is writable`);
      expect(await readFile(previous.metadata.path!)).toEqual(before);
      expect(await readdir(dir)).toEqual(['scores.csv']);
    });

    it('removes its temp file when the final rename fails', async () => {
      // A non-empty folder where the file should go: even root cannot rename a file over it.
      await mkdir(join(dir, 'scores.csv', 'inside'), { recursive: true });
      const error = await manager.store(scores, tableOfScores(5)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IOManagerError);
      expect((error as IOManagerError).message).toMatch(new RegExp(`^Cannot write ${join(dir, 'scores.csv')}: `));
      expect((error as IOManagerError).hint).toContain('in the way');
      expect(await readdir(dir)).toEqual(['scores.csv']);
    });

    it('reports a base folder that is a file as a write error naming it', async () => {
      const file = join(dir, 'not-a-folder');
      await writeFile(file, '');
      const error = await new CsvIOManager({ baseDir: file })
        .store(scores, tableOfScores(1))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IOManagerError);
      expect((error as IOManagerError).message).toMatch(new RegExp(`^Cannot write ${file}: `));
      expect((error as IOManagerError).hint).toContain('in the way');
    });
  });

  describe('data version from the recorded output', () => {
    const table = () => Table.fromRows<Row>([{ id: 1, name: 'Ada', score: 1.5 }], names(scores));

    it('trusts the recorded version while the file keeps its size and modification time', async () => {
      const stored = await manager.store(scores, table());
      // A version the content could not hash to proves the answer came from the record, not the bytes.
      expect(await manager.dataVersion(scores, { dataVersion: 'recorded-version', metadata: { ...stored.metadata } })).toBe('recorded-version');
    });

    it('hashes again once the file was modified, even to the same size', async () => {
      const stored = await manager.store(scores, table());
      const path = stored.metadata.path!;
      const edited = (await readFile(path, 'utf8')).replace('Ada', 'Bob');
      await new Promise((resolveLater) => setTimeout(resolveLater, 5));
      await writeFile(path, edited);
      expect(edited.length).toBe((await readFile(path, 'utf8')).length);
      expect(await manager.dataVersion(scores, { dataVersion: stored.dataVersion, metadata: { ...stored.metadata } })).toBe(sha256(edited));
    });

    it('hashes again when other bytes of the same size were put in place under the old modification time', async () => {
      const stored = await manager.store(scores, table());
      const path = stored.metadata.path!;
      // A whole second, which utimes sets exactly, recorded as if the store had left it.
      const then = 1_700_000_000;
      await utimes(path, then, then);
      const recorded = { dataVersion: stored.dataVersion, metadata: { ...stored.metadata, modifiedAtMs: then * 1000, changedAtMs: (await stat(path)).ctimeMs } };
      expect(await manager.dataVersion(scores, { ...recorded, dataVersion: 'recorded-version' })).toBe('recorded-version');

      // As `cp -p`, `rsync -t` or `touch -r` leave it: other bytes, the same size and modification time.
      const edited = (await readFile(path, 'utf8')).replace('Ada', 'Bob');
      await new Promise((resolveLater) => setTimeout(resolveLater, 5));
      await writeFile(path, edited);
      await utimes(path, then, then);
      expect((await stat(path)).mtimeMs).toBe(recorded.metadata.modifiedAtMs);
      expect(await manager.dataVersion(scores, recorded)).toBe(sha256(edited));
    });

    it('trusts a record from before change times were kept by its size and modification time', async () => {
      const stored = await manager.store(scores, table());
      const { changedAtMs, ...older } = stored.metadata;
      expect(changedAtMs).toBeTypeOf('number');
      expect(await manager.dataVersion(scores, { dataVersion: 'recorded-version', metadata: older })).toBe('recorded-version');
    });

    it('reports nothing stored when the recorded file is gone', async () => {
      const stored = await manager.store(scores, table());
      await rm(stored.metadata.path!);
      expect(await manager.dataVersion(scores, { dataVersion: stored.dataVersion, metadata: { ...stored.metadata } })).toBeUndefined();
    });
  });

  describe('partitions', () => {
    const table = (count: number, last?: number) =>
      Table.fromColumns<Row>(
        {
          id: Array.from({ length: count }, (_, index) => index),
          name: Array.from({ length: count }, (_, index) => `name ${index}`),
          score: Array.from({ length: count }, (_, index) => (index === count - 1 && last !== undefined ? last : index / 7)),
        },
        names(scores),
      );
    const day = (key: string): StoredAsset => ({ ...scores, partition: single(key) });

    it('writes <baseDir>/<key>/<partition>.csv with the bytes an unpartitioned store writes, and reports that path', async () => {
      const whole = await manager.store(scores, table(3));
      const partition = await manager.store(day('2026-01-05'), table(3));
      expect(partition.metadata.path).toBe(join(dir, 'scores', '2026-01-05.csv'));
      expect(whole.metadata.path).toBe(join(dir, 'scores.csv'));
      expect(await readFile(partition.metadata.path!)).toEqual(await readFile(whole.metadata.path!));
      expect(partition.dataVersion).toBe(whole.dataVersion);
      expect((await readdir(dir)).sort()).toEqual(['scores', 'scores.csv']);
      expect(manager.pathOf({ key: 'sales', partition: multi('2026-01-05', 'eu') })).toBe(join(dir, 'sales', 'date=2026-01-05', 'region=eu.csv'));
    });

    it("trusts a partition's recorded version while its own file is unchanged, and hashes an edited one again", async () => {
      const first = await manager.store(day('2026-01-05'), table(2));
      const second = await manager.store(day('2026-01-06'), table(2));
      const edited = (await readFile(first.metadata.path!, 'utf8')).replace('name 1', 'name 9');
      await new Promise((resolveLater) => setTimeout(resolveLater, 5));
      await writeFile(first.metadata.path!, edited);
      expect(await manager.dataVersion(day('2026-01-05'), { dataVersion: first.dataVersion, metadata: { ...first.metadata } })).toBe(sha256(edited));
      expect(await manager.dataVersion(day('2026-01-06'), { dataVersion: 'recorded-version', metadata: { ...second.metadata } })).toBe('recorded-version');
      // The record of one partition never stands for another: its path differs.
      expect(await manager.dataVersion(day('2026-01-06'), { dataVersion: 'recorded-version', metadata: { ...first.metadata } })).toBe(second.dataVersion);
    });

    it('keeps the previous file of a partition, and the other partitions, when a store fails, and leaves no temp file', async () => {
      const previous = await manager.store(day('2026-01-05'), table(3));
      await manager.store(day('2026-01-06'), table(1));
      const before = await readFile(previous.metadata.path!);
      await expect(manager.store(day('2026-01-05'), table(20_000, Number.NaN))).rejects.toBeInstanceOf(SchemaError);
      expect(await readFile(previous.metadata.path!)).toEqual(before);
      expect((await readdir(join(dir, 'scores'))).sort()).toEqual(['2026-01-05.csv', '2026-01-06.csv']);
    });

    it('names the partition, its file and the command that makes it when the file is missing', async () => {
      const partition = { ...scores, partition: multi('2026-01-05', 'eu') };
      const error = await manager.load(partition).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IOManagerError);
      expect((error as IOManagerError).message).toBe(`Cannot load partition "2026-01-05|eu" of asset "scores": ${manager.pathOf(partition)} does not exist.`);
      expect((error as IOManagerError).hint).toBe("Materialize it with `assets materialize --select scores --partition '2026-01-05|eu'`.");
    });

    it("refuses a partitioned asset whose key has a dot, since its folder could be another asset's file", () => {
      expect(() => manager.pathOf({ key: 'a.csv', partition: single('x') })).toThrow(IOManagerError);
      expect(manager.pathOf({ key: 'a.csv' })).toBe(join(dir, 'a.csv.csv'));
    });
  });

  it('round-trips a 200,000-row table', async () => {
    const rows = 200_000;
    const table = Table.fromColumns<Row>(
      {
        id: Array.from({ length: rows }, (_, index) => index),
        name: Array.from({ length: rows }, (_, index) => (index % 97 === 0 ? `Zoë "${index}",\nnext` : `user ${index}`)),
        score: Array.from({ length: rows }, (_, index) => (index % 5 === 0 ? null : index / 3)),
      },
      names(scores),
    );
    const result = await manager.store(scores, table);
    expect(result.metadata.rows).toBe(rows);
    expect(result.dataVersion).toBe(sha256(await readFile(result.metadata.path!)));
    const loaded = await manager.load(scores);
    expect(loaded.numRows).toBe(rows);
    for (const name of names(scores)) expect(loaded.column(name)).toEqual(table.column(name));
  });
});
