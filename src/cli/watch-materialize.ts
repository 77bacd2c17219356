import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import type { CliIO } from './cli-io.js';
import { EXIT, type ParsedArgs } from './command.js';
import { FileWatcher } from './file-watcher.js';
import { plural, shortRunId } from './format.js';
import { booleanFlag, stringFlag } from './parse-args.js';
import { renderTable } from './render-table.js';
import { renderCheckResults } from './check-results-format.js';
import { createStyle, type Style } from './style.js';
import type { WatchCycleOutcome, WatchCycleRequest } from './watch-cycle.js';

/** How long changes must be quiet before a re-plan: one editor save or one copied snapshot is one re-plan. */
const QUIET_MS = 300;

/** The flags a watch takes; the rest of `materialize`'s decide one run, not a loop of them. */
const WATCH_FLAGS = new Set(['watch', 'select', 'exclude', 'definitions', 'verbose', 'color', 'help']);

const CYCLE_SCRIPT = fileURLToPath(new URL('./watch-cycle.js', import.meta.url));

/**
 * `assets materialize --watch`: materializes what is stale, then watches the
 * modules the definitions module reaches and the files source assets
 * observe, and after each quiet batch of changes plans again and runs what
 * is stale. stdout shows only what ran and why; a change that makes nothing
 * stale prints nothing (with --verbose, a line on stderr).
 *
 * Each cycle is a fresh process (watch-cycle.ts): Node caches imported
 * modules for the life of a process, and neither tsx nor a cache-busting
 * query re-imports what an edited module imports in turn, so only a new
 * process sees every edited file as it is on disk.
 *
 * Ctrl-C while watching stops with exit 0, as `assets ui` and `assets daemon`
 * do: it is how a watch ends. Ctrl-C during a run cancels that run (recorded
 * as canceled) and exits 130, as a canceled `assets materialize` does.
 */
export async function watchMaterialize(args: ParsedArgs, io: CliIO): Promise<number> {
  const other = Object.keys(args.flags).find((flag) => args.flags[flag] !== undefined && !WATCH_FLAGS.has(flag));
  if (other !== undefined) {
    throw new UsageError(`--watch cannot be combined with --${other}.`, { hint: 'A watch materializes what is stale on every change: give it --select and --exclude only.' });
  }
  const request: WatchCycleRequest = { cwd: io.cwd, definitionsModule: io.definitionsModule, select: stringFlag(args, 'select'), exclude: stringFlag(args, 'exclude') };
  const verbose = booleanFlag(args, 'verbose');
  const style = createStyle(io.stdout, io, args.flags.color === false);
  io.setInterruptNotice?.((signal) => `\nStopping the watch (${signal}).\n`);
  const watcher = new FileWatcher(QUIET_MS);
  try {
    let changed: readonly string[] = [];
    for (let cycle = 0; ; cycle++) {
      const outcome = await runCycle(request, io);
      const trigger = cycle === 0 ? 'start' : `${describeFiles(changed, io.cwd)} changed`;
      if (outcome.kind === 'error') {
        io.stderr.write(`${style.apply('red', 'error:')} ${outcome.message}\n`);
        if (outcome.hint !== undefined) io.stderr.write(`${style.apply('yellow', 'hint:')} ${outcome.hint}\n`);
        // Nothing to watch yet (a bad selection, no project): that is the user's to fix first.
        if (cycle === 0) return EXIT.usage;
        // Keep watching what was, and what the error names: a module being edited may not load yet.
        watcher.watch([...watcher.files, ...outcome.files]);
      } else {
        if (outcome.status === 'canceled') {
          io.stdout.write(renderCycle(outcome, trigger, io, style));
          return EXIT.canceled;
        }
        if (outcome.status !== 'nothing-to-do') io.stdout.write(renderCycle(outcome, trigger, io, style));
        else if (verbose) io.stderr.write(`${clock(io)} ${trigger}: nothing is stale\n`);
        if (outcome.files.length > 0) watcher.watch(outcome.files);
      }
      if (cycle === 0 || verbose) io.stderr.write(`Watching ${plural(watcher.files.length, 'file')} for changes (Ctrl-C to stop).\n`);
      const next = await watcher.next(io.signal);
      if (next === undefined) return EXIT.ok;
      changed = next;
    }
  } finally {
    watcher.close();
  }
}

