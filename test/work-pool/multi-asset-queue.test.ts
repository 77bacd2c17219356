import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runCli, type RunningCli, startCli } from '../cli/run-cli.js';
import { startTestPostgres, type TestPostgres } from '../storage/embedded-postgres.js';

/**
 * A multi-asset on the work pool: the coordinator dispatches its planned
 * outputs as one step, a worker (another process) runs the compute once and
 * reports every output it stored, and the coordinator records each.
 */
describe('a multi-asset on the queue executor', () => {
  let postgres: TestPostgres;
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let env: Record<string, string>;
  let callsFile: string;
  let worker: RunningCli | undefined;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(() => postgres.stop());
  beforeEach(async () => {
    workspace = await makeWorkspace();
    callsFile = path.join(workspace.dir, 'calls.txt');
    env = {
      ...workspace.env,
      STRATA_DATABASE_URL: postgres.connectionString,
      STRATA_DATABASE_SCHEMA: postgres.uniqueSchema('multi'),
      STRATA_OUTPUT_SHARED: 'true',
      STRATA_DEFINITIONS: path.join(FIXTURES, 'multi-asset-definitions.mjs'),
      MULTI_ASSET_CALLS: callsFile,
    };
  });
  afterEach(async () => {
    worker?.child.kill('SIGKILL');
    await workspace.cleanup();
  });

  it('runs the compute once on a worker and records each output it stored', async () => {
    worker = startCli(['worker', '--concurrency', '1'], { cwd: workspace.dir, env });
    await worker.waitForStderr('is taking steps');
    const queued = await runCli(['materialize', '--executor', 'queue', '--json'], { cwd: workspace.dir, env });
    expect(queued.stderr).not.toContain('error');
    expect(queued.code, queued.stderr + queued.stdout).toBe(0);
    const run = JSON.parse(queued.stdout) as { runId: string; assets: { key: string; action: string; rows: number }[] };
    expect(run.assets.map((entry) => `${entry.key}:${entry.action}:${entry.rows}`)).toEqual(['posts:materialized:3', 'users:materialized:2', 'post_counts:materialized:2']);
    // The worker process ran it: thread 0 of another process, once for both outputs.
    expect((await readFile(callsFile, 'utf8')).trim().split('\n')).toEqual([expect.stringMatching(/^posts,users thread=\d+$/)]);
    expect(await readFile(path.join(workspace.output, 'archive', 'posts.csv'), 'utf8')).toBe('id,user_id,title\n10,1,a\n11,1,b\n12,2,c\n');
    // The worker's own line names each output it stored.
    await worker.waitForStderr('posts 3 rows, users 2 rows in ');

    const selected = await runCli(['materialize', '--executor', 'queue', '--select', 'users', '--refresh', 'users', '--json'], { cwd: workspace.dir, env });
    expect(selected.code, selected.stderr + selected.stdout).toBe(0);
    expect((JSON.parse(selected.stdout) as { assets: { key: string }[] }).assets.map((entry) => entry.key)).toEqual(['users']);
    expect((await readFile(callsFile, 'utf8')).trim().split('\n')).toHaveLength(2);
    expect(existsSync(path.join(workspace.output, 'users.csv'))).toBe(true);
  });
});
