import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

const CPU = path.join(FIXTURES, 'cpu-definitions.mjs');
const IN_MEMORY = path.join(FIXTURES, 'memory-definitions.mjs');

describe('--executor', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());
  const materialize = (...args: string[]) => runCli(['materialize', '--json', ...args], { cwd: workspace.dir, env: workspace.env });
  /** The thread ids that computed left and right, as both.csv recorded them ("7,8",checksum). */
  const threads = async () => {
    const row = (await readFile(path.join(workspace.output, 'both.csv'), 'utf8')).split('\n')[1]!;
    const match = /^"(\d+),(\d+)",\d+$/.exec(row);
    if (match === null) throw new Error(`unexpected row ${row}`);
    return [Number(match[1]), Number(match[2])];
  };

  it('runs independent steps in separate worker threads with --executor workers', async () => {
    const result = await materialize('--definitions', CPU, '--executor', 'workers', '--concurrency', '2');
    expect(result.code).toBe(0);
    const [left, right] = await threads();
    expect(left).toBeGreaterThan(0);
    expect(right).toBeGreaterThan(0);
    expect(left).not.toBe(right);
  });

  it('runs every step on the main thread by default', async () => {
    const result = await materialize('--definitions', CPU);
    expect(result.code).toBe(0);
    expect(await threads()).toEqual([0, 0]);
  });

  it('refuses the workers executor for assets kept in memory', async () => {
    const result = await runCli(['materialize', '--definitions', IN_MEMORY, '--executor', 'workers'], { cwd: workspace.dir, env: workspace.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: The workers executor cannot run "numbers", "total": their IO managers keep tables in this process only\./);
  });

  it('rejects an unknown executor by name', async () => {
    const result = await materialize('--executor', 'threads');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: --executor must be one of in-process, workers, queue, got "threads".\n');
  });
});
