#!/usr/bin/env node
import { EXIT } from './command.js';
import { enableCompileCache } from './compile-cache.js';
import { main } from './main.js';

// Before any command imports the project's definitions (see `enableCompileCache`).
enableCompileCache();

// The first Ctrl-C / SIGTERM cancels the run gracefully (no new steps, in-flight
// steps are aborted, the run is recorded as canceled); a second one exits at
// once. Outputs are written atomically, so even then no partial file replaces
// a previous one.
const controller = new AbortController();
let interrupts = 0;
let interruptNotice = (signal: NodeJS.Signals) => `\nCanceling (${signal}): no new steps start, running ones are aborted. Press Ctrl-C again to exit at once.\n`;
const onSignal = (signal: NodeJS.Signals) => {
  interrupts++;
  if (interrupts === 1) {
    process.stderr.write(interruptNotice(signal));
    controller.abort(new Error(`canceled by ${signal}`));
  } else {
    process.exit(EXIT.canceled);
  }
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// A reader that stops early (`assets status --json | head`) closes the pipe:
// nobody is left to read the rest, so stop quietly, as Unix tools do, rather
// than crash on the write that finds it closed.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? EXIT.ok);
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  now: () => new Date(),
  signal: controller.signal,
  setInterruptNotice: (notice) => {
    interruptNotice = notice;
  },
  // A getter: touching process.stdin opens it, which only `assets wipe`'s question needs.
  get stdin() {
    return process.stdin;
  },
});
