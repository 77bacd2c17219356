import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';
import { makeWorkspace, runCli } from './run-cli.js';
import { CaptureStream } from './capture-stream.js';

const TINY = fileURLToPath(new URL('../fixtures/tiny-definitions.ts', import.meta.url));

describe('assets wipe', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  const cli = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });
  const statuses = async () => {
    const result = await cli('status', '--json');
    expect(result.code).toBe(0);
    return Object.fromEntries((JSON.parse(result.stdout) as { assets: { key: string; status: string }[] }).assets.map((asset) => [asset.key, asset.status]));
  };
  beforeEach(async () => {
    workspace = await makeWorkspace();
    expect((await cli('materialize')).code).toBe(0);
  });
  afterEach(() => workspace.cleanup());

  it('refuses to remove anything without --yes when stdin is not a terminal', async () => {
    const result = await cli('wipe', 'group:sources');
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(
      'error: `assets wipe` would forget 2 materializations of 2 assets (posts, users). It asks first, and stdin is not a terminal to ask on.\n' +
        'hint: Re-run with --yes to go ahead without being asked.\n',
    );
    expect(await statuses()).toMatchObject({ posts: 'fresh', users: 'fresh' });
  });

  it('forgets the materializations of a selection with --yes, so status shows them missing', async () => {
    const result = await cli('wipe', 'posts', '--yes');
    expect(result).toEqual({ code: 0, signal: null, stdout: 'Forgot 1 materialization of 1 asset: posts.\n', stderr: '' });
    expect(await statuses()).toEqual({
      posts: 'missing',
      users: 'fresh',
      posts_enriched: 'stale',
      user_stats: 'stale',
      summary: 'stale',
      top_authors: 'stale',
      posts_daily: 'fresh',
      user_stats_daily: 'fresh',
      user_trends: 'fresh',
    });
    // Without --delete-outputs the stored file stays; only the record is gone.
    expect(existsSync(path.join(workspace.output, 'posts.csv'))).toBe(true);
    // Its checks' results are forgotten with its materializations.
    expect(JSON.parse((await cli('history', 'posts', '--json')).stdout)).toEqual({ key: 'posts', materializations: [], hasMore: false, checks: [] });
    expect(await cli('wipe', 'posts', '--yes')).toMatchObject({ code: 0, stdout: 'Nothing to forget: posts has no recorded materialization.\n' });
  });

  it('deletes the stored outputs too with --delete-outputs, and reports what it removed as JSON', async () => {
    const result = await cli('wipe', 'group:analytics', '--yes', '--delete-outputs', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      assets: [
        { key: 'user_stats', materializationsRemoved: 1, outputDeleted: true },
        { key: 'summary', materializationsRemoved: 1, outputDeleted: true },
        { key: 'top_authors', materializationsRemoved: 1, outputDeleted: true },
      ],
      materializationsRemoved: 3,
    });
    for (const key of ['user_stats', 'summary', 'top_authors']) expect(existsSync(path.join(workspace.output, `${key}.csv`))).toBe(false);
    expect(existsSync(path.join(workspace.output, 'posts_enriched.csv'))).toBe(true);
    expect(await statuses()).toMatchObject({ user_stats: 'missing', summary: 'missing', top_authors: 'missing', posts_enriched: 'fresh' });
    const plan = JSON.parse((await cli('materialize', '--dry-run', '--json')).stdout) as { plan: { key: string }[] };
    expect(plan.plan.map((asset) => asset.key)).toEqual(['user_stats', 'summary', 'top_authors']);

    const again = await cli('wipe', 'summary', '--yes', '--delete-outputs');
    expect(again).toMatchObject({ code: 0, stdout: 'No stored output to delete.\n' });
  });

  it('rejects a missing or unknown selection', async () => {
    const none = await cli('wipe', '--yes');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: `assets wipe` needs a selection of assets\./);
    const unknown = await cli('wipe', 'post', '--yes');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: Unknown asset "post"\.\nhint: Did you mean "posts"/);
  });
});

describe('assets wipe on a terminal (in-process)', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'strata-wipe-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  /** Runs `assets <args>` with a terminal on stdin; `answer` types into it once the question is asked. */
  const run = async (args: string[], answer?: (stdin: PassThrough, controller: AbortController) => void) => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stdout = new CaptureStream(true, undefined);
    const controller = new AbortController();
    const stderr = {
      text: '',
      isTTY: true,
      write(chunk: string) {
        this.text += chunk;
        if (chunk.endsWith('[y/N] ')) answer?.(stdin, controller);
        return true;
      },
    };
    const io: CliIO = { stdout, stderr, stdin, env: { STRATA_HOME: home, NO_COLOR: '1' }, cwd: home, now: () => new Date(), signal: controller.signal };
    const code = await main([...args, '--definitions', TINY], io);
    return { code, stdout: stdout.text, stderr: stderr.text };
  };
  const recorded = async () => {
    const storage = await SqliteInstanceStorage.open({ home });
    try {
      return [...(await storage.latestMaterializations()).keys()];
    } finally {
      await storage.close();
    }
  };

  it('asks before forgetting, and does nothing when the answer is no', async () => {
    expect((await run(['materialize'])).code).toBe(0);
    const declined = await run(['wipe', 'numbers'], (stdin) => stdin.write('n\n'));
    expect(declined).toEqual({ code: 0, stdout: '', stderr: 'Forget 1 materialization of 1 asset (numbers)? [y/N] Nothing was removed.\n' });
    const ended = await run(['wipe', 'numbers'], (stdin) => stdin.end());
    expect(ended).toEqual({ code: 0, stdout: '', stderr: 'Forget 1 materialization of 1 asset (numbers)? [y/N] \nNothing was removed.\n' });
    expect(await recorded()).toEqual(['numbers', 'total']);
  });

  it('forgets once the answer is yes', async () => {
    expect((await run(['materialize'])).code).toBe(0);
    const accepted = await run(['wipe', '*'], (stdin) => stdin.write('Yes\n'));
    expect(accepted).toEqual({ code: 0, stdout: 'Forgot 2 materializations of 2 assets: numbers, total.\n', stderr: 'Forget 2 materializations of 2 assets (numbers, total)? [y/N] ' });
    expect(await recorded()).toEqual([]);
  });

  it('stops asking and exits 130 on Ctrl-C', async () => {
    expect((await run(['materialize'])).code).toBe(0);
    const interrupted = await run(['wipe', 'total'], (_stdin, controller) => controller.abort(new Error('canceled by SIGINT')));
    expect(interrupted).toEqual({ code: 130, stdout: '', stderr: 'Forget 1 materialization of 1 asset (total)? [y/N] \nNothing was removed.\n' });
    expect(await recorded()).toEqual(['numbers', 'total']);
  });
});
