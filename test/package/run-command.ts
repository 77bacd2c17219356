import { spawn } from 'node:child_process';

export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a program in `cwd` and collects its output. The environment is this
 * process's (npm needs HOME, its cache and config) plus `env`, without
 * variables that would point the CLI elsewhere than the test intends.
 */
export function runCommand(command: string, args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CommandRun> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
  for (const name of ['STRATA_DEFINITIONS', 'STRATA_HOME', 'STRATA_OUTPUT_DIR', 'STRATA_SOURCE_URL', 'NODE_OPTIONS', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID']) {
    if (options.env?.[name] === undefined) delete env[name];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
