import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built bin, as `npx assets` runs it (npm test builds dist/ first). */
export const BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns `assets <args>` in `cwd` with only the given environment (plus PATH), and collects its output. */
export function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * A temp project folder with a copy of a fixture snapshot in `source/`, and
 * the environment that points the example at it and keeps outputs and the
 * instance inside the folder.
 */
export async function makeWorkspace(fixture = 'edge-cases'): Promise<{ dir: string; source: string; output: string; env: Record<string, string>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-cli-'));
  const source = path.join(dir, 'source');
  const output = path.join(dir, 'output');
  await cp(path.join(FIXTURES, fixture), source, { recursive: true });
  return {
    dir,
    source,
    output,
    env: { STRATA_SOURCE_URL: source, STRATA_OUTPUT_DIR: output, STRATA_HOME: path.join(dir, '.strata'), STRATA_SOURCE_RETRY_DELAY_MS: '10' },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface RunningCli {
  readonly child: ReturnType<typeof spawn>;
  /** Resolves once stderr contains `text`. */
  waitForStderr(text: string): Promise<void>;
  readonly done: Promise<CliRun>;
}

/** Starts `assets <args>` and returns at once, for tests that signal or kill it mid-run. */
export function startCli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of waiters.filter((w) => stderr.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    done,
    waitForStderr: (text) =>
      stderr.includes(text)
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            waiters.push({ text, resolve });
            void done.then((run) => reject(new Error(`exited (${run.code ?? run.signal}) before printing "${text}"; stderr:\n${run.stderr}`)));
          }),
  };
}
