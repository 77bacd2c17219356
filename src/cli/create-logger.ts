import { Writable } from 'node:stream';
import type { Logger } from '../execution/logger.js';
import type { CliIO } from './cli-io.js';

/**
 * The run logger: pino writing to stderr (stdout carries data only). On a TTY
 * the progress lines already tell the story, so only warnings and errors are
 * printed there, pretty; elsewhere every info line is printed as JSON, for
 * log collectors. `--verbose` shows debug lines too. pino is imported here,
 * lazily, so commands that never log do not pay for loading it.
 */
export async function createLogger(io: CliIO, options: { verbose: boolean; colorize: boolean }): Promise<Logger> {
  const { pino } = await import('pino');
  // A real Writable (pino-pretty listens on it), forwarding to the injected stderr.
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      io.stderr.write(chunk.toString());
      done();
    },
  });
  if (io.stderr.isTTY === true) {
    const { default: pretty } = await import('pino-pretty');
    const prettyLogger: Logger = pino(
      { level: options.verbose ? 'debug' : 'warn', base: null },
      pretty({ destination: stream, colorize: options.colorize, sync: true, ignore: 'runId', translateTime: 'SYS:HH:MM:ss' }),
    );
    return prettyLogger;
  }
  const jsonLogger: Logger = pino({ level: options.verbose ? 'debug' : 'info', base: null, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  return jsonLogger;
}
