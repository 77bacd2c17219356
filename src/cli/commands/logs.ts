import { UsageError } from '../../core/errors.js';
import type { RunRecord, StoredRunEvent } from '../../storage/instance-storage.js';
import type { CliIO } from '../cli-io.js';
import { type Command, EXIT } from '../command.js';
import { formatDuration, formatTime } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { checkDefinitionsFlag, DEFINITIONS_FLAG } from '../shared-flags.js';
import { booleanFlag } from '../parse-args.js';
import { countAssetActions, describeAssetActions, formatRunDuration, runStatusColour, runToJson, stepWorkers } from '../run-summary.js';
import { createStyle, type Style } from '../style.js';
import { writeJson } from '../write-json.js';

const LEVEL_COLOUR = { debug: 'gray', info: 'cyan', warn: 'yellow', error: 'red' } as const;

export const logsCommand: Command = {
  name: 'logs',
  summary: "Show a run's events and log lines in order, with the asset and attempt of each",
  usage: 'assets logs <runId | latest> [--json]',
  description:
    'A run id may be shortened to any unique prefix, as `assets runs` shows it. On a terminal each line shows\n' +
    'the time since the run started; elsewhere its ISO 8601 time. --verbose adds the stack of each failure.',
  maxPositionals: 1,
  flags: {
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets logs latest', 'assets logs 3f2a9c1e', 'assets logs latest --json | jq ".events[] | select(.level == \\"error\\")"'],
  async run(args, io) {
    const wanted = args.positionals[0];
    if (wanted === undefined) throw new UsageError('`assets logs` needs a run id, or `latest`.', { hint: 'e.g. assets logs latest; `assets runs` lists the run ids.' });
    const instance = await openCommandInstance(io);
    try {
      checkDefinitionsFlag(args, instance);
      const run = await instance.findRun(wanted);
      const events = await instance.runEvents(run.runId);
      const counts = countAssetActions(events);
      if (booleanFlag(args, 'json')) {
        writeJson(io, {
          run: runToJson(run, counts, stepWorkers(events)),
          events: events.map((event) => ({ ...event, time: event.time.toISOString() })),
        });
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      io.stdout.write(renderLogs(run, events, describeAssetActions(counts), { io, style, verbose: booleanFlag(args, 'verbose') }));
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

function renderLogs(run: RunRecord, events: readonly StoredRunEvent[], outcome: string, options: { io: CliIO; style: Style; verbose: boolean }): string {
  const { io, style } = options;
  const onTerminal = io.stdout.isTTY === true;
  const took = run.endedAt === null ? 'not finished' : `took ${formatRunDuration(run)}`;
  const header = [
    `Run ${run.runId} ${style.apply(runStatusColour(run.status), run.status)}: ${outcome}`,
    `  ${run.trigger}, selection ${run.selection}, started ${formatTime(run.startedAt, io.stdout, io.now())}, ${took}`,
  ];
  const titles = ['time', 'level', 'asset', 'try', 'event'];
  const rows = events.map((event) => ({
    cells: [
      onTerminal ? `+${formatDuration(Math.max(0, event.time.getTime() - run.startedAt.getTime()))}` : event.time.toISOString(),
      event.level,
      event.assetKey ?? '-',
      event.attempt === null ? '-' : String(event.attempt),
      event.type,
    ],
    level: event.level,
    message: messageLines(event, options.verbose),
  }));
  const widths = titles.map((title, index) => Math.max(title.length, ...rows.map((row) => row.cells[index]!.length)));
  const pad = (cells: readonly string[]) => cells.map((cell, index) => cell.padEnd(widths[index]!));
  // Continuation lines of a message start under its first line.
  const indent = ' '.repeat(widths.reduce((sum, width) => sum + width + 2, 0));
  const lines = [...header, '', `${pad(titles).join('  ')}  message`];
  for (const row of rows) {
    const [time, level, asset, attempt, type] = pad(row.cells);
    const cells = [time, style.apply(LEVEL_COLOUR[row.level], level!), asset, attempt, style.apply('dim', type!)];
    const [first = '', ...rest] = row.message;
    // Messages are not cut to the terminal's width: an error is worth a wrapped line.
    lines.push(`${cells.join('  ')}  ${first}`.trimEnd(), ...rest.map((line) => `${indent}${line}`.trimEnd()));
  }
  return `${lines.join('\n')}\n`;
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
