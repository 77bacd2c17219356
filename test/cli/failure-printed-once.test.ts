import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { CaptureStream } from './capture-stream.js';

const FAILING = fileURLToPath(new URL('../fixtures/failing-asset-definitions.ts', import.meta.url));
const ERROR = 'the warehouse refused the connection';


function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

/**
 * A failing asset on a terminal: the progress line says it failed, the
 * summary says why, once. (Before, the logger printed the error a third
 * time.) Run in-process with injected terminal streams, as the bin would.
 */
describe('a failing asset on a terminal (in-process)', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'strata-failing-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  async function materialize(tty: { stdout: boolean; stderr: boolean }) {
    const stdout = new CaptureStream(tty.stdout);
    const stderr = new CaptureStream(tty.stderr);
    const io: CliIO = { stdout, stderr, env: { STRATA_HOME: home, NO_COLOR: '1' }, cwd: home, now: () => new Date(), signal: new AbortController().signal };
    const code = await main(['materialize', '--definitions', FAILING], io);
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('prints the error of a failing asset once, in the summary, and marks it failed in the progress', async () => {
    const result = await materialize({ stdout: true, stderr: true });
    expect(result.code).toBe(1);
    expect(occurrences(result.stdout + result.stderr, ERROR)).toBe(1);
    expect(result.stderr).toMatch(/^✗ broken failed$/m);
    expect(result.stderr).not.toMatch(/ERROR/);
    expect(result.stdout).toMatch(/^broken: the warehouse refused the connection$/m);
    expect(result.stdout).toMatch(/^Full errors and logs: assets logs \S+$/m);
  });

  it('keeps the error in the progress line when the summary goes elsewhere (stdout redirected)', async () => {
    const result = await materialize({ stdout: false, stderr: true });
    expect(result.code).toBe(1);
    expect(occurrences(result.stderr, ERROR)).toBe(1);
    expect(result.stderr).toMatch(/^✗ broken failed: the warehouse refused the connection$/m);
    expect(result.stdout).toMatch(/^broken: the warehouse refused the connection$/m);
  });

  it('still logs the failure as a JSON line when stderr is not a terminal', async () => {
    const result = await materialize({ stdout: false, stderr: false });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.filter((line) => line.level === 50).map((line) => line.msg)).toEqual([`broken failed: ${ERROR}`]);
  });
});
