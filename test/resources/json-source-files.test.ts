import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaError, SourceError } from '../../src/core/errors.js';
import { JsonSource } from '../../src/resources/json-source.js';

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'strata-json-source-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const user = z.object({ id: z.number().int(), name: z.string() });
const USERS = [
  { id: 1, name: 'Leanne' },
  { id: 2, name: 'Ervin' },
];

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the read to fail'),
    (error: unknown) => error,
  );
}

/** What making a source throws. */
function refusal(make: () => unknown): SourceError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  return expect.fail('expected the source to be refused');
}

describe('JsonSource over local files', () => {
  it('reads {folder}/{name}.json from a folder path', async () => {
    await writeFile(path.join(folder, 'users.json'), JSON.stringify(USERS, null, 2));
    const source = new JsonSource({ url: folder });
    expect(source.displayUrl).toBe(folder);
    expect(await source.readRows('users', user)).toEqual(USERS);
  });

  it('resolves a relative folder path against the working directory', async () => {
    await writeFile(path.join(folder, 'users.json'), JSON.stringify(USERS));
    const source = new JsonSource({ url: `${path.relative(process.cwd(), folder)}/` });
    expect(source.displayUrl).toBe(folder);
    expect(await source.readRows('users', user)).toEqual(USERS);
  });

  it('reads from a file: URL', async () => {
    await writeFile(path.join(folder, 'users.json'), JSON.stringify(USERS));
    const source = new JsonSource({ url: `${pathToFileURL(folder).href}/` });
    expect(source.displayUrl).toBe(folder);
    const rows: unknown[] = [];
    for await (const row of source.rows('users')) rows.push(row);
    expect(rows).toEqual(USERS);
  });

  it('streams a file larger than one read chunk', async () => {
    const many = Array.from({ length: 40_000 }, (_, id) => ({ id, name: `user ${id} ${'é'.repeat(id % 40)}` }));
    await writeFile(path.join(folder, 'users.json'), JSON.stringify(many));
    expect(await new JsonSource({ url: folder }).readRows('users', user)).toEqual(many);
  });

  it('names the missing file, lists the folder and suggests the close name', async () => {
    await writeFile(path.join(folder, 'user.json'), '[]');
    await writeFile(path.join(folder, 'posts.json'), '[]');
    const error = await failure(new JsonSource({ url: folder }).readRows('users', user));
    expect(error).toBeInstanceOf(SourceError);
    const sourceError = error as SourceError;
    expect(sourceError.message).toBe(`No file ${path.join(folder, 'users.json')}: the folder has posts.json, user.json.`);
    expect(sourceError.retryable).toBe(false);
    expect(sourceError.hint).toBe('Did you mean user.json? The source reads {folder}/users.json: add the file, or set the source URL to another folder or an http(s) base URL.');
  });

  it('refuses a timeout that is not a positive number, saying how to fix it', () => {
    const error = refusal(() => new JsonSource({ url: folder, timeoutMs: 0 }));
    expect(error.message).toBe('Invalid source timeout 0 ms: it must be a positive number of milliseconds.');
    expect(error.hint).toBe('Give JsonSource a timeoutMs above 0 (the default is 30000), or leave it out.');
  });

  it('names where the project sets the URL in hints that ask to change it, when told', async () => {
    const error = await failure(new JsonSource({ url: folder, urlSetting: 'SOURCE_URL' }).readRows('users', user));
    expect((error as SourceError).hint).toBe('The source reads {folder}/users.json: add the file, or set the source URL (SOURCE_URL) to another folder or an http(s) base URL.');
    expect(refusal(() => new JsonSource({ url: 'ftp://example.test/data', urlSetting: 'SOURCE_URL' })).hint).toBe('Set the source URL (SOURCE_URL) to an http:// or https:// base URL, a file: URL, or a local folder path holding {name}.json.');
  });

  it('says when the folder itself does not exist', async () => {
    const missing = path.join(folder, 'nope');
    const error = await failure(new JsonSource({ url: missing }).readRows('users', user));
    expect((error as SourceError).message).toBe(`No file ${path.join(missing, 'users.json')}: the folder ${missing} does not exist.`);
  });

  it('reports a folder where the file should be', async () => {
    await mkdir(path.join(folder, 'users.json'));
    const error = await failure(new JsonSource({ url: folder }).readRows('users', user));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe(`Cannot read ${path.join(folder, 'users.json')}: it is a folder (EISDIR).`);
  });

  it('hands out validated rows in batches as the file is read, numbering rows across batches', async () => {
    const many = Array.from({ length: 120_000 }, (_, id) => ({ id, name: `user ${id}` }));
    await writeFile(path.join(folder, 'users.json'), JSON.stringify([...many, { id: 120_000, name: 7 }]));
    const batches: { id: number; name: string }[][] = [];
    const error = await failure(
      (async () => {
        for await (const batch of new JsonSource({ url: folder }).readBatches('users', user)) batches.push(batch);
      })(),
    );
    // 4 MB of JSON is several 1 MiB reads, so batches arrived before the bad last row.
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(many.slice(0, batches.flat().length));
    expect((error as SchemaError).message).toBe(
      `users row 120000 (id 120000) in ${path.join(folder, 'users.json')}: field "name" expected a string, got 7`,
    );
  });

  it('names the file, row, field and value of a row that breaks the schema', async () => {
    await writeFile(path.join(folder, 'users.json'), JSON.stringify([...USERS, { id: 3, name: null }]));
    const error = await failure(new JsonSource({ url: folder }).readRows('users', user));
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).message).toBe(
      `users row 2 (id 3) in ${path.join(folder, 'users.json')}: field "name" expected a string, got null`,
    );
  });

  it('names the file and position of malformed JSON', async () => {
    await writeFile(path.join(folder, 'users.json'), '[\n  {"id": 1, "name": "a"},\n  {"id": 2 "name": "b"}\n]\n');
    const error = await failure(new JsonSource({ url: folder }).readRows('users', user));
    expect((error as SourceError).message).toBe(
      `${path.join(folder, 'users.json')}: malformed JSON at line 3, column 12: unexpected '"', expected ',' or '}'`,
    );
  });

  it('rejects with the signal reason when the read is cancelled', async () => {
    await writeFile(path.join(folder, 'users.json'), JSON.stringify(USERS));
    const controller = new AbortController();
    controller.abort();
    const error = await failure(new JsonSource({ url: folder }).readRows('users', user, { signal: controller.signal }));
    expect(error).toBe(controller.signal.reason);
  });

  it('stops between rows when the signal aborts mid-file', async () => {
    await writeFile(path.join(folder, 'users.json'), JSON.stringify(Array.from({ length: 100_000 }, (_, id) => ({ id, name: 'x' }))));
    const controller = new AbortController();
    const rows = new JsonSource({ url: folder }).rows('users', { signal: controller.signal });
    expect((await rows.next()).value).toEqual({ id: 0, name: 'x' });
    controller.abort();
    expect(await failure(rows.next())).toBe(controller.signal.reason);
  });
});
