import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { CliIO, OutputStream } from '../../src/cli/cli-io.js';
import { createLogger } from '../../src/cli/create-logger.js';

const require = createRequire(import.meta.url);

function capture(isTTY: boolean): OutputStream & { text: string } {
  return {
    text: '',
    isTTY,
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

function cliIo(stderr: OutputStream): CliIO {
  return { stdout: capture(false), stderr, env: {}, cwd: process.cwd(), now: () => new Date(), signal: new AbortController().signal };
}

const pinoLoaded = () => Object.keys(require.cache).some((file) => /[\\/]node_modules[\\/]pino[\\/]/.test(file));

describe('createLogger', () => {
  it('loads pino only when the first line is logged, then writes JSON lines with the bindings of its children', () => {
    const stderr = capture(false);
    const logger = createLogger(cliIo(stderr), { verbose: false, colorize: false });
    const child = logger.child({ runId: 'run-1' }).child({ asset: 'users' });
    expect(pinoLoaded()).toBe(false);

    child.debug({}, 'hidden below the info level');
    child.info({ rows: 3 }, 'materialized users');
    expect(pinoLoaded()).toBe(true);
    const lines = stderr.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ level: 30, runId: 'run-1', asset: 'users', rows: 3, msg: 'materialized users' })]);
    expect(typeof lines[0]!.time).toBe('string');
  });

  it('prints only warnings and errors, pretty, on a terminal; debug lines too with --verbose', () => {
    const quiet = capture(true);
    const logger = createLogger(cliIo(quiet), { verbose: false, colorize: false });
    logger.info({}, 'progress is shown by the status lines');
    logger.warn({ asset: 'posts' }, 'retrying posts');
    expect(quiet.text).not.toContain('progress is shown');
    expect(quiet.text).toMatch(/WARN.*retrying posts/);
    expect(() => JSON.parse(quiet.text)).toThrow();

    const verbose = capture(true);
    createLogger(cliIo(verbose), { verbose: true, colorize: false }).debug({}, 'planning details');
    expect(verbose.text).toMatch(/DEBUG.*planning details/);
  });

  it('leaves the lines of an asset step to the progress lines on a terminal, keeping run-wide warnings', () => {
    const terminal = capture(true);
    const logger = createLogger(cliIo(terminal), { verbose: false, colorize: false, progress: true });
    const step = logger.child({ runId: 'run-1' }).child({ asset: 'posts' });
    step.error({}, 'posts failed: shown by the progress line');
    step.child({ attempt: 2 }).warn({}, 'posts retrying: shown by the progress line');
    logger.child({ runId: 'run-1' }).warn({}, 'the run lost its lease');
    expect(terminal.text).not.toContain('progress line');
    expect(terminal.text).toMatch(/WARN.*the run lost its lease/);

    const verbose = capture(true);
    createLogger(cliIo(verbose), { verbose: true, colorize: false, progress: true }).child({ asset: 'posts' }).debug({}, 'read 3 pages');
    expect(verbose.text).toMatch(/DEBUG.*read 3 pages/);
  });

  it('logs every line of an asset step off a terminal, progress or not', () => {
    const pipe = capture(false);
    createLogger(cliIo(pipe), { verbose: false, colorize: false, progress: true }).child({ asset: 'posts' }).error({}, 'posts failed');
    expect(JSON.parse(pipe.text)).toEqual(expect.objectContaining({ level: 50, asset: 'posts', msg: 'posts failed' }));
  });
});
