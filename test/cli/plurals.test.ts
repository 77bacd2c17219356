import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';
import { CaptureStream } from './capture-stream.js';

const FLAKY = path.join(FIXTURES, 'flaky-definitions.mjs');
const AUTOMATION = path.join(FIXTURES, 'automation-definitions.mjs');
const TINY = fileURLToPath(new URL('../fixtures/tiny-definitions.ts', import.meta.url));

/** A count of one reads "1 run", "1 row", "1 asset": never "1 runs". */
describe('singular counts in the CLI', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeAll(async () => {
    workspace = await makeWorkspace();
  });
  afterAll(() => workspace.cleanup());
  const assets = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });

  it('says "1 of 1 selected asset" in a dry run', async () => {
    const result = await assets('materialize', '--dry-run', '--select', 'numbers', '--definitions', FLAKY);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^1 of 1 selected asset would run \(dry run: nothing was written\)\.$/m);
  });

  it('says "the latest 1 run" and "the latest 1 materialization" when --limit 1 leaves more', async () => {
    for (let run = 0; run < 2; run++) expect((await assets('materialize', '--force', '--definitions', FLAKY)).code).toBe(0);
    const runs = await assets('runs', '--limit', '1');
    expect(runs.stderr).toBe('Showing the latest 1 run; --limit N shows more.\n');
    const history = await assets('history', 'numbers', '--limit', '1', '--definitions', FLAKY);
    expect(history.stderr).toBe('Showing the latest 1 materialization of numbers; --limit N shows more.\n');
  });

  it('says "1 user" and "1 post" when a sample of one is generated', async () => {
    const result = await assets('sample', 'generate', '--users', '1', '--posts', '1', '--out', path.join(workspace.dir, 'one'));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Wrote 1 user \(\d+ bytes\) to .*users\.json$/m);
    expect(result.stdout).toMatch(/^Wrote 1 post \(\d+ bytes\) to .*posts\.json$/m);
  });

  it('says "the latest 1 tick" when --limit 1 leaves more', async () => {
    for (let tick = 0; tick < 2; tick++) expect((await assets('sensor', 'tick', 'failing', '--definitions', AUTOMATION)).code).toBe(1);
    const ticks = await assets('ticks', '--limit', '1', '--definitions', AUTOMATION);
    expect(ticks.stderr).toBe('Showing the latest 1 tick; --limit N shows more.\n');
  });
});

describe('singular counts on a terminal (in-process)', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'strata-plurals-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('shows "1 row" in the progress line of a one-row asset', async () => {
    const stderr = new CaptureStream(true);
    const io: CliIO = { stdout: new CaptureStream(true), stderr, env: { STRATA_HOME: home, NO_COLOR: '1' }, cwd: home, now: () => new Date(), signal: new AbortController().signal };
    expect(await main(['materialize', '--definitions', TINY], io)).toBe(0);
    expect(stderr.text).toMatch(/^✓ total 1 row in \d+ms$/m);
    expect(stderr.text).toMatch(/^✓ numbers 3 rows in \d+ms$/m);
  });
});
