import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

const FLAKY = path.join(FIXTURES, 'flaky-definitions.mjs');

/**
 * One command line's `--definitions` works with every command, so a user (or
 * a shell alias, or a Makefile variable) can pass it everywhere. Commands that
 * read no definitions accept it; `runs` and `logs` still check the path.
 */
describe('--definitions on every command', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeAll(async () => {
    workspace = await makeWorkspace();
  });
  afterAll(() => workspace.cleanup());
  const assets = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });

  for (const name of Object.keys(COMMANDS)) {
    it(`assets ${name} accepts --definitions`, async () => {
      const result = await assets(name, '--definitions', FLAKY, '--help');
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toContain('--definitions');
    });
  }

  it('lists runs and shows their logs with --definitions, as after a materialize with it', async () => {
    expect((await assets('materialize', '--definitions', FLAKY)).code).toBe(0);
    const runs = await assets('runs', '--definitions', FLAKY);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/^[0-9a-f]{8}\s+success\s/m);
    const logs = await assets('logs', 'latest', '--definitions', FLAKY);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/^Run \S+ success: 2 materialized$/m);
  });

  it('rejects a --definitions path that does not exist, even where definitions are not read', async () => {
    for (const args of [['runs'], ['logs', 'latest']]) {
      const result = await assets(...args, '--definitions', 'no-such-module.ts');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: Definitions module not found: .*no-such-module\.ts \(from --definitions no-such-module\.ts\)/);
    }
  });
});
