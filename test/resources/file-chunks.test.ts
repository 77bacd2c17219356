import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileChunks } from '../../src/resources/file-chunks.js';

describe('readFileChunks', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-file-chunks-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const fileOf = async (bytes: Uint8Array): Promise<string> => {
    const file = path.join(dir, 'data.bin');
    await writeFile(file, bytes);
    return file;
  };

  it('gives every byte in order, in chunks of at most the size asked, and closes the file', async () => {
    const bytes = randomBytes(10_500);
    const handle = await open(await fileOf(bytes), 'r');
    const chunks: Buffer[] = [];
    // Copied as they come: the next chunk may reuse a chunk's memory.
    for await (const chunk of readFileChunks(handle, 1_000)) chunks.push(Buffer.from(chunk));
    expect(chunks.map((chunk) => chunk.length)).toEqual([...Array<number>(10).fill(1_000), 500]);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(handle.fd).toBe(-1);
  });

  it('gives nothing for an empty file', async () => {
    const handle = await open(await fileOf(new Uint8Array(0)), 'r');
    const chunks: Uint8Array[] = [];
    for await (const chunk of readFileChunks(handle, 1_000)) chunks.push(chunk);
    expect(chunks).toEqual([]);
    expect(handle.fd).toBe(-1);
  });

  it('closes the file when the reader stops early, after the read ahead is done', async () => {
    const handle = await open(await fileOf(randomBytes(5_000)), 'r');
    for await (const chunk of readFileChunks(handle, 1_000)) {
      expect(chunk.length).toBe(1_000);
      break;
    }
    expect(handle.fd).toBe(-1);
  });

  it('stops with the abort reason at the next chunk, and closes the file', async () => {
    const handle = await open(await fileOf(randomBytes(5_000)), 'r');
    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    let read = 0;
    const reading = (async () => {
      for await (const chunk of readFileChunks(handle, 1_000, controller.signal)) {
        read += chunk.length;
        controller.abort(reason);
      }
    })();
    await expect(reading).rejects.toBe(reason);
    // No chunk comes after the abort (the read ahead already under way is waited for, not handed out).
    expect(read).toBe(1_000);
    expect(handle.fd).toBe(-1);
  });
});
