import { UsageError } from '../../core/errors.js';
import type { RunRecord, StoredRunEvent } from '../../storage/instance-storage.js';
import type { CliIO } from '../cli-io.js';
import { type Command, EXIT } from '../command.js';
import { formatDuration, formatTime } from '../format.js';
import type { Instance } from '../../instance/instance.js';
import { openCommandInstance } from '../command-instance.js';
import { checkDefinitionsFlag, DEFINITIONS_FLAG } from '../shared-flags.js';
import { booleanFlag } from '../parse-args.js';
import { countAssetActions, runToJson, stepWorkers } from '../../instance/run-summaries.js';
import { describeAssetActions, formatRunDuration, runStatusColour } from '../run-summary.js';
import { createStyle, type Style } from '../style.js';
import { formatTags } from '../tag-flags.js';
import { writeJson } from '../write-json.js';

const LEVEL_COLOUR = { debug: 'gray', info: 'cyan', warn: 'yellow', error: 'red' } as const;

export const logsCommand: Command = {
  name: 'logs',
  summary: "Show a run's events and log lines in order, with the asset and attempt of each",
  usage: 'assets logs <runId | latest> [-f | --follow] [--json]',
  description:
    'A run id may be shortened to any unique prefix, as `assets runs` shows it. On a terminal each line shows\n' +
    'the time since the run started; elsewhere its ISO 8601 time. --verbose adds the stack of each failure.\n' +
    '-f follows a run that is still going, from any process: it prints each event as the run records it (a\n' +
    "step's start, then its end with its log lines) and ends when the run does, exiting as the run ended: 0\n" +
    'success or nothing to do, 1 failed, 130 canceled. Ctrl-C stops following (exit 130); the run goes on.\n' +
    'With --json, -f waits for the end and prints the one document `assets logs --json` prints.',
  maxPositionals: 1,
  flags: {
    follow: { type: 'boolean', short: 'f', description: 'Follow the run: print events as they are recorded, until it ends; exit with its status' },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: [
    'assets logs latest',
    'assets logs 3f2a9c1e',
    'assets logs -f latest',
    'assets logs latest --json | jq ".events[] | select(.level == \\"error\\")"',
  ],
  async run(args, io) {
    const wanted = args.positionals[0];
    if (wanted === undefined) throw new UsageError('`assets logs` needs a run id, or `latest`.', { hint: 'e.g. assets logs latest; `assets runs` lists the run ids.' });
    const instance = await openCommandInstance(io);
    try {
      checkDefinitionsFlag(args, instance);
      const found = await instance.findRun(wanted);
      const json = booleanFlag(args, 'json');
      const following = booleanFlag(args, 'follow');
      if (following && (found.status === 'queued' || found.status === 'started')) {
        // Ctrl-C stops the follower, never the run it follows.
        io.setInterruptNotice?.((signal) => `\nStopped following (${signal}); run ${found.runId} goes on (\`assets logs -f ${found.runId}\` follows it again).\n`);
        try {
          return await follow(instance, found, { io, json, style: createStyle(io.stdout, io, args.flags.color === false), verbose: booleanFlag(args, 'verbose') });
        } catch (error) {
          if (!io.signal.aborted) throw error;
          return EXIT.canceled;
        }
      }
      // A run that has ended, -f or not, prints at once; -f then exits as the run ended.
      const exit = following ? exitOf(found) : EXIT.ok;
      const events = await instance.runEvents(found.runId);
      if (json) {
        writeLogsJson(io, found, events);
        return exit;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      const options = { io, style, verbose: booleanFlag(args, 'verbose') };
      const widths = columnWidths(found, events, options);
      const lines = [...headerLines(found, describeAssetActions(countAssetActions(events)), options), '', titleLine(widths)];
      for (const event of events) lines.push(...eventLines(found, event, widths, options));
      io.stdout.write(`${lines.join('\n')}\n`);
      return exit;
    } finally {
      await instance.close();
    }
  },
};

type RenderOptions = { readonly io: CliIO; readonly style: Style; readonly verbose: boolean };

const TITLES = ['time', 'level', 'asset', 'try', 'event'] as const;

/**
 * `assets logs -f` of a run still going: the header, then each event as the
 * run records it, then the run's outcome; exits as the run ended. Columns
 * cannot be sized by events not recorded yet: the asset column is sized by
 * the keys the run planned or checks (its first event, `run-start`, lists them), the
 * others by what every time, level, attempt and type fit.
 */
async function follow(instance: Instance, run: RunRecord, options: RenderOptions & { readonly json: boolean }): Promise<number> {
  const { io } = options;
  const widths = [options.io.stdout.isTTY === true ? 8 : 24, 5, 5, 3, 'step-failure'.length];
  if (!options.json) io.stdout.write(`${headerLines(run, 'following until it ends', options).join('\n')}\n`);
  const events: StoredRunEvent[] = [];
  const ended = await instance.followRun(run.runId, {
    signal: io.signal,
    onEvent: (event) => {
      events.push(event);
      if (options.json) return;
      // A run of `assets check` lists the assets it checks instead.
      const listed = event.type === 'run-start' ? (event.data?.planned ?? event.data?.checked) : undefined;
      const planned = Array.isArray(listed) ? (listed as unknown[]) : [];
      widths[2] = Math.max(widths[2]!, event.assetKey?.length ?? 0, ...planned.map((key) => String(key).length));
      if (events.length === 1) io.stdout.write(`\n${titleLine(widths)}\n`);
      io.stdout.write(`${eventLines(run, event, widths, options).join('\n')}\n`);
    },
  });
  if (options.json) writeLogsJson(io, ended, events);
  else io.stdout.write(`\nRun ${ended.runId} ${options.style.apply(runStatusColour(ended.status), ended.status)} after ${formatRunDuration(ended)}: ${describeAssetActions(countAssetActions(events))}\n`);
  return exitOf(ended);
}

/** How `assets logs -f` exits: as the run ended (STYLE's exit codes: 1 failed, 130 canceled, else 0). */
function exitOf(run: RunRecord): number {
  return run.status === 'failed' ? EXIT.runFailed : run.status === 'canceled' ? EXIT.canceled : EXIT.ok;
}

function writeLogsJson(io: CliIO, run: RunRecord, events: readonly StoredRunEvent[]): void {
  writeJson(io, {
    run: runToJson(run, countAssetActions(events), stepWorkers(events)),
    events: events.map((event) => ({ ...event, time: event.time.toISOString() })),
  });
}

/** The run, how it went, and where it came from (its trigger, selection, parent and tags). */
function headerLines(run: RunRecord, outcome: string, options: RenderOptions): string[] {
  const { io, style } = options;
  const took = run.endedAt === null ? 'not finished' : `took ${formatRunDuration(run)}`;
  const lines = [
    `Run ${run.runId} ${style.apply(runStatusColour(run.status), run.status)}: ${outcome}`,
    `  ${run.trigger}, selection ${run.selection}, started ${formatTime(run.startedAt, io.stdout, io.now())}, ${took}`,
  ];
  if (run.parentRunId !== null) lines.push(`  re-executes run ${run.parentRunId}`);
  if (Object.keys(run.tags).length > 0) lines.push(`  tags ${formatTags(run.tags)}`);
  return lines;
}

function columnWidths(run: RunRecord, events: readonly StoredRunEvent[], options: RenderOptions): number[] {
  const rows = events.map((event) => cellsOf(run, event, options));
  return TITLES.map((title, index) => Math.max(title.length, ...rows.map((cells) => cells[index]!.length)));
}

function titleLine(widths: readonly number[]): string {
  return `${TITLES.map((title, index) => title.padEnd(widths[index]!)).join('  ')}  message`;
}

/** The time, level, asset, attempt and type of an event; the time relative to the run's start on a terminal. */
function cellsOf(run: RunRecord, event: StoredRunEvent, options: RenderOptions): string[] {
  return [
    options.io.stdout.isTTY === true ? `+${formatDuration(Math.max(0, event.time.getTime() - run.startedAt.getTime()))}` : event.time.toISOString(),
    event.level,
    event.assetKey ?? '-',
    event.attempt === null ? '-' : String(event.attempt),
    event.type,
  ];
}

/** One event's lines: its cells padded to `widths`, its message, and continuation lines under the message. */
function eventLines(run: RunRecord, event: StoredRunEvent, widths: readonly number[], options: RenderOptions): string[] {
  const { style } = options;
  const [time, level, asset, attempt, type] = cellsOf(run, event, options).map((cell, index) => cell.padEnd(widths[index]!));
  const cells = [time, style.apply(LEVEL_COLOUR[event.level], level!), asset, attempt, style.apply('dim', type!)];
  // Continuation lines of a message start under its first line.
  const indent = ' '.repeat(widths.reduce((sum, width) => sum + width + 2, 0));
  const [first = '', ...rest] = messageLines(event, options.verbose);
  // Messages are not cut to the terminal's width: an error is worth a wrapped line.
  return [`${cells.join('  ')}  ${first}`.trimEnd(), ...rest.map((line) => `${indent}${line}`.trimEnd())];
}

/** The message, then a failure's hint (and, with --verbose, its stack), one line each. */
function messageLines(event: StoredRunEvent, verbose: boolean): string[] {
  const lines = event.message.split('\n');
  const error = event.data?.error;
  if (event.type === 'step-failure' && typeof error === 'object' && error !== null) {
    const hint = (error as { hint?: unknown }).hint;
    if (typeof hint === 'string') lines.push(`hint: ${hint}`);
  }
  const stack = event.data?.stack;
  if (verbose && typeof stack === 'string') lines.push(...stack.split('\n'));
  return lines;
}
