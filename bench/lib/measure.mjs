import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes, formatMs } from './format.mjs';
import { BENCH_TMP } from './paths.mjs';

/** GNU time: reports the peak RSS of the process it runs (from wait4's rusage), not of the harness. */
export const GNU_TIME = '/usr/bin/time';

const REPORT_RSS = fileURLToPath(new URL('./report-rss.mjs', import.meta.url));

/** How this run measures peak RSS: `gnu-time` when /usr/bin/time exists, else each child reports its own. */
export function measurementMethod(forceSelfReport) {
  return !forceSelfReport && existsSync(GNU_TIME) ? 'gnu-time' : 'self-report';
}

/**
 * Runs one command in its own process and measures it: wall time from the
 * harness's clock around spawn..exit, and the child's peak RSS.
 *
 * With `gnu-time`, the command runs under `/usr/bin/time -v -o <file>`, whose
 * report is read back (the child's stderr stays the child's). With
 * `self-report`, the child writes its own peak RSS to the file named by
 * `STRATA_BENCH_RSS_FILE`: a Node child gets `--import report-rss.mjs` for
 * that, the pandas script does it itself; any other command has no RSS.
 *
 * Resolves `{ wallMs, peakRssBytes, cpuMs, exitCode, stdout, stderr }`, where
 * `cpuMs` is the child's user + system CPU time from GNU time (null when
 * self-reporting); never rejects on a non-zero exit (the caller decides),
 * only when the command cannot start.
 */
export async function measureCommand(command, args, { method, env = process.env, cwd = process.cwd(), nodeArgs = [] } = {}) {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'strata-bench-measure-'));
  const reportFile = path.join(scratch, 'report.txt');
  try {
    const isNode = command === process.execPath;
    const childArgs = isNode ? [...nodeArgs, ...(method === 'self-report' ? ['--import', REPORT_RSS] : []), ...args] : args;
    const childEnv = { ...env, ...(method === 'self-report' ? { STRATA_BENCH_RSS_FILE: reportFile } : {}) };
    const [file, fileArgs] = method === 'gnu-time' ? [GNU_TIME, ['-v', '-o', reportFile, command, ...childArgs]] : [command, childArgs];

    const started = process.hrtime.bigint();
    const { exitCode, stdout, stderr } = await run(file, fileArgs, { env: childEnv, cwd });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;

    let peakRssBytes = null;
    let cpuMs = null;
    if (existsSync(reportFile)) {
      const report = await readFile(reportFile, 'utf8');
      const kilobytes = method === 'gnu-time' ? /Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1] : report.trim();
      if (kilobytes !== undefined && kilobytes !== '') peakRssBytes = Number(kilobytes) * 1024;
      const user = /User time \(seconds\): ([\d.]+)/.exec(report)?.[1];
      const system = /System time \(seconds\): ([\d.]+)/.exec(report)?.[1];
      if (user !== undefined && system !== undefined) cpuMs = (Number(user) + Number(system)) * 1000;
    }
    return { wallMs, peakRssBytes, cpuMs, exitCode, stdout, stderr };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Like `measureCommand`, but throws when the child exits non-zero: with how
 * long it ran, its peak RSS, the end of its stderr, and the path of a file
 * holding all of it (an out-of-memory crash after minutes is worth reading whole).
 */
export async function measureOk(label, command, args, options) {
  const result = await measureCommand(command, args, options);
  if (result.exitCode !== 0) {
    await mkdir(BENCH_TMP, { recursive: true });
    const log = path.join(BENCH_TMP, `failed-${label.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}.log`);
    await writeFile(log, `$ ${command} ${args.join(' ')}\n\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
    throw new Error(
      `${label} exited with ${result.exitCode} after ${formatMs(result.wallMs)} at peak RSS ${formatBytes(result.peakRssBytes)} ` +
        `(full output: ${log}):\n${tail(result.stderr)}`,
    );
  }
  return result;
}

function run(file, args, { env, cwd }) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        exitCode: code ?? (signal === null ? -1 : 128 + (os.constants.signals[signal] ?? 0)),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** The last lines of a child's stderr, enough to see why it failed without flooding the terminal. */
export function tail(text, lines = 20) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
