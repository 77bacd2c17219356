import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, makeWorkspace, runCli } from './run-cli.js';

/** `assets <args> | head -c 1`, as a shell runs it: the reader closes the pipe after the first bytes. */
function firstByteThenClose(args: readonly string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that closes the pipe early', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());

  it('ends the command quietly, with its exit code, rather than crash on the closed pipe', async () => {
    const sample = path.join(workspace.dir, 'big-sample');
    // Far more CSV than a pipe holds, so a write finds the pipe closed.
    expect((await runCli(['sample', 'generate', '--users', '200', '--posts', '20000', '--out', sample], { cwd: workspace.dir, env: workspace.env })).code).toBe(0);
    const env = { ...workspace.env, STRATA_SOURCE_URL: sample };
    expect((await runCli(['materialize', '--select', 'posts'], { cwd: workspace.dir, env })).code).toBe(0);
    const result = await firstByteThenClose(['show', 'posts', '--limit', '20000', '--format', 'csv'], workspace.dir, env);
    expect(result.stderr).not.toMatch(/EPIPE|internal error|Error:/);
    expect(result.code).toBe(0);
  });
});
