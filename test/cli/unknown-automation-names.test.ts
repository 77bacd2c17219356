import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from './run-cli.js';

/**
 * A mistyped job, schedule or sensor name: the hint offers the closest name
 * (one that contains what was typed comes first) and the command that lists
 * every name of that kind, never `assets list` (which lists assets).
 */
describe('unknown job, schedule and sensor names (the example pipeline)', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeAll(async () => {
    workspace = await makeWorkspace();
  });
  afterAll(() => workspace.cleanup());
  const assets = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });

  it('points an unknown job to `assets jobs`', async () => {
    const result = await assets('materialize', '--job', 'nightly-build');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: Unknown job "nightly-build".\nhint: Run `assets jobs` to see every job.\n');
  });

  it('suggests a close job name and still names `assets jobs`', async () => {
    const result = await assets('materialize', '--job', 'refrsh');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: Unknown job "refrsh".\nhint: Did you mean "refresh"? `assets jobs` lists every job.\n');
  });

  it('suggests the schedule that contains the name typed, and points to `assets schedules`', async () => {
    const result = await assets('schedule', 'preview', 'daily-refresh');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Unknown schedule "daily-refresh"\.\nhint: Did you mean "daily-data-refresh"[ ?]/);
    expect(result.stderr).toContain('`assets schedules` lists every schedule.');
    expect(result.stderr).not.toContain('assets list');
  });

  it('points an unknown sensor to `assets sensors`', async () => {
    const result = await assets('sensor', 'tick', 'no-such-sensor', '--dry-run');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: Unknown sensor "no-such-sensor".\nhint: Run `assets sensors` to see every sensor.\n');
  });

  it('points an unknown name given to `assets ticks` to both listings', async () => {
    const result = await assets('ticks', 'no-such-thing');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: Unknown schedule or sensor "no-such-thing".\nhint: Run `assets schedules` or `assets sensors` to see every schedule or sensor.\n');
  });
});