/** Runs one cycle in a new process; on Ctrl-C asks it to cancel its run (SIGTERM) and waits for its answer. */
function runCycle(request: WatchCycleRequest, io: CliIO): Promise<WatchCycleOutcome> {
  return new Promise((resolve) => {
    // 'advanced': a check's failing rows may hold what JSON cannot carry (a bigint, a date).
    const child = fork(CYCLE_SCRIPT, [JSON.stringify(request)], { cwd: io.cwd, env: { ...io.env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'], serialization: 'advanced' });
    // stdout is the watch's data: whatever the definitions print goes to stderr, as logs do.
    child.stdout!.on('data', (chunk: Buffer) => io.stderr.write(chunk.toString()));
    let outcome: WatchCycleOutcome | undefined;
    child.on('message', (message) => (outcome = message as WatchCycleOutcome));
    const cancel = () => child.kill('SIGTERM');
    io.signal.addEventListener('abort', cancel, { once: true });
    child.on('exit', (code, signal) => {
      io.signal.removeEventListener('abort', cancel);
      resolve(outcome ?? { kind: 'error', message: `The watch's materialize process ended without a result (${signal ?? `exit code ${code}`}).`, hint: 'Run `assets materialize` once to see what fails.', files: [] });
    });
  });
}

function renderCycle(outcome: WatchCycleOutcome & { kind: 'ran' }, trigger: string, io: CliIO, style: Style): string {
  const count = (action: string) => outcome.assets.filter((asset) => asset.action === action).length;
  const counts = [`${count('materialized')} materialized`, `${count('up-to-date')} up to date`, `${count('failed')} failed`, `${count('skipped')} skipped`];
  const colour = { materialized: 'green', 'up-to-date': 'gray', failed: 'red', skipped: 'yellow' } as const;
  const lines = [
    `${clock(io)} ${trigger}: run ${outcome.runId === null ? '-' : shortRunId(outcome.runId)} ${outcome.status} (${counts.join(', ')})`,
    // A run of checks alone (their code changed) materializes nothing: no asset table then.
    ...(outcome.assets.length === 0 ? [] : [renderTable(
      [{ header: 'asset' }, { header: 'result' }, { header: 'reasons' }],
      outcome.assets.map((asset) => [asset.key, asset.action, asset.reasons.join(', ')]),
      { maxWidth: io.stdout.columns, style: (column, padded, cell) => (column === 1 ? style.apply(colour[cell as keyof typeof colour] ?? 'dim', padded) : padded) },
    ).trimEnd()]),
    ...outcome.assets.flatMap((asset) => (asset.error === undefined ? [] : [`${style.apply('red', `${asset.key}:`)} ${asset.error}`])),
    // A check that failed (or could not run) is news, and all the run's results are shown with it, as a
    // materialize shows them; passes and warnings, the same every cycle, would bury what changed.
    ...(outcome.checks.some((check) => check.status === 'failed' || check.status === 'errored') ? [renderCheckResults(outcome.checks, style, io.stdout.columns).trimEnd()] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** `source/orders.json`, `a.ts and b.ts`, `a.ts, b.ts and 3 more`: relative to the working folder. */
function describeFiles(files: readonly string[], cwd: string): string {
  const names = files.map((file) => path.relative(cwd, file) || file);
  if (names.length <= 1) return names[0] ?? 'a file';
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  return `${names.slice(0, 2).join(', ')} and ${plural(names.length - 2, 'more file')}`;
}

/** The time of day (UTC) a cycle's line starts with. */
function clock(io: Pick<CliIO, 'now'>): string {
  return io.now().toISOString().slice(11, 19);
}
