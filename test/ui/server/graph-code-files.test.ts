import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openInstance } from '../../../src/index.js';
import type { GraphResponse } from '../../../src/ui/api-types.js';
import { startUiServer } from '../../../src/ui/server/start-ui-server.js';
import { writeBuiltFrameworkProject } from '../../versioning/built-framework-project.js';
import { statsDuring } from '../../versioning/count-stats.js';

/**
 * What one `GET /api/graph` costs in looks at the code's files: the statuses
 * (of the partitions, then of the rest) and the notice of files edited since
 * the load all judge the code by its files' change times. A project of two
 * real modules in a temp folder, declared through the built framework, as a
 * user's are; the server in this process, so its stats can be counted.
 */
describe('the graph and the code files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'strata-graph-stats-'));
    await writeBuiltFrameworkProject(
      dir,
      [
        `const scaled = asset({ key: 'scaled', schema: z.object({ n: z.int() }), compute: () => [{ n: FACTOR }] });`,
        `const daily = asset({ key: 'daily', partitions: dailyPartitions({ start: '2026-01-01', end: '2026-01-03' }), schema: z.object({ n: z.int() }), compute: () => [{ n: FACTOR }] });`,
      ],
      ['scaled', 'daily'],
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('looks at each code file once per request, and still names one edited since the load', async () => {
    const instance = await openInstance({ cwd: dir, env: { STRATA_HOME: path.join(dir, '.strata') }, definitionsModule: 'definitions.mjs' });
    const server = await startUiServer({ instance, port: 0 });
    try {
      const graph = async () => (await (await fetch(new URL('/api/graph', server.url))).json()) as GraphResponse;
      expect((await graph()).codeEditedSinceLoad).toEqual([]);

      expect(await statsDuring(dir, graph)).toEqual({ 'definitions.mjs': 1, 'helper.mjs': 1 });

      await writeFile(path.join(dir, 'helper.mjs'), 'export const FACTOR = 3;\n');
      // Whether scaled is code-changed now depends on whether helper.mjs was written within the load's window (see `EditWindow`): test/cli/code-versions.test.ts covers that.
      expect((await graph()).codeEditedSinceLoad).toEqual(['helper.mjs']);
    } finally {
      await server.close();
      await instance.close();
    }
  });
});
