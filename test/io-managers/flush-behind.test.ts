import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlushBehind } from '../../src/io-managers/flush-behind.js';

/**
 * A file whose flushes settle when the test says. A real `datasync` settles
 * too fast to see one in flight, and a disk here cannot be made to fail one:
 * the order of flushes and the failure path need this stand-in. The last test
 * uses a real file.
 */
function controlledFile() {
  const flushes: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  return {
    flushes,
    datasync: () => new Promise<void>((resolve, reject) => flushes.push({ resolve, reject })),
  };
}

/** Lets the promise callbacks queued so far run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('FlushBehind', () => {
  it('starts a flush once enough bytes are waiting, and never a second one while it runs', async () => {
    const file = controlledFile();
    const flush = new FlushBehind(file, 1000);
    flush.wrote(600);
    expect(file.flushes).toHaveLength(0);
    flush.wrote(600);
    expect(file.flushes).toHaveLength(1);
    // 2,000 more bytes arrive while the first flush runs: no second flush yet.
    flush.wrote(2000);
    expect(file.flushes).toHaveLength(1);
    file.flushes[0]!.resolve();
    await settled();
    // Those bytes are still waiting, so the next write starts the next flush.
    flush.wrote(1);
    expect(file.flushes).toHaveLength(2);
  });

  it('never flushes a file smaller than the threshold', async () => {
    const file = controlledFile();
    const flush = new FlushBehind(file, 1000);
    flush.wrote(999);
    await flush.settle();
    expect(file.flushes).toHaveLength(0);
  });

  it('settles only once the flush in flight is done', async () => {
    const file = controlledFile();
    const flush = new FlushBehind(file, 10);
    flush.wrote(10);
    let done = false;
    const settling = flush.settle().then(() => (done = true));
    await settled();
    expect(done).toBe(false);
    file.flushes[0]!.resolve();
    await settling;
    expect(done).toBe(true);
  });

  it('throws a failed flush at the next write, so the writer stops there, and starts no more', async () => {
    const file = controlledFile();
    const flush = new FlushBehind(file, 10);
    flush.wrote(10);
    const failure = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    file.flushes[0]!.reject(failure);
    await settled();
    expect(() => flush.wrote(100)).toThrow(failure);
    expect(() => flush.wrote(100)).toThrow(failure);
    expect(file.flushes).toHaveLength(1);
    await expect(flush.settle()).rejects.toBe(failure);
  });

  it('reports a flush that fails after the last write when settled', async () => {
    const file = controlledFile();
    const flush = new FlushBehind(file, 10);
    flush.wrote(10);
    const settling = flush.settle();
    const failure = Object.assign(new Error('ENOSPC: no space left on device, fdatasync'), { code: 'ENOSPC' });
    file.flushes[0]!.reject(failure);
    await expect(settling).rejects.toBe(failure);
  });

  describe('on a real file', () => {
    let folder: string | undefined;
    afterEach(async () => {
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    });

    it('flushes while the file is written, and the file holds every byte in order', async () => {
      folder = await mkdtemp(join(tmpdir(), 'strata-flush-'));
      const path = join(folder, 'table.csv');
      const handle = await open(path, 'wx');
      let flushes = 0;
      const counted = { datasync: () => (flushes++, handle.datasync()) };
      const flush = new FlushBehind(counted, 4096);
      const chunks = Array.from({ length: 64 }, (_, index) => Buffer.alloc(1024, index));
      for (const chunk of chunks) {
        flush.wrote(chunk.length);
        await handle.write(chunk);
      }
      await flush.settle();
      await handle.sync();
      await handle.close();
      expect(flushes).toBeGreaterThan(0);
      expect(await readFile(path)).toEqual(Buffer.concat(chunks));
    });
  });
});
