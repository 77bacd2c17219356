import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runCli, startCli } from './run-cli.js';

interface ResultJson {
  runId: string | null;
  status: string;
  tags: Record<string, string>;
  parentRunId: string | null;
  assets: { key: string; action: string; reasons: string[] }[];
}

interface RunJson {
  runId: string;
  status: string;
  selection: string;
  tags: Record<string, string>;
  parentRunId: string | null;
}

/** Re-execution through the built CLI: `assets materialize --from-failure` and `assets rerun`. */
describe('re-execution', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let env: Record<string, string>;
  const assets = (args: readonly string[], extraEnv: Record<string, string> = {}) => runCli(args, { cwd: workspace.dir, env: { ...env, ...extraEnv } });
  const result = async (args: readonly string[], extraEnv: Record<string, string> = {}) => JSON.parse((await assets([...args, '--json'], extraEnv)).stdout) as ResultJson;
  const runs = async (...args: string[]) => (JSON.parse((await assets(['runs', '--json', ...args])).stdout) as { runs: RunJson[] }).runs;

  beforeEach(async () => {
    workspace = await makeWorkspace();
    env = { ...workspace.env, STRATA_DEFINITIONS: path.join(FIXTURES, 'gated-step-definitions.mjs') };
  });
  afterEach(() => workspace.cleanup());

  describe('assets materialize --from-failure', () => {
    it('runs the failed and skipped assets of the run and nothing else, recording the parent and keeping its tags', async () => {
      const failed = await result(['materialize', '--tag', 'team=growth'], { FAIL_ASSET: 'gated' });
      expect(failed.status).toBe('failed');
      expect(failed.assets.map((asset) => [asset.key, asset.action])).toEqual([['first', 'materialized'], ['gated', 'failed'], ['last', 'skipped']]);

      const again = await assets(['materialize', '--from-failure', 'latest']);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain(`Re-executing run ${failed.runId}, the latest failed run, from its failure: failed gated; skipped or not started last.\n`);
      expect(again.stdout).toContain(`Parent run: ${failed.runId}. Tags: team=growth.`);
      const [child, parent] = await runs();
      expect(parent!.runId).toBe(failed.runId);
      expect(child).toMatchObject({ status: 'success', parentRunId: failed.runId, tags: { team: 'growth' }, selection: 'key:gated, key:last --refresh key:gated' });
      const logs = JSON.parse((await assets(['logs', child!.runId, '--json'])).stdout) as { events: { type: string; assetKey: string | null }[] };
      expect(logs.events.filter((event) => event.type === 'step-success').map((event) => event.assetKey)).toEqual(['gated', 'last']);

      const table = await assets(['runs']);
      const header = table.stdout.split('\n')[0]!;
      expect(header).toMatch(/ parent /);
      expect(table.stdout.split('\n')[1]!.slice(header.indexOf('parent')).startsWith(failed.runId!.slice(0, 8))).toBe(true);
      expect((await assets(['logs', 'latest'])).stdout).toContain(`\n  re-executes run ${failed.runId}\n`);

      // A re-execution of an untagged run names its parent, and no tags.
      const untagged = await result(['materialize', '--force'], { FAIL_ASSET: 'gated' });
      const retried = await assets(['materialize', '--from-failure', untagged.runId!]);
      expect(retried.stdout).toContain(`\nParent run: ${untagged.runId}.\n`);
      expect(retried.stdout).not.toContain('Tags:');
    });

    it('retries a failed step even when nothing says it is stale, and a --dry-run shows it', async () => {
      // Forced, `first` fails (and the rest is skipped); without --force nothing would plan it again.
      await assets(['materialize']);
      expect((await assets(['materialize', '--force'], { FAIL_ASSET: 'first' })).code).toBe(1);
      const dry = await result(['materialize', '--from-failure', 'latest', '--dry-run']) as unknown as { plan: { key: string; reasons: string[] }[] };
      expect(dry.plan).toEqual([
        { key: 'first', reasons: ['forced'], skipped: false, blockedBy: [] },
        { key: 'gated', reasons: ['upstream-planned'], skipped: false, blockedBy: [] },
        { key: 'last', reasons: ['upstream-planned'], skipped: false, blockedBy: [] },
      ]);
      const again = await result(['materialize', '--from-failure', 'latest']);
      expect(again.assets.map((asset) => [asset.key, asset.action])).toEqual([['first', 'materialized'], ['gated', 'up-to-date'], ['last', 'up-to-date']]);
    });

    it('says why a run cannot be re-executed from its failure', async () => {
      const { runId } = await result(['materialize']);
      const succeeded = await assets(['materialize', '--from-failure', runId!]);
      expect(succeeded.code).toBe(2);
      expect(succeeded.stderr).toMatch(/^error: Run [0-9a-f-]{36} has nothing to re-execute: every asset it planned was materialized or up to date \(it ended success\)\.\nhint: Repeat the whole run with `assets rerun [0-9a-f-]{36}`/);
      // `latest` takes the latest failure, and there is none.
      const noFailure = await assets(['materialize', '--from-failure', 'latest']);
      expect({ code: noFailure.code, stdout: noFailure.stdout }).toEqual({ code: 2, stdout: '' });
      expect(noFailure.stderr).toBe(
        `error: No materialization run has failed or been canceled, so there is nothing to re-execute from a failure (the latest run, ${runId}, ended success).\n` +
          'hint: Repeat a whole run with `assets rerun latest`, or materialize what is stale with `assets materialize`.\n',
      );

      const unknown = await assets(['materialize', '--from-failure', 'ffffffff']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('No run id starts with "ffffffff".');

      const combined = await assets(['materialize', '--from-failure', 'latest', '--select', 'first']);
      expect(combined.code).toBe(2);
      expect(combined.stderr).toMatch(/^error: --from-failure cannot be combined with --select\./);
    });

    it('refuses a run that is still going, and names how to wait for it', async () => {
      const gate = path.join(workspace.dir, 'gate');
      const running = startCli(['materialize'], { cwd: workspace.dir, env: { ...env, GATE_FILE: gate } });
      await running.waitForStderr('gated started');
      const [going] = await runs('--status', 'started');
      const refused = await assets(['materialize', '--from-failure', going!.runId]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^error: Run ([0-9a-f-]{36}) is still started: it can be re-executed from its failure once it ends\.\nhint: Wait for it with `assets logs -f \1`/);
      // `latest` takes a run that failed: none has yet, and the one going is named.
      const latest = await assets(['materialize', '--from-failure', 'latest']);
      expect(latest.code).toBe(2);
      expect(latest.stderr).toBe(
        `error: No materialization run has failed or been canceled, so there is nothing to re-execute from a failure (the latest run, ${going!.runId}, is still started).\n` +
          `hint: Wait for it with \`assets logs -f ${going!.runId}\`; should it fail, \`assets materialize --from-failure latest\` re-executes it.\n`,
      );
      await writeFile(gate, '');
      expect((await running.done).code).toBe(0);
    });
  });

  describe('assets rerun', () => {
    it("repeats a run's selection, exclude and force, planned by staleness now", async () => {
      await assets(['materialize']);
      const original = await result(['materialize', '--select', '+last', '--exclude', 'first', '--force', '--tag', 'ticket=42']);
      expect(original.assets.map((asset) => asset.key)).toEqual(['gated', 'last']);

      const rerun = await assets(['rerun', original.runId!, '--tag', 'attempt=2', '--json']);
      expect(rerun.code).toBe(0);
      const repeated = JSON.parse(rerun.stdout) as ResultJson;
      expect(repeated.parentRunId).toBe(original.runId);
      expect(repeated.tags).toEqual({ ticket: '42', attempt: '2' });
      expect(repeated.assets.map((asset) => [asset.key, asset.action, asset.reasons])).toEqual(original.assets.map((asset) => [asset.key, 'materialized', asset.reasons]));
      expect(repeated.assets.every((asset) => asset.reasons.includes('forced'))).toBe(true);
      const [child, parent] = await runs();
      expect(child!.selection).toBe(parent!.selection);
    });

    it('plans a rerun of a run that was not forced by staleness now: nothing stale, nothing run', async () => {
      const original = await result(['materialize']);
      const rerun = await result(['rerun', original.runId!]);
      expect(rerun).toMatchObject({ runId: null, status: 'nothing-to-do' });
    });

    it("reruns a job by name, with the job's tags", async () => {
      const original = await result(['materialize', '--job', 'through-gated']);
      await assets(['wipe', 'first', '--yes']);
      const rerun = await assets(['rerun', 'latest']);
      expect(rerun.code).toBe(0);
      expect(rerun.stderr).toContain(`Re-running run ${original.runId}: job through-gated.\n`);
      const [child] = await runs();
      expect(child).toMatchObject({ parentRunId: original.runId, tags: { team: 'data' } });
    });

    it('queues a rerun with its parent for a daemon to start', async () => {
      const original = await result(['materialize', '--select', 'first']);
      const queued = JSON.parse((await assets(['rerun', 'latest', '--queue', '--json'])).stdout) as { runId: string; status: string; parentRunId: string };
      expect(queued).toMatchObject({ status: 'queued', parentRunId: original.runId });
      expect((await runs('--status', 'queued')).map((run) => [run.runId, run.parentRunId])).toEqual([[queued.runId, original.runId]]);
    });

    it('needs a run, and says so', async () => {
      const missing = await assets(['rerun']);
      expect({ code: missing.code, stdout: missing.stdout }).toEqual({ code: 2, stdout: '' });
      expect(missing.stderr).toMatch(/^error: `assets rerun` needs a run id, or `latest`\./);
      const none = await assets(['rerun', 'latest']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('No runs are recorded yet.');
    });
  });
});
