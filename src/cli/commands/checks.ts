import { type Command, EXIT } from '../command.js';
import { openCommandInstance } from '../command-instance.js';
import { checkStatusColour, describeFailing, describeSeverity } from '../check-results-format.js';
import { formatCount, formatTime, shortRunId } from '../format.js';
import { checkSummaryToJson } from '../../instance/check-summaries.js';
import { booleanFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

export const checksCommand: Command = {
  name: 'checks',
  summary: 'List the data-quality checks with their latest results',
  usage: 'assets checks [<key>] [--json]',
  description:
    'Every check of every asset (or of one), with its latest result: passed, warned, failed, could not run (errored), or never run, ' +
    'then the first failing rows of each that warned or failed. "stale" marks a result the next run checks again: the check or a table it judged changed since.',
  maxPositionals: 1,
  flags: {
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets checks', 'assets checks users', 'assets checks --json | jq -r ".checks[] | select(.status == \\"failed\\") | .check"'],
  async run(args, io) {
    const key = args.positionals[0];
    const instance = await openCommandInstance(io);
    try {
      const summaries = await instance.checkSummaries(key === undefined ? undefined : [key]);
      if (booleanFlag(args, 'json')) {
        writeJson(io, {
          checks: summaries.map(checkSummaryToJson),
        });
        return EXIT.ok;
      }
      if (summaries.length === 0) {
        io.stdout.write(key === undefined ? 'No asset declares checks.\n' : `${key} declares no checks.\n`);
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      const now = io.now();
      io.stdout.write(
        renderTable(
          [{ header: 'check', fixed: true }, { header: 'status', fixed: true }, { header: 'failing', align: 'right' }, { header: 'severity' }, { header: 'checked' }, { header: 'run', fixed: true }],
          summaries.map(({ key: checkKey, check, latest, current }) => [
            checkKey,
            latest === undefined ? 'never run' : `${latest.status}${current ? '' : ' (stale)'}`,
            latest?.failing === undefined || latest.failing === null ? '-' : formatCount(latest.failing),
            describeSeverity(check),
            latest === undefined ? '-' : formatTime(latest.checkedAt, io.stdout, now),
            latest === undefined ? '-' : shortRunId(latest.runId),
          ]),
          {
            maxWidth: io.stdout.columns,
            style: (column, padded, cell) => {
              if (column !== 1 || cell === 'never run') return column === 1 ? style.apply('gray', padded) : padded;
              return style.apply(checkStatusColour(cell.split(' ')[0] as 'passed'), padded);
            },
          },
        ),
      );
      // What the checks that did not pass found, as `assets check` prints it.
      for (const { latest } of summaries) {
        if (latest === undefined || latest.status === 'passed' || latest.status === 'errored') continue;
        io.stdout.write(`${describeFailing(latest, style, io.stdout.columns)}\n`);
      }
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};
