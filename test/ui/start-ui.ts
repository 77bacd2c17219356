import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from '../cli/run-cli.js';

export interface RunningUi {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  /** What the server wrote to stderr so far, for a failing test's message. */
  stderr(): string;
  /** Stops the server as Ctrl-C would, and waits for it to exit. */
  stop(): Promise<void>;
  /** POSTs `body` as JSON to `route`, as the page does: from its origin, with the token it carries. */
  post(route: string, body?: unknown): Promise<Response>;
}

/**
 * Starts the built `assets ui --port 0` in `cwd` with only `env` (plus PATH),
 * as a user runs it, and resolves with its URL once it prints one.
 */
export function startUi(options: { cwd: string; env: Record<string, string>; args?: readonly string[] }): Promise<RunningUi> {
  const child = spawn(process.execPath, [BIN, 'ui', '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`assets ui ${why}\nstdout: ${stdout}\nstderr: ${stderr}`));
    child.on('error', reject);
    child.on('exit', (code, signal) => fail(`exited (${code ?? signal}) before printing its URL`));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout)?.[0];
      if (url === undefined) return;
      child.removeAllListeners('exit');
      resolve({ url, stderr: () => stderr, stop: () => stopChild(child), post: (route, body = {}) => postAsPage(url, route, body) });
    });
  });
}

/** The page's token (`<meta name="strata-token">`), then the POST the page would send with it. */
async function postAsPage(url: string, route: string, body: unknown): Promise<Response> {
  const token = /<meta name="strata-token" content="([^"]+)"/.exec(await (await fetch(url)).text())![1]!;
  return fetch(new URL(route, url), { method: 'POST', headers: { 'content-type': 'application/json', origin: url, 'x-strata-token': token }, body: JSON.stringify(body) });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}
