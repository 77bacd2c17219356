import { spawn } from 'node:child_process';
import { tail } from './measure.mjs';

/** How long a stopped process gets to exit on its own (a worker hands its steps back) before SIGKILL. */
const STOP_GRACE_MS = 10_000;

/**
 * Starts a long-running command (an `assets worker`) that the scenario keeps
 * alive while it measures others, and stops later. Its output is kept for
 * error messages; `waitForStderr` resolves once stderr contains a text and
 * rejects when the process exits first or the timeout passes.
 *
 * @example
 * const worker = startBackground('assets worker', process.execPath, [BIN, 'worker'], { env, cwd });
 * await worker.waitForStderr('is taking steps');
 * await worker.stop();
 */
export function startBackground(label, command, args, { env = process.env, cwd = process.cwd() } = {}) {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  const waiters = new Set();
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
    for (const waiter of waiters) waiter.check();
  });
  // A failure to spawn shows as an exit: the waiters reject with it.
  child.on('error', (error) => (stderr += `\n${error.message}`));

  return {
    pid: child.pid,
    get stderr() {
      return stderr;
    },
    get stdout() {
      return stdout;
    },
    waitForStderr(text, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const waiter = {
          check() {
            if (!stderr.includes(text)) return;
            finish();
            resolve();
          },
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`${label} did not print "${text}" within ${timeoutMs / 1000} s:\n${tail(stderr)}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        void exited.then(({ code, signal }) => {
          if (!waiters.has(waiter)) return;
          finish();
          reject(new Error(`${label} exited (${signal ?? `code ${code}`}) before printing "${text}":\n${tail(stderr)}`));
        });
        waiters.add(waiter);
        waiter.check();
      });
    },
    /** SIGTERM, then SIGKILL if it has not exited within the grace period; resolves once it has. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
