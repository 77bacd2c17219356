import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { FIXTURES, makeWorkspace, runCli, startCli } from './run-cli.js';

const DEFINITIONS = path.join(FIXTURES, 'pool-definitions.mjs');

describe('assets pools', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());

  const pools = (...args: string[]) => runCli(['pools', ...args, '--definitions', DEFINITIONS], { cwd: workspace.dir, env: workspace.env });

  it('lists the pools the assets name as unlimited until a limit is set, then with it', async () => {
    const before = await pools();
    expect(before.code).toBe(0);
    expect(before.stderr).toBe('');
    expect(before.stdout).toMatch(/^pool +limit +in use +held by +assets\n/);
    expect(before.stdout).toMatch(/\napi +unlimited +0 +- +call_a, call_b, call_c\n/);

    const set = await pools('set', 'api', '2');
    expect(set).toMatchObject({ code: 0, stdout: 'Pool api: at most 2 steps at once.\n', stderr: '' });
    // A pool no asset names yet is listed once it has a limit.
    expect((await pools('set', 'warehouse', '1')).code).toBe(0);
    const after = await pools();
    expect(after.stdout).toMatch(/\napi +2 +0 +- +call_a, call_b, call_c\n/);
    expect(after.stdout).toMatch(/\nwarehouse +1 +0 +- +-\n/);

    expect(await pools('set', 'api', '--unlimited')).toMatchObject({ code: 0, stdout: 'Pool api is unlimited.\n' });
    expect((await pools()).stdout).toMatch(/\napi +unlimited /);
  });

  it('shows the slots in use with the run and step holding them, in --json too', async () => {
    expect((await pools('set', 'api', '1')).code).toBe(0);
    const storage = await SqliteInstanceStorage.open({ home: workspace.env.STRATA_HOME! });
    try {
      // A live holder: this test's own process, so nothing takes the slot over.
      await storage.claimPoolSlot({ pool: 'api', runId: '1234abcd-0000-4000-8000-000000000000', assetKey: 'call_b', pid: process.pid, hostname: 'elsewhere', now: new Date(), ttlMs: 60_000 });
    } finally {
      await storage.close();
    }
    const listed = await pools();
    expect(listed.stdout).toMatch(/\napi +1 +1 +1234abcd \(call_b\) +call_a, call_b, call_c\n/);
    const json = await pools('--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      pools: [
        {
          pool: 'api',
          limit: 1,
          inUse: 1,
          assets: ['call_a', 'call_b', 'call_c'],
          slots: [{ runId: '1234abcd-0000-4000-8000-000000000000', assetKey: 'call_b', pid: process.pid, hostname: 'elsewhere', since: expect.any(String) }],
        },
      ],
    });
  });

  it('counts no slot of a run whose process died, as the next run takes that slot at once', async () => {
    expect((await pools('set', 'api', '1')).code).toBe(0);
    const doomed = startCli(['materialize', '--select', 'call_a', '--definitions', DEFINITIONS], { cwd: workspace.dir, env: { ...workspace.env, TEST_MODE: 'hang' } });
    await doomed.waitForStderr('POOL_STEP call_a');
    expect((await pools()).stdout).toMatch(/\napi +1 +1 +[0-9a-f]{8} \(call_a\) +call_a, call_b, call_c\n/);
    doomed.child.kill('SIGKILL');
    await doomed.done;

    // The instance marks the run abandoned, and a claim in the pool would get the slot without waiting.
    const listed = await pools();
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/\napi +1 +0 +- +call_a, call_b, call_c\n/);
    expect(JSON.parse((await pools('--json')).stdout)).toMatchObject({ pools: [{ pool: 'api', limit: 1, inUse: 0, slots: [] }] });
  });

  it('sets a limit on a pool no asset uses, warning with the closest pool in use, as a typo would leave that pool unlimited', async () => {
    const typo = await pools('set', 'apo', '2');
    expect({ code: typo.code, stdout: typo.stdout }).toEqual({ code: 0, stdout: 'Pool apo: at most 2 steps at once.\n' });
    expect(typo.stderr).toBe(
      'warning: No asset uses pool "apo": the limit is stored, and applies once an asset declares `pool: "apo"`.\n' +
        'hint: Did you mean "api"? Set it with `assets pools set api 2`.\n',
    );
    expect((await pools()).stdout).toMatch(/\napo +2 +0 +- +-\n/);

    const removed = await pools('set', 'apo', '--unlimited');
    expect({ code: removed.code, stdout: removed.stdout }).toEqual({ code: 0, stdout: 'Pool apo is unlimited.\n' });
    expect(removed.stderr).toBe('warning: No asset uses pool "apo": it is unlimited now, as every pool without a limit is.\nhint: If you meant "api", remove its limit instead: `assets pools set api --unlimited`.\n');

    const unlike = await pools('set', 'warehouse', '1');
    expect(unlike.code).toBe(0);
    expect(unlike.stderr).toBe('warning: No asset uses pool "warehouse": the limit is stored, and applies once an asset declares `pool: "warehouse"`.\nhint: The assets use "api"; `assets pools` lists them.\n');
    // A pool in use is set without a word.
    expect(await pools('set', 'api', '1')).toMatchObject({ code: 0, stderr: '' });
  });

  it('refuses a limit that is not a whole number >= 1, a bad pool name and conflicting arguments, with exit 2', async () => {
    for (const [args, message] of [
      [['set', 'api', '0'], /A pool limit must be a whole number >= 1, got "0"/],
      [['set', 'api', 'two'], /got "two"/],
      [['set', 'api'], /needs a limit, or --unlimited/],
      [['set', 'api', '1', '--unlimited'], /cannot be combined with --unlimited/],
      [['set', 'bad name', '1'], /"bad name" cannot name a pool/],
      [['drain'], /Unknown subcommand "pools drain"/],
    ] as const) {
      const refused = await pools(...args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(message);
      expect(refused.stderr).toMatch(/hint: /);
    }
  });
});
