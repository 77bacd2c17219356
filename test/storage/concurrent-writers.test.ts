import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const writerScript = fileURLToPath(new URL('./fixtures/concurrent-writer.mjs', import.meta.url));
const BATCHES = 300;
const ASSETS = 10;

describe('two processes writing to one instance database', () => {
  let home: string;

  beforeAll(() => {
    // The child processes run the built module: a missing or stale build would
    // test other code than the source next to this file.
    const built = path.join(root, 'dist/storage/sqlite-instance-storage.js');
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` before this test.`);
    for (const name of ['sqlite-instance-storage', 'sqlite-migrations', 'instance-storage']) {
      const source = path.join(root, 'src/storage', `${name}.ts`);
      const output = path.join(root, 'dist/storage', `${name}.js`);
      if (!existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs) {
        throw new Error(`${output} is older than ${source}: run \`npm run build\` before this test.`);
      }
    }
  });

  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'strata-concurrent-'));
  });

  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('lets both create the database and write every batch without SQLITE_BUSY', async () => {
    const writers = ['run-a', 'run-b'].map((runId) => startWriter(home, runId));
    await Promise.all(writers.map((writer) => writer.ready));
    // Both are loaded: release them together so opening, migrating and writing overlap.
    for (const writer of writers) writer.child.stdin.end('go\n');
    const results = await Promise.all(writers.map((writer) => writer.exit));
    expect(results).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);

    const storage = await SqliteInstanceStorage.open({ home });
    try {
      for (const runId of ['run-a', 'run-b']) {
        expect((await storage.getRun(runId))?.status).toBe('success');
        const events = await storage.runEvents(runId);
        const expected = Array.from({ length: BATCHES }, (_, batch) => [
          `${batch} start`,
          `${batch} log`,
          `${batch} success`,
        ]).flat();
        expect(events.map((e) => e.message)).toEqual(expected);
      }
      for (let asset = 0; asset < ASSETS; asset += 1) {
        const history = await storage.materializationHistory(`asset_${asset}`);
        const fromA = history.filter((m) => m.runId === 'run-a').map((m) => m.metadata['batch']);
        const fromB = history.filter((m) => m.runId === 'run-b').map((m) => m.metadata['batch']);
        // Each writer's own materializations stay in its write order (newest first).
        const ownBatches = Array.from({ length: BATCHES / ASSETS }, (_, i) => asset + i * ASSETS).reverse();
        expect(fromA).toEqual(ownBatches);
        expect(fromB).toEqual(ownBatches);
        expect(history).toHaveLength((2 * BATCHES) / ASSETS);
      }
    } finally {
      await storage.close();
    }
  });
});

function startWriter(home: string, runId: string) {
  const child = spawn(process.execPath, [writerScript, home, runId, String(BATCHES), String(ASSETS)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('ready\n')) resolve();
    });
    child.once('exit', () => reject(new Error(`writer ${runId} exited before it was ready:\n${stderr}`)));
  });
  const exit = once(child, 'exit').then(([code]) => ({ code: code as number | null, stderr }));
  return { child, ready, exit };
}
