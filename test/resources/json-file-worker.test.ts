import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// From dist: the worker is started from its built `.js` file, next to the module that starts it.
import { SourceError } from '../../dist/core/errors.js';
import { parseJsonArrayBatches } from '../../dist/resources/json-array-stream.js';
import { parseJsonFileInWorker } from '../../dist/resources/json-file-worker.js';

/*
 * The worker thread that parses a large JSON source file yields what the
 * calling thread's parser yields, and its errors cross back as they were:
 * a SourceError with its message and hint, a system error with its code.
 */
describe('parseJsonFileInWorker', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-json-worker-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const inWorker = async (file: string) => {
    const batches: unknown[][] = [];
    for await (const batch of parseJsonFileInWorker(await open(file, 'r'), file, 64)) batches.push(batch);
    return batches;
  };
  const onThisThread = async (file: string) => {
    const batches: unknown[][] = [];
    for await (const batch of parseJsonArrayBatches(createReadStream(file, { highWaterMark: 64 }), file)) batches.push(batch);
    return batches;
  };

  it('yields the same batches as the parser on this thread', async () => {
    const file = path.join(dir, 'rows.json');
    await writeFile(file, JSON.stringify(Array.from({ length: 50 }, (_, id) => ({ id, title: `t${id} é ✓`, score: id / 3, ok: id % 2 === 0, note: null }))));
    const batches = await inWorker(file);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches).toEqual(await onThisThread(file));
  });

  it('throws malformed JSON as the same SourceError, hint included', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '[{"id": 1}, {"id": 2,, }]');
    const expected = await onThisThread(file).then(() => undefined, (error: unknown) => error as SourceError);
    expect(expected).toBeInstanceOf(SourceError);
    const error = await inWorker(file).then(() => undefined, (caught: unknown) => caught as SourceError);
    expect(error).toBeInstanceOf(SourceError);
    expect(error!.message).toBe(expected!.message);
    expect(error!.hint).toBe(expected!.hint);
  });

  it('throws a read error with its system code', async () => {
    // A folder opens, but reading it fails with EISDIR.
    const error = await inWorker(dir).then(() => undefined, (caught: unknown) => caught as NodeJS.ErrnoException);
    expect(error?.code).toBe('EISDIR');
  });
});
