import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runCli, startCli } from './run-cli.js';

/** `assets cancel` on the default SQLite instance: it reaches a `materialize` on this host as Ctrl-C does. */
describe('assets cancel', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let env: Record<string, string>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
    env = { ...workspace.env, STRATA_DEFINITIONS: path.join(FIXTURES, 'slow-step-definitions.mjs'), SLOW_MS: '120000' };
  });
  afterEach(() => workspace.cleanup());

  it('cancels a run of `assets materialize` from another process', async () => {
    const running = startCli(['materialize'], { cwd: workspace.dir, env });
    await running.waitForStderr('slow started');
    const cancel = await runCli(['cancel', 'latest'], { cwd: workspace.dir, env });
    expect(cancel.stderr).toBe('');
    expect(cancel.stdout).toMatch(/^Run [0-9a-f-]{36} was canceled\.\n$/);
    expect(cancel.code).toBe(0);
    const run = await running.done;
    expect(run.code).toBe(130);
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: workspace.dir, env })).stdout) as { runs: { status: string }[] };
    expect(runs.runs.map((recorded) => recorded.status)).toEqual(['canceled']);
  });

  it('says which runs can be canceled when the run has ended or does not exist', async () => {
    expect((await runCli(['materialize', '--select', 'first'], { cwd: workspace.dir, env })).code).toBe(0);
    const ended = await runCli(['cancel', 'latest'], { cwd: workspace.dir, env });
    expect(ended.code).toBe(2);
    expect(ended.stderr).toMatch(/^error: Run [0-9a-f-]{36} has already ended \(success\): there is nothing to cancel\.\nhint: `assets runs` lists the runs still going \(status started\)\.\n$/);
    const unknown = await runCli(['cancel', 'ffffffff'], { cwd: workspace.dir, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No run id starts with "ffffffff".');
  });
});
