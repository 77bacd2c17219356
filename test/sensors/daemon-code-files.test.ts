import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openInstance } from '../../src/index.js';
import { writeBuiltFrameworkProject } from '../versioning/built-framework-project.js';
import { statsDuring } from '../versioning/count-stats.js';
import { ManualClock } from './harness.js';

/**
 * What one daemon pass costs in looks at the code's files: its plans judge
 * the code by its files' change times, and so does its notice of files
 * edited since the load. A project of two real modules in a temp folder,
 * declared through the built framework, as a user's are; the daemon in this
 * process, so its stats can be counted.
 */
describe('a daemon pass and the code files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'strata-daemon-stats-'));
    await writeBuiltFrameworkProject(
      dir,
      [
        `const scaled = asset({ key: 'scaled', schema: z.object({ n: z.int() }), compute: () => [{ n: FACTOR }] });`,
        `const again = job({ name: 'again', select: 'scaled', force: 'all' });`,
        `const poke = sensor({ name: 'poke', intervalSeconds: 30, job: again, evaluate: () => ({ runRequests: [{}] }) });`,
      ],
      ['scaled'],
      'jobs: [again], sensors: [poke]',
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('looks at each code file once to plan and to name those edited since the load, and once more as the run records what it ran', async () => {
    const instance = await openInstance({ cwd: dir, env: { STRATA_HOME: path.join(dir, '.strata') }, definitionsModule: 'definitions.mjs' });
    const clock = new ManualClock('2026-01-05T12:00:00Z');
    const named: (readonly string[])[] = [];
    const daemon = await instance.daemon({ clock: clock.now, onCodeEdited: (files) => named.push(files) });
    try {
      const pass = async () => {
        let ran: string[] = [];
        const stats = await statsDuring(dir, async () => (ran = (await daemon.tick()).flatMap(({ runs }) => runs.map((run) => run.status))));
        clock.advance(30_000);
        return { ran, stats };
      };
      // The first pass hashes the code (its versions are computed once, on first use).
      expect((await pass()).ran).toEqual(['success']);
      expect(await pass()).toEqual({ ran: ['success'], stats: { 'definitions.mjs': 2, 'helper.mjs': 2 } });
      expect(named).toEqual([]);

      await writeFile(path.join(dir, 'helper.mjs'), 'export const FACTOR = 3;\n');
      expect(await pass()).toEqual({ ran: ['success'], stats: { 'definitions.mjs': 2, 'helper.mjs': 2 } });
      expect(named).toEqual([['helper.mjs']]);
    } finally {
      await instance.close();
    }
  });
});
