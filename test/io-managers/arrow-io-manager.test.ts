import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnFromArray, float64, int32, tableFromColumns, tableFromIPC, tableToIPC, Type, utf8 } from '@uwdata/flechette';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredAsset } from '../../src/core/io-manager.js';
import type { Row } from '../../src/core/table.js';
import { ARROW_BATCH_ROWS, ArrowIOManager } from '../../src/io-managers/arrow-io-manager.js';
import { describeIOManagerContract, everyKindAsset, everyKindRows, scoresAsset, storedFileNames, tableOf } from './io-manager-contract.js';

describeIOManagerContract('ArrowIOManager', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-arrow-contract-'));
  return {
    // A base folder that does not exist yet: the manager must create it.
    manager: new ArrowIOManager({ baseDir: join(dir, 'output') }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
    storedNames: () => storedFileNames(dir, join(dir, 'output'), 'arrows'),
  };
});

describe('ArrowIOManager', () => {
  let dir: string;
  let manager: ArrowIOManager;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-arrow-'));
    manager = new ArrowIOManager({ baseDir: dir });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes an Arrow IPC stream that flechette reads whole as the same table, typed and nullable as the schema says', async () => {
    await manager.store(everyKindAsset, tableOf(everyKindAsset, everyKindRows));
    const decoded = tableFromIPC(await readFile(manager.pathOf(everyKindAsset)));
    expect(decoded.toArray().map((row) => ({ ...row }))).toEqual(everyKindRows);
    const typeNames: Record<number, string> = { [Type.Int]: 'int', [Type.Float]: 'float', [Type.Utf8]: 'utf8', [Type.Bool]: 'bool' };
    expect(decoded.schema.fields.map((field) => `${field.name} ${typeNames[field.type.typeId]}${'bitWidth' in field.type ? field.type.bitWidth : ''} ${field.nullable ? 'null' : 'not null'}`)).toEqual([
      'id int64 not null',
      'text utf8 not null',
      'amount float not null',
      'active bool not null',
      'maybe_text utf8 null',
      'maybe_amount float null',
      'maybe_count int64 null',
      'maybe_active bool null',
    ]);
  });

  it('writes a large table in record batches, which flechette and the manager read back whole', async () => {
    const asset: StoredAsset = { key: 'large', columns: [{ name: 'n', kind: 'integer', nullable: false }, { name: 'label', kind: 'string', nullable: true }] };
    const rows: Row[] = Array.from({ length: 2 * ARROW_BATCH_ROWS + 17 }, (_, n) => ({ n, label: n % 5 === 0 ? null : `row ${n}` }));
    await manager.store(asset, tableOf(asset, rows));
    const decoded = tableFromIPC(await readFile(manager.pathOf(asset)));
    expect(decoded.getChild('n').data.map((batch) => batch.length)).toEqual([ARROW_BATCH_ROWS, ARROW_BATCH_ROWS, 17]);
    expect(decoded.getChild('label').toArray()).toEqual(rows.map((row) => row.label));
    const loaded = await manager.load(asset);
    expect(loaded.column('n')).toEqual(rows.map((row) => row.n));
    expect(loaded.column('label')).toEqual(rows.map((row) => row.label));
  });

  it('loads a stream another writer made, in batches of its own and with narrower types', async () => {
    const ids = [1, 2, 3, 4, 5];
    const stream = tableToIPC(
      tableFromColumns({
        id: columnFromArray(ids, int32(), { maxBatchRows: 2 }),
        name: columnFromArray(['a', 'b', 'c', 'd', 'e'], utf8(), { maxBatchRows: 2 }),
        score: columnFromArray([1.5, null, 3, 4, 5], float64(), { maxBatchRows: 2 }),
      }),
      { format: 'stream' },
    )!;
    await writeFile(manager.pathOf(scoresAsset), stream);
    const loaded = await manager.load(scoresAsset);
    expect(loaded.column('id')).toEqual(ids);
    expect(loaded.column('score')).toEqual([1.5, null, 3, 4, 5]);
  });

  it('names the row, column and value of a stream whose values do not fit the schema, with a hint to re-materialize', async () => {
    const stream = tableToIPC(
      tableFromColumns({ id: columnFromArray(['one'], utf8()), name: columnFromArray(['a'], utf8()), score: columnFromArray([1], float64()) }),
      { format: 'stream' },
    )!;
    await writeFile(manager.pathOf(scoresAsset), stream);
    await expect(manager.load(scoresAsset)).rejects.toThrow(/has "one" in row 0 of column "id", which holds integer\./);
    await expect(manager.load(scoresAsset)).rejects.toThrow(expect.objectContaining({ hint: expect.stringContaining('--force') }));
  });

  it('fails to load a file that is not an Arrow stream, naming it', async () => {
    await writeFile(manager.pathOf(scoresAsset), 'id,name,score\n1,ada,2\n');
    await expect(manager.load(scoresAsset)).rejects.toThrow(/^Cannot read .*scores\.arrows as an Arrow IPC stream: no IPC message at byte 0/);
  });

  it('versions the file by the sha256 of its bytes, hashed as they were written, and leaves no temp file', async () => {
    const stored = await manager.store(scoresAsset, tableOf(scoresAsset, [{ id: 1, name: 'ada', score: null }]));
    const bytes = await readFile(manager.pathOf(scoresAsset));
    expect(stored.dataVersion).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(stored.metadata.bytes).toBe(bytes.length);
    expect(await readdir(dir)).toEqual(['scores.arrows']);
  });
});
