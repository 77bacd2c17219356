import { UsageError } from '../../core/errors.js';
import type { ScheduleDefinition } from '../../core/schedule.js';
import { nextScheduleTicks } from '../../sensors/schedule-ticks.js';
import { watchParent } from '../../sensors/watch-parent.js';
import type { InstigatorKind, StoredTick } from '../../storage/instance-storage.js';
import { describeRunEnd, renderTicks, ticksExitCode, tickToJson, timeFlag } from '../automation-format.js';
import { type Command, EXIT } from '../command.js';
import { createLogger } from '../create-logger.js';
import { shortRunId } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { createRunProgress } from '../run-progress.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle, type Style } from '../style.js';
import { supportsUnicode } from '../unicode-support.js';
import { writeJson } from '../write-json.js';

export const daemonCommand: Command = {
  name: 'daemon',
  summary: 'Tick the running schedules and sensors and run the jobs they ask for',
  usage: 'assets daemon [--once [--now ISO] [--json]] [--concurrency N]',
  description:
    'Runs until Ctrl-C or SIGTERM, or until the process that started it exits (a service manager that\n' +
    'kills `npx`), which stop it cleanly: the run in flight is canceled and recorded as such, and the\n' +
    'daemon exits 0. Runs happen in this process, one at a time; a line on stderr says how each ended.\n' +
    'After downtime a schedule runs only its latest missed tick; a job never overlaps itself (the tick is\n' +
    'skipped, saying so). Every tick is recorded: `assets ticks`.\n\n' +
    'A schedule running by default starts when a daemon first sees it, and runs no tick from before then:\n' +
    'on a fresh instance the first pass starts the schedules and the next ones run their ticks.\n\n' +
    '--once makes one pass and exits (for system cron, and tests). --now evaluates that pass at another\n' +
    'time: which ticks are due, what sensors see; the runs it launches still record the real time.\n' +
    'It prints the ticks it handled and exits 1 when one failed or a run it launched did not succeed.',
  flags: {
    once: { type: 'boolean', description: 'One pass, then exit' },
    now: { type: 'string', valueName: 'ISO', description: 'With --once: the time ticks are evaluated at, e.g. 2026-01-05T02:00:30Z (runs keep real time)' },
    json: { type: 'boolean', description: 'With --once: print one JSON document on stdout' },
    concurrency: { type: 'string', valueName: 'N', description: 'Assets a run runs at once (default: number of CPUs)' },
    ...DEFINITIONS_FLAG,
  },
  examples: [
    'assets daemon',
    'assets daemon --once',
    'assets daemon --once --now 2026-01-05T01:59:00Z          # fresh instance: starts the schedules',
    'assets daemon --once --now 2026-01-05T02:00:30Z --json   # runs their 02:00 ticks',
    '* * * * * cd /srv/pipeline && npx assets daemon --once   # crontab: one pass a minute',
  ],
  async run(args, io) {
    const once = booleanFlag(args, 'once');
    const json = booleanFlag(args, 'json');
    const now = timeFlag('now', stringFlag(args, 'now'));
    if (!once && now !== undefined) throw new UsageError('--now can only be used with --once.', { hint: 'The long-running daemon follows the clock; --once --now evaluates the ticks of one pass at that time.' });
    if (!once && json) throw new UsageError('--json can only be used with --once.', { hint: 'The long-running daemon logs to stderr; --once --json prints the ticks of one pass.' });
    const concurrency = integerFlag('concurrency', stringFlag(args, 'concurrency'), 1);
    const instance = await openCommandInstance(io);
    // The daemon stops on Ctrl-C / SIGTERM (io.signal) and, when long-running, on its parent's exit.
    const stop = new AbortController();
    const forwardSignal = () => stop.abort(io.signal.reason);
    if (io.signal.aborted) forwardSignal();
    else io.signal.addEventListener('abort', forwardSignal, { once: true });
    let unwatchParent = () => {};
    try {
      const definitions = await instance.definitions();
      const stderrStyle = createStyle(io.stderr, io, args.flags.color === false);
      const logger = createLogger(io, { verbose: booleanFlag(args, 'verbose'), colorize: stderrStyle.enabled, progress: io.stderr.isTTY === true && !json });
      // On a terminal the logger shows warnings only: these lines tell the story there.
      const live = io.stderr.isTTY === true && !json;
      const unicode = supportsUnicode(io);
      // A long-running daemon runs the code it loaded: after a pass that ran something it names the files edited since, once for each new set.
      let namedEdits = '';
      const noteEditedCode = (files: readonly string[]) => {
        const edited = files.join(', ');
        if (edited === namedEdits) return;
        namedEdits = edited;
        io.stderr.write(`${stderrStyle.apply('yellow', 'note:')} ${edited} changed on disk since the daemon loaded the definitions: its runs use the code it loaded; restart it to run the new code.\n`);
      };
      const daemon = await instance.daemon({
        // --now moves only the ticks' clock: runs, events, leases and materializations keep real time.
        clock: now === undefined ? io.now : () => now,
        runClock: io.now,
        cwd: io.cwd,
        logger,
        signal: stop.signal,
        concurrency,
        onTick: live ? (tick) => io.stderr.write(describeTick(tick, stderrStyle)) : undefined,
        onEvent: live ? createRunProgress(io.stderr, stderrStyle) : undefined,
        // Always, terminal or not: under a service manager this line is what the journal shows of a run.
        onRunEnd: (run) => io.stderr.write(describeRunEnd(run, stderrStyle, unicode)),
        onCodeEdited: once ? undefined : noteEditedCode,
        onStart: once || live ? (started) => io.stderr.write(describeStart(started, definitions.schedules)) : undefined,
      });
      if (!once) {
        // A --once pass ends by itself; only the long-running daemon could outlive whoever supervises it.
        unwatchParent = watchParent((parentPid) => {
          const inFlight = daemon.runsInFlight;
          io.stderr.write(
            inFlight.length === 0
              ? `Stopping: the daemon's parent process (${parentPid}) exited.\n`
              : `Canceling run ${inFlight.map(shortRunId).join(', ')} and stopping: the daemon's parent process (${parentPid}) exited.\n`,
          );
          stop.abort(new Error(`the parent process (${parentPid}) exited`));
        });
        // Idle, the first Ctrl-C cancels nothing: it stops the daemon, and says so.
        io.setInterruptNotice?.((signal) =>
          daemon.runsInFlight.length === 0
            ? `\nStopping (${signal}): no run in flight. Press Ctrl-C again to exit at once.\n`
            : `\nCanceling run ${daemon.runsInFlight.map(shortRunId).join(', ')} and stopping (${signal}): running steps are aborted. Press Ctrl-C again to exit at once.\n`,
        );
        if (live) io.stderr.write('Daemon running; Ctrl-C stops it.\n');
        await daemon.run();
        return EXIT.ok;
      }
      const passTime = now ?? io.now();
      const reports = await daemon.tick();
      if (json) {
        writeJson(io, { now: passTime.toISOString(), ticks: reports.map((report) => tickToJson(report.tick, report.runs)) });
      } else if (reports.length === 0) {
        io.stdout.write(`Nothing was due at ${passTime.toISOString()}.\n`);
      } else {
        io.stdout.write(renderTicks(reports, io.stdout, createStyle(io.stdout, io, args.flags.color === false), passTime));
      }
      if (now !== undefined) {
        // Time went backwards for them: say why they did nothing instead of leaving "nothing due" unexplained.
        for (const { kind, name, since } of await daemon.aheadOf(now)) {
          io.stderr.write(
            `${stderrStyle.apply('yellow', 'note:')} ${kind} ${name} started or last ticked at ${since.toISOString()}, after --now ${now.toISOString()}: ` +
              `a pass runs none of its ticks at or before that time.\n`,
          );
        }
      }
      return ticksExitCode(reports);
    } finally {
      unwatchParent();
      io.signal.removeEventListener('abort', forwardSignal);
      await instance.close();
    }
  },
};

/**
 * `Started schedule nightly at <time>: its first tick is <time>.`, which
 * says why the first pass on a fresh instance runs no schedule.
 */
function describeStart(started: { readonly kind: InstigatorKind; readonly name: string; readonly startedAt: Date }, schedules: readonly ScheduleDefinition[]): string {
  const schedule = started.kind === 'schedule' ? schedules.find((definition) => definition.name === started.name) : undefined;
  const [first] = schedule === undefined ? [] : nextScheduleTicks(schedule, started.startedAt, 1);
  const next = first === undefined ? '' : `: its first tick is ${first.toISOString()} (none from before its start runs)`;
  return `Started ${started.kind} ${started.name} at ${started.startedAt.toISOString()}${next}.\n`;
}

function describeTick(tick: StoredTick, style: Style): string {
  const what = `${tick.kind} ${tick.name} (${tick.tickTime.toISOString()})`;
  if (tick.status === 'success') return `${style.apply('green', '▶')} ${what}: launched ${tick.runIds.map(shortRunId).join(', ')}\n`;
  if (tick.status === 'skipped') return `${style.apply('gray', '-')} ${what}: skipped, ${tick.skipReason}\n`;
  return `${style.apply('red', '✗')} ${what}: failed, ${tick.error}\n`;
}
