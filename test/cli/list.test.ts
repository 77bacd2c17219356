import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';
import { CaptureStream } from './capture-stream.js';

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DIAMOND = path.join(FIXTURES, 'diamond-definitions.mjs');
const TINY = fileURLToPath(new URL('../fixtures/tiny-definitions.ts', import.meta.url));

interface ListedAsset {
  key: string;
  group: string;
  ioManager: string;
  kind: string;
  tags: string[];
  deps: string[];
  description: string | null;
  status: string;
  reasons: string[];
  lastMaterializedAt: string | null;
  dataVersion: string | null;
  rows: number | null;
}

describe('assets list', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  const cli = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });
  const listJson = async (...args: string[]) => {
    const result = await cli('list', '--json', ...args);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return (JSON.parse(result.stdout) as { assets: ListedAsset[] }).assets;
  };
  beforeAll(async () => {
    workspace = await makeWorkspace();
  });
  afterAll(() => workspace.cleanup());

  it('lists a selection whose upstreams were never materialized as missing, without an error', async () => {
    expect((await listJson('--select', 'top_authors')).map((asset) => [asset.key, asset.status, asset.reasons])).toEqual([['top_authors', 'missing', ['missing', 'upstream-planned']]]);
  });

  it('prints one JSON document with every field of every asset, in topological order', async () => {
    expect((await cli('materialize', '--select', '+user_stats')).code).toBe(0);
    const assets = await listJson();
    expect(assets.map((asset) => [asset.key, asset.status])).toEqual([
      ['posts', 'fresh'],
      ['posts_daily', 'missing'],
      ['users', 'fresh'],
      ['posts_enriched', 'missing'],
      ['user_stats', 'fresh'],
      ['user_stats_daily', 'missing'],
      ['summary', 'missing'],
      ['top_authors', 'missing'],
      ['user_trends', 'missing'],
    ]);
    expect(assets[4]).toEqual({
      key: 'user_stats',
      group: 'analytics',
      ioManager: 'default',
      kind: 'csv',
      tags: [],
      deps: ['posts', 'users'],
      description: 'Post counts and averages per user, including users without posts.',
      status: 'fresh',
      reasons: [],
      checks: { failed: [], warned: [], blockedBy: [] },
      lastMaterializedAt: expect.stringMatching(ISO_TIME),
      dataVersion: expect.stringMatching(/^[0-9a-f]{64}$/),
      rows: 7,
      partitions: null,
    });
    expect(assets[6]).toMatchObject({ key: 'summary', deps: ['posts', 'posts_enriched', 'users'], reasons: ['missing', 'upstream-planned'], lastMaterializedAt: null, dataVersion: null, rows: null });
  });

  it('narrows the list with --select and --exclude', async () => {
    expect((await listJson('--select', 'group:sources', '--exclude', 'posts')).map((asset) => asset.key)).toEqual(['users']);
    const empty = await cli('list', '--select', 'group:nope');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^error: Selection "group:nope" selects no assets\./);
  });

  it('prints a table with a row per asset, and ISO times when stdout is not a terminal', async () => {
    const result = await cli('list', '--select', 'posts or summary');
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['asset', 'group', 'kind', 'tags', 'deps', 'status', 'last materialized', 'rows', 'description']);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.split(/\s{2,}/)).toEqual(['posts', 'sources', 'csv', 'api', '-', 'fresh', expect.stringMatching(ISO_TIME), '9', expect.stringMatching(/^Posts from the API/)]);
    expect(rows[1]!.split(/\s{2,}/)).toEqual(['summary', 'analytics', 'csv', '-', 'posts, posts_enriched, users', 'missing', '-', '-', expect.stringMatching(/^One row/)]);
  });

  it('shows each asset’s IO manager kind and tags', async () => {
    const assets = await listJson('--definitions', DIAMOND, '--select', 'lonely or apex');
    expect(assets.map((asset) => [asset.key, asset.ioManager, asset.kind, asset.tags])).toEqual([
      ['lonely', 'scratch', 'memory', []],
      ['apex', 'default', 'csv', ['report']],
    ]);
  });

  it('has --help with usage and examples for every command of this feature', async () => {
    for (const command of ['list', 'lineage', 'runs', 'logs', 'history', 'wipe']) {
      const help = await cli(command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: assets ${command}`, 'm'));
      expect(help.stdout).toMatch(new RegExp(`Examples:\\n {2}assets ${command}`));
    }
  });
});

describe('assets list on a terminal (in-process)', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'strata-list-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  const run = async (args: string[], options: { now: Date; columns?: number; env?: Record<string, string> }) => {
    const stdout = new CaptureStream(true, options.columns ?? 120);
    const io: CliIO = { stdout, stderr: new CaptureStream(true, 120), env: { STRATA_HOME: home, ...options.env }, cwd: home, now: () => options.now, signal: new AbortController().signal };
    const code = await main([...args, '--definitions', TINY], io);
    return { code, stdout: stdout.text };
  };

  it('shows relative times, fits the terminal without cutting keys, and colours the status', async () => {
    const materializedAt = new Date('2030-01-01T10:00:00.000Z');
    expect((await run(['materialize'], { now: materializedAt, env: { NO_COLOR: '1' } })).code).toBe(0);
    const later = new Date(materializedAt.getTime() + 2 * 3_600_000);
    const wide = await run(['list'], { now: later, env: { NO_COLOR: '1' } });
    expect(wide.stdout.split('\n')[1]).toMatch(/^numbers\s+sources\s+memory\s+-\s+-\s+fresh\s+2 h ago\s+3\s+-$/);
    const narrow = await run(['list'], { now: later, columns: 80, env: { NO_COLOR: '1' } });
    const lines = narrow.stdout.trimEnd().split('\n');
    expect(Math.max(...lines.map((line) => line.length))).toBe(80);
    expect(lines[0]).toContain('last materi…');
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['asset', 'numbers', 'total']);
    expect((await run(['list'], { now: later })).stdout).toContain('\u001b[32mfresh');
  });
});
