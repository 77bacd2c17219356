import { UsageError } from '../../core/errors.js';
import { Daemon } from '../../sensors/daemon.js';
import type { StoredTick } from '../../storage/instance-storage.js';
import { renderTicks, ticksExitCode, tickToJson, timeFlag } from '../automation-format.js';
import { type Command, EXIT } from '../command.js';
import { createLogger } from '../create-logger.js';
import { shortRunId } from '../format.js';
import { loadDefinitions } from '../load-definitions.js';
import { openInstance } from '../open-instance.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { createRunProgress } from '../run-progress.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle, type Style } from '../style.js';
import { writeJson } from '../write-json.js';

export const daemonCommand: Command = {
  name: 'daemon',
  summary: 'Tick the running schedules and sensors and run the jobs they ask for',
  usage: 'assets daemon [--once [--now ISO] [--json]] [--concurrency N]',
  description:
    'Runs until Ctrl-C or SIGTERM, which stop it cleanly: the run in flight is canceled and recorded as\n' +
    'such, and the daemon exits 0. Runs happen in this process, one at a time. After downtime a schedule\n' +
    'runs only its latest missed tick; a job never overlaps itself (the tick is skipped, saying so).\n' +
    'Every tick is recorded: `assets ticks`.\n\n' +
    '--once makes one pass and exits (for system cron, and tests); --now makes that pass as if at that time.\n' +
    'It prints the ticks it handled and exits 1 when one failed or a run it launched did not succeed.',
  flags: {
    once: { type: 'boolean', description: 'One pass, then exit' },
    now: { type: 'string', valueName: 'ISO', description: 'With --once: the time of the pass, e.g. 2026-01-05T02:00:30Z' },
    json: { type: 'boolean', description: 'With --once: print one JSON document on stdout' },
    concurrency: { type: 'string', valueName: 'N', description: 'Assets a run runs at once (default: number of CPUs)' },
    ...DEFINITIONS_FLAG,
  },
  examples: [
    'assets daemon',
    'assets daemon --once',
    'assets daemon --once --now 2026-01-05T02:00:30Z --json',
    '* * * * * cd /srv/pipeline && npx assets daemon --once   # crontab: one pass a minute',
  ],
  async run(args, io) {
    const once = booleanFlag(args, 'once');
    const json = booleanFlag(args, 'json');
    const now = timeFlag('now', stringFlag(args, 'now'));
    if (!once && now !== undefined) throw new UsageError('--now can only be used with --once.', { hint: 'The long-running daemon follows the clock; --once --now makes one pass as if at that time.' });
    if (!once && json) throw new UsageError('--json can only be used with --once.', { hint: 'The long-running daemon logs to stderr; --once --json prints the ticks of one pass.' });
    const concurrency = integerFlag('concurrency', stringFlag(args, 'concurrency'), 1);
    const definitions = await loadDefinitions(stringFlag(args, 'definitions'), io);
    const stderrStyle = createStyle(io.stderr, io, args.flags.color === false);
    const logger = createLogger(io, { verbose: booleanFlag(args, 'verbose'), colorize: stderrStyle.enabled });
    const storage = await openInstance(io);
    try {
      // On a terminal the logger shows warnings only: these lines tell the story there.
      const live = io.stderr.isTTY === true && !json;
      const daemon = new Daemon({
        definitions,
        storage,
        clock: now === undefined ? io.now : () => now,
        env: io.env,
        cwd: io.cwd,
        logger,
        signal: io.signal,
        concurrency,
        onTick: live ? (tick) => io.stderr.write(describeTick(tick, stderrStyle)) : undefined,
        onEvent: live ? createRunProgress(io.stderr, stderrStyle) : undefined,
      });
      if (!once) {
        if (live) io.stderr.write('Daemon running; Ctrl-C stops it.\n');
        await daemon.run();
        return EXIT.ok;
      }
      const reports = await daemon.tick();
      if (json) {
        writeJson(io, { now: (now ?? io.now()).toISOString(), ticks: reports.map((report) => tickToJson(report.tick, report.runs)) });
      } else if (reports.length === 0) {
        io.stdout.write(`Nothing was due at ${(now ?? io.now()).toISOString()}.\n`);
      } else {
        io.stdout.write(renderTicks(reports, io.stdout, createStyle(io.stdout, io, args.flags.color === false), now ?? io.now()));
      }
      return ticksExitCode(reports);
    } finally {
      await storage.close();
    }
  },
};

function describeTick(tick: StoredTick, style: Style): string {
  const what = `${tick.kind} ${tick.name} (${tick.tickTime.toISOString()})`;
  if (tick.status === 'success') return `${style.apply('green', '▶')} ${what}: launched ${tick.runIds.map(shortRunId).join(', ')}\n`;
  if (tick.status === 'skipped') return `${style.apply('gray', '-')} ${what}: skipped, ${tick.skipReason}\n`;
  return `${style.apply('red', '✗')} ${what}: failed, ${tick.error}\n`;
}
