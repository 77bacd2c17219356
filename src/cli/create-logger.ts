import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import type { Logger } from '../execution/logger.js';
import type { CliIO } from './cli-io.js';

// pino and pino-pretty are CommonJS: require loads them synchronously, on a
// logger's first call, which cannot wait for an import().
const require = createRequire(import.meta.url);

/**
 * The run logger: pino writing to stderr (stdout carries data only). On a TTY
 * the progress lines already tell the story, so only warnings and errors are
 * printed there, pretty; elsewhere every info line is printed as JSON, for
 * log collectors. `--verbose` shows debug lines too. pino is loaded on the
 * first line logged, so a command that logs nothing (a run with nothing to
 * do) does not pay for loading it.
 */
export function createLogger(io: CliIO, options: { verbose: boolean; colorize: boolean }): Logger {
  return deferredLogger(() => createPinoLogger(io, options));
}

/** A logger that creates the real one on its first call; its children are deferred the same way. */
function deferredLogger(create: () => Logger): Logger {
  let created: Logger | undefined;
  const real = (): Logger => (created ??= create());
  return {
    debug: (...args) => real().debug(...args),
    info: (...args) => real().info(...args),
    warn: (...args) => real().warn(...args),
    error: (...args) => real().error(...args),
    child: (bindings) => deferredLogger(() => real().child(bindings)),
  };
}

function createPinoLogger(io: CliIO, options: { verbose: boolean; colorize: boolean }): Logger {
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
