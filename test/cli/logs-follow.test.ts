import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../storage/embedded-postgres.js';
import { BIN, type CliRun, FIXTURES, makeWorkspace, runCli } from './run-cli.js';

/** A running `assets` process whose stdout and stderr can be waited on. */
interface Running {
  readonly child: ReturnType<typeof spawn>;
  readonly done: Promise<CliRun>;
  readonly stdout: () => string;
  waitFor(stream: 'stdout' | 'stderr', text: string): Promise<void>;
}

function start(args: readonly string[], options: { cwd: string; env: Record<string, string> }): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  const waiters: { stream: 'stdout' | 'stderr'; text: string; resolve: () => void }[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]!.setEncoding('utf8').on('data', (chunk: string) => {
      output[stream] += chunk;
      for (const waiter of waiters.filter((w) => w.stream === stream && output[stream].includes(w.text))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  }
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, ...output }));
  });
  return {
    child,
    done,
    stdout: () => output.stdout,
    waitFor: (stream, text) =>
      output[stream].includes(text)
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            waiters.push({ stream, text, resolve });
            void done.then((run) => reject(new Error(`exited (${run.code ?? run.signal}) before printing "${text}" on ${stream}; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`)));
          }),
  };
}

/**
 * `assets logs -f` in one process following a materialization in another.
 * The materialization waits in its `gated` step until the test creates the
 * gate file, so "while the run is going" is a state the test holds, not a
 * moment it times.
 */
describe('assets logs -f', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let env: Record<string, string>;
  let gate: string;
  beforeEach(async () => {
    workspace = await makeWorkspace();
    gate = path.join(workspace.dir, 'gate');
    env = { ...workspace.env, STRATA_DEFINITIONS: path.join(FIXTURES, 'gated-step-definitions.mjs'), GATE_FILE: gate };
  });
  afterEach(() => workspace.cleanup());

  /** A materialization stopped in its gated step, and a follower that has printed that step's start. */
  async function followGatedRun(materializeEnv: Record<string, string> = env, followArgs: readonly string[] = []) {
    const materializing = start(['materialize', '--tag', 'team=growth'], { cwd: workspace.dir, env: materializeEnv });
    await materializing.waitFor('stderr', 'gated started');
    const following = start(['logs', '-f', 'latest', ...followArgs], { cwd: workspace.dir, env });
    return { materializing, following };
  }

  it('prints the events of a run in another process as they are recorded, and exits 0 when it succeeds', async () => {
    const { materializing, following } = await followGatedRun();
    await following.waitFor('stdout', 'Materializing gated');
    // The run is held in its gated step: what the follower printed so far came while it was going.
    expect(following.child.exitCode).toBeNull();
    expect(following.stdout()).toMatch(/^Run [0-9a-f-]{36} started: following until it ends\n {2}cli, selection \*, started .*, not finished\n {2}tags team=growth\n\n/);
    expect(following.stdout()).toContain('Materialized first: 1 row');
    expect(following.stdout()).not.toContain('Materialized gated');

    await writeFile(gate, '');
    const [followed, materialized] = await Promise.all([following.done, materializing.done]);
    expect(materialized.code).toBe(0);
    expect(followed.stderr).toBe('');
    expect(followed.code).toBe(0);
    const lines = followed.stdout.split('\n');
    const order = ['Materializing gated', 'gated started', 'Materialized gated: 1 row', 'Materializing last', 'Materialized last: 1 row', 'run-end'];
    const positions = order.map((text) => lines.findIndex((line) => line.includes(text)));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(followed.stdout).toMatch(/\nRun [0-9a-f-]{36} success after \S+: 3 materialized\n$/);
    // Each event once: the follower's events are the run's, in order.
    const recorded = JSON.parse((await runCli(['logs', 'latest', '--json'], { cwd: workspace.dir, env })).stdout) as { events: { type: string; message: string }[] };
    expect(lines.filter((line) => /^\d{4}-\d\d-\d\dT/.test(line)).map((line) => line.split(/\s{2,}/).at(-1))).toEqual(recorded.events.map((event) => event.message));
  });

  it('exits 1 when the run it follows fails', async () => {
    const { materializing, following } = await followGatedRun({ ...env, FAIL_ASSET: 'last' });
    await following.waitFor('stdout', 'Materializing gated');
    await writeFile(gate, '');
    const followed = await following.done;
    expect((await materializing.done).code).toBe(1);
    expect(followed.code).toBe(1);
    expect(followed.stdout).toContain('last failed on purpose (FAIL_ASSET=last)');
    expect(followed.stdout).toMatch(/\nRun [0-9a-f-]{36} failed after \S+: 2 materialized, 1 failed\n$/);
  });

  it('exits 130 when the run it follows is canceled', async () => {
    const { materializing, following } = await followGatedRun();
    await following.waitFor('stdout', 'Materializing gated');
    expect((await runCli(['cancel', 'latest'], { cwd: workspace.dir, env })).code).toBe(0);
    const followed = await following.done;
    expect((await materializing.done).code).toBe(130);
    expect(followed.code).toBe(130);
    expect(followed.stdout).toMatch(/\nRun [0-9a-f-]{36} canceled after \S+: 1 materialized, 1 failed\n$/);
  });

  it('with --json, waits for the end and prints the one document `assets logs --json` prints', async () => {
    const { materializing, following } = await followGatedRun(env, ['--json']);
    await writeFile(gate, '');
    const followed = await following.done;
    expect((await materializing.done).code).toBe(0);
    expect(followed.code).toBe(0);
    const document = JSON.parse(followed.stdout) as { run: { status: string; tags: Record<string, string> }; events: { type: string }[] };
    expect(document.run).toMatchObject({ status: 'success', tags: { team: 'growth' } });
    expect(document).toEqual(JSON.parse((await runCli(['logs', 'latest', '--json'], { cwd: workspace.dir, env })).stdout));
  });

  it('stops following on Ctrl-C with 130 while the run goes on', async () => {
    const { materializing, following } = await followGatedRun();
    await following.waitFor('stdout', 'Materializing gated');
    following.child.kill('SIGINT');
    const followed = await following.done;
    expect(followed.code).toBe(130);
    expect(followed.stderr).toMatch(/^\nStopped following \(SIGINT\); run [0-9a-f-]{36} goes on \(`assets logs -f [0-9a-f-]{36}` follows it again\)\.\n$/);
    await writeFile(gate, '');
    expect((await materializing.done).code).toBe(0);
  });

  it('sizes the asset column of a followed assets check run by the assets it checks', async () => {
    const checkedEnv = { ...workspace.env, STRATA_DEFINITIONS: path.join(FIXTURES, 'gated-check-definitions.mjs') };
    expect((await runCli(['materialize'], { cwd: workspace.dir, env: checkedEnv })).code).toBe(0);
    const checking = start(['check'], { cwd: workspace.dir, env: { ...checkedEnv, GATE_FILE: gate } });
    await checking.waitFor('stderr', 'check waiting');
    const following = start(['logs', '-f', 'latest'], { cwd: workspace.dir, env: checkedEnv });
    // Following a run still going: its events come as it records them (here, once the check is done).
    await following.waitFor('stdout', 'following until it ends');
    await writeFile(gate, '');
    const [followed, checked] = await Promise.all([following.done, checking.done]);
    expect(checked.code).toBe(0);
    expect(followed.code).toBe(0);
    // Every message starts under the title's, the first line (printed before any event named the asset) too.
    const lines = followed.stdout.split('\n');
    const column = lines.find((line) => line.startsWith('time'))!.indexOf('message');
    const recorded = JSON.parse((await runCli(['logs', 'latest', '--json'], { cwd: workspace.dir, env: checkedEnv })).stdout) as { events: { assetKey: string | null; message: string }[] };
    expect(recorded.events.some((event) => event.assetKey === 'accounts_by_region_and_plan')).toBe(true);
    const eventLines = lines.filter((line) => /^\d{4}-\d\d-\d\dT/.test(line));
    expect(eventLines.map((line) => line.slice(column))).toEqual(recorded.events.map((event) => event.message.split('\n', 1)[0]));
  });

  it('prints a run that has ended at once and exits with its status', async () => {
    expect((await runCli(['materialize'], { cwd: workspace.dir, env: { ...env, GATE_FILE: '', FAIL_ASSET: 'gated' } })).code).toBe(1);
    const followed = await runCli(['logs', '--follow', 'latest'], { cwd: workspace.dir, env });
    expect(followed.code).toBe(1);
    expect(followed.stdout).toContain('gated failed on purpose');
    // As `assets logs` prints it: the outcome in the header, the events aligned.
    expect(followed.stdout).toBe((await runCli(['logs', 'latest'], { cwd: workspace.dir, env })).stdout);
    expect(followed.stdout).toMatch(/^Run [0-9a-f-]{36} failed: 1 materialized, 1 failed, 1 skipped\n/);
  });
});

