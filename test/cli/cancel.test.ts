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

  it("cancels a daemon's run without stopping the daemon", async () => {
    const daemon = startCli(['daemon'], { cwd: workspace.dir, env });
    try {
      const queued = JSON.parse((await runCli(['materialize', '--queue', '--json'], { cwd: workspace.dir, env })).stdout) as { runId: string };
      await daemon.waitForStderr('slow started');
      const cancel = await runCli(['cancel', queued.runId], { cwd: workspace.dir, env });
      expect({ code: cancel.code, stdout: cancel.stdout }).toEqual({ code: 0, stdout: `Run ${queued.runId} was canceled.\n` });
      await daemon.waitForStderr(`run ${queued.runId.slice(0, 8)}`);
      expect(daemon.child.exitCode).toBeNull();
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.done;
    }
  });

  it('cancels a queued run at once: no daemon ever starts it', async () => {
    const queued = await runCli(['materialize', '--queue', '--json'], { cwd: workspace.dir, env });
    expect(queued.code).toBe(0);
    const { runId } = JSON.parse(queued.stdout) as { runId: string };
    const cancel = await runCli(['cancel', runId], { cwd: workspace.dir, env });
    expect({ code: cancel.code, stdout: cancel.stdout, stderr: cancel.stderr }).toEqual({ code: 0, stdout: `Run ${runId} was canceled.\n`, stderr: '' });
    expect((await runCli(['daemon', '--once'], { cwd: workspace.dir, env })).code).toBe(0);
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: workspace.dir, env })).stdout) as { runs: { runId: string; status: string }[] };
    expect(runs.runs.map((run) => [run.runId, run.status])).toEqual([[runId, 'canceled']]);
    const logs = await runCli(['logs', runId], { cwd: workspace.dir, env });
    expect(logs.stdout).toContain(`Run ${runId} was canceled before it started`);
  });

  it('says which runs can be canceled when the run has ended or does not exist', async () => {
    expect((await runCli(['materialize', '--select', 'first'], { cwd: workspace.dir, env })).code).toBe(0);
    const ended = await runCli(['cancel', 'latest'], { cwd: workspace.dir, env });
    expect(ended.code).toBe(2);
    expect(ended.stderr).toMatch(/^error: Run [0-9a-f-]{36} has already ended \(success\): there is nothing to cancel\.\nhint: `assets runs --status started` lists the runs still going\.\n$/);
    const unknown = await runCli(['cancel', 'ffffffff'], { cwd: workspace.dir, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No run id starts with "ffffffff".');
  });
});
