import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from './run-cli.js';

const WARNING = /^warning: "tag:nosuch" in "users, tag:nosuch" selects no assets; the rest of the selection does\.\nhint: Known tags: [^\n]+\.\n/m;

/**
 * A part of a union (`a, b` / `a or b`) that selects nothing is probably a
 * typo that the rest of the union hides: every command that takes a
 * selection warns on stderr, naming the part, and goes on. A selection that
 * selects nothing as a whole stays an error (exit 2).
 */
describe('warnings for a union part that selects nothing (the example pipeline)', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeAll(async () => {
    workspace = await makeWorkspace();
  });
  afterAll(() => workspace.cleanup());
  const assets = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });

  it('warns in `assets list` and lists what the rest selects', async () => {
    const result = await assets('list', '--select', 'users, tag:nosuch');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(WARNING);
    expect(result.stdout).toMatch(/^users\s/m);
  });

  it('warns in `assets status`, on stderr only', async () => {
    const result = await assets('status', '--json', '--select', 'users, tag:nosuch');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(WARNING);
    expect(JSON.parse(result.stdout).assets.map((asset: { key: string }) => asset.key)).toEqual(['users']);
  });

  it('warns in a dry run, on stderr only, with --json too', async () => {
    const dryRun = await assets('materialize', '--dry-run', '--select', 'users, tag:nosuch');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stderr).toMatch(WARNING);
    expect(dryRun.stdout).not.toContain('warning');
    const json = await assets('materialize', '--dry-run', '--json', '--select', 'users, tag:nosuch');
    expect(json.code).toBe(0);
    expect(json.stderr).toMatch(WARNING);
    expect((JSON.parse(json.stdout) as { selected: string[] }).selected).toEqual(['users']);
  });

  it('warns in a run, and about a --refresh part too', async () => {
    const run = await assets('materialize', '--select', 'users, tag:nosuch', '--json');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(WARNING);
    const refresh = await assets('materialize', '--dry-run', '--refresh', 'users or posts_x*');
    expect(refresh.code).toBe(0);
    expect(refresh.stderr).toMatch(/^warning: "posts_x\*" in "users or posts_x\*" selects no assets; the rest of the selection does\.\nhint: Run `assets list` to see every asset key\.$/m);
  });

  it('warns in `assets lineage --select` and `assets wipe`, before anything is removed', async () => {
    const lineage = await assets('lineage', '--select', 'users, tag:nosuch');
    expect(lineage.code).toBe(0);
    expect(lineage.stderr).toMatch(WARNING);
    const wipe = await assets('wipe', 'users, tag:nosuch', '--yes');
    expect(wipe.code).toBe(0);
    expect(wipe.stderr).toMatch(WARNING);
  });

  it('names a part of the exclusion that selects nothing', async () => {
    const result = await assets('list', '--exclude', 'posts or group:nosuch');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: "group:nosuch" in the exclusion "posts or group:nosuch" selects no assets; the rest of the exclusion does\.\nhint: Known groups: /m);
  });

  it('keeps a selection whose every part selects nothing an error, exit 2, without warnings', async () => {
    const result = await assets('materialize', '--select', 'tag:nosuch, group:nosuch');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Selection "tag:nosuch, group:nosuch" selects no assets\.\n/);
    expect(result.stderr).not.toContain('warning');
  });

  it('prints no warning when every part selects something', async () => {
    const result = await assets('list', '--select', 'users, group:analytics');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });
});
