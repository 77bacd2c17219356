import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import type { Logger } from '../execution/logger.js';
import type { CliIO } from './cli-io.js';

// pino and pino-pretty are CommonJS: require loads them synchronously, on a
// logger's first call, which cannot wait for an import().
const require = createRequire(import.meta.url);

export interface CreateLoggerOptions {
  readonly verbose: boolean;
  readonly colorize: boolean;
  /**
   * The caller prints run progress lines (`createRunProgress`) on stderr.
   * On a terminal those lines already show every step's start, retries,
   * failure and warnings, so the lines of a logger bound to one asset
   * (`child({ asset })`) would print each of them a second time: only their
   * debug lines (--verbose) are kept there. Lines about the run or the
   * daemon as a whole, and everything off a terminal, are unaffected.
   */
  readonly progress?: boolean | undefined;
}

/**
 * The run logger: pino writing to stderr (stdout carries data only). On a TTY
 * the progress lines already tell the story, so only warnings and errors are
 * printed there, pretty; elsewhere every info line is printed as JSON, for
 * log collectors. `--verbose` shows debug lines too. pino is loaded on the
 * first line logged, so a command that logs nothing (a run with nothing to
 * do) does not pay for loading it.
 */
export function createLogger(io: CliIO, options: CreateLoggerOptions): Logger {
  const muteSteps = options.progress === true && io.stderr.isTTY === true;
  return deferredLogger(() => createPinoLogger(io, options), (bindings) => muteSteps && 'asset' in bindings);
}

/**
 * A logger that creates the real one on its first call; its children are
 * deferred the same way. A child whose bindings `mutes` keeps only its debug
 * lines, and so do its own children.
 */
function deferredLogger(create: () => Logger, mutes: (bindings: Record<string, unknown>) => boolean, muted = false): Logger {
  let created: Logger | undefined;
  const real = (): Logger => (created ??= create());
  const drop = () => {};
  return {
    debug: (...args) => real().debug(...args),
    info: muted ? drop : (...args) => real().info(...args),
    warn: muted ? drop : (...args) => real().warn(...args),
    error: muted ? drop : (...args) => real().error(...args),
    child: (bindings) => deferredLogger(() => real().child(bindings), mutes, muted || mutes(bindings)),
  };
}

function createPinoLogger(io: CliIO, options: CreateLoggerOptions): Logger {
  const { pino } = require('pino') as typeof import('pino');
  // A real Writable (pino-pretty listens on it), forwarding to the injected stderr.
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      io.stderr.write(chunk.toString());
      done();
    },
  });
  if (io.stderr.isTTY === true) {
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    const prettyLogger: Logger = pino(
      { level: options.verbose ? 'debug' : 'warn', base: null },
      pretty({ destination: stream, colorize: options.colorize, sync: true, ignore: 'runId', translateTime: 'SYS:HH:MM:ss' }),
    );
    return prettyLogger;
  }
  const jsonLogger: Logger = pino({ level: options.verbose ? 'debug' : 'info', base: null, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  return jsonLogger;
}
