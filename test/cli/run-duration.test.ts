import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from './run-cli.js';

/**
 * One run, one duration: the materialize summary, `assets runs` (table and
 * JSON) and `assets logs` all print the time recorded for the run, from its
 * start to its end, so they never disagree.
 */
describe('the duration of a run (the example pipeline)', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeAll(async () => {
    workspace = await makeWorkspace();
  });
  afterAll(() => workspace.cleanup());
  const assets = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });

  it('is the same in the materialize summary, `assets runs` and `assets logs`', async () => {
    const materialized = await assets('materialize');
    expect(materialized.code).toBe(0);
    const [, runId, summaryDuration] = /^Run (\S+) success in (\S+(?: \S+s)?):/m.exec(materialized.stdout) ?? [];
    expect(runId).toBeDefined();

    const table = await assets('runs');
    const row = table.stdout.split('\n').find((line) => line.startsWith(runId!.slice(0, 8)));
    expect(row).toMatch(new RegExp(`^${runId!.slice(0, 8)}\\s+success\\s+\\S+\\s+${summaryDuration}\\s+cli\\s`));

    const { runs } = JSON.parse((await assets('runs', '--json')).stdout) as { runs: { runId: string; durationMs: number; startedAt: string; endedAt: string }[] };
    const run = runs.find((each) => each.runId === runId)!;
    expect(run.durationMs).toBe(new Date(run.endedAt).getTime() - new Date(run.startedAt).getTime());

    const logs = await assets('logs', runId!);
    expect(logs.stdout.split('\n')[1]).toMatch(new RegExp(`, took ${summaryDuration}$`));
  });
});