/** The same on a Postgres instance, where the follower reads what another process commits to the shared database. */
describe('assets logs -f on a Postgres instance', () => {
  let postgres: TestPostgres;
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(() => postgres.stop());
  beforeEach(async () => {
    workspace = await makeWorkspace();
    env = {
      ...workspace.env,
      STRATA_DEFINITIONS: path.join(FIXTURES, 'gated-step-definitions.mjs'),
      GATE_FILE: path.join(workspace.dir, 'gate'),
      STRATA_DATABASE_URL: postgres.connectionString,
      STRATA_DATABASE_SCHEMA: postgres.uniqueSchema('follow'),
    };
  });
  afterEach(() => workspace.cleanup());

  it('follows a run of another process, then re-executes it from its failure, tags and parent kept', async () => {
    // In the coordinator: the work pool (Postgres' default executor) needs workers, which this is not about.
    const materializing = start(['materialize', '--executor', 'in-process', '--tag', 'team=growth'], { cwd: workspace.dir, env: { ...env, FAIL_ASSET: 'last' } });
    await materializing.waitFor('stderr', 'gated started');
    const following = start(['logs', '-f', 'latest'], { cwd: workspace.dir, env });
    await following.waitFor('stdout', 'Materializing gated');
    expect(following.child.exitCode).toBeNull();
    await writeFile(env.GATE_FILE!, '');
    const followed = await following.done;
    expect((await materializing.done).code).toBe(1);
    expect(followed.code).toBe(1);
    expect(followed.stdout).toMatch(/\nRun [0-9a-f-]{36} failed after \S+: 2 materialized, 1 failed\n$/);

    const again = await runCli(['materialize', '--from-failure', 'latest', '--executor', 'in-process', '--json'], { cwd: workspace.dir, env });
    expect(again.code).toBe(0);
    const result = JSON.parse(again.stdout) as { assets: { key: string }[]; tags: Record<string, string>; parentRunId: string };
    expect(result.assets.map((asset) => asset.key)).toEqual(['last']);
    expect(result.tags).toEqual({ team: 'growth' });
    const runs = JSON.parse((await runCli(['runs', '--json', '--tag', 'team=growth'], { cwd: workspace.dir, env })).stdout) as { runs: { runId: string; parentRunId: string | null }[] };
    expect(runs.runs.map((run) => run.parentRunId)).toEqual([runs.runs[1]!.runId, null]);
    expect(result.parentRunId).toBe(runs.runs[1]!.runId);
  });
});
