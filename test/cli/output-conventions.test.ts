import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { CaptureStream } from './capture-stream.js';

const TINY = fileURLToPath(new URL('../fixtures/tiny-definitions.ts', import.meta.url));
const ESCAPE = '\u001b[';


/** Runs the CLI in-process with injected streams, as the bin does with the real ones. */
describe('CLI output conventions (in-process)', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'strata-io-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  async function run(args: string[], options: { tty: boolean; env?: Record<string, string> }) {
    const stdout = new CaptureStream(options.tty, 100);
    const stderr = new CaptureStream(options.tty, 100);
    const io: CliIO = { stdout, stderr, env: { STRATA_HOME: home, ...options.env }, cwd: home, now: () => new Date(), signal: new AbortController().signal };
    const code = await main([...args, '--definitions', TINY], io);
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('shows per-asset progress on a terminal and a summary table on stdout', async () => {
    const result = await run(['materialize'], { tty: true, env: { NO_COLOR: '1' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^▶ numbers materializing…$/m);
    expect(result.stderr).toMatch(/^✓ numbers 3 rows in \d+ms$/m);
    expect(result.stderr).toMatch(/^✓ total 1 row in \d+ms$/m);
    expect(result.stdout).toMatch(/^numbers\s+materialized\s+3\s/m);
    expect(result.stdout).not.toContain('▶');
  });

  it('colours a terminal, unless NO_COLOR or --no-color says otherwise', async () => {
    expect((await run(['materialize'], { tty: true })).stdout).toContain(ESCAPE);
    expect((await run(['materialize', '--force'], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(ESCAPE);
    const noColor = await run(['materialize', '--force', '--no-color'], { tty: true });
    expect(noColor.stdout + noColor.stderr).not.toContain(ESCAPE);
  });

  it('colours a pipe only with FORCE_COLOR', async () => {
    expect((await run(['status'], { tty: false })).stdout).not.toContain(ESCAPE);
    expect((await run(['status'], { tty: false, env: { FORCE_COLOR: '1' } })).stdout).toContain(ESCAPE);
  });

  it('writes JSON log lines to stderr when it is not a terminal, and nothing but JSON on stdout with --json', async () => {
    const result = await run(['materialize', '--json'], { tty: false });
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'success' });
    const lines = result.stderr.trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string; asset?: string });
    expect(lines.map((line) => line.msg)).toContain('materialized total');
  });

  it('shows times relative on a terminal and as ISO 8601 elsewhere', async () => {
    await run(['materialize'], { tty: false });
    expect((await run(['status'], { tty: true, env: { NO_COLOR: '1' } })).stdout).toMatch(/just now/);
    expect((await run(['status'], { tty: false })).stdout).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/);
  });
});
