import { UsageError } from '../../core/errors.js';
import { runStatusSchema, type RunStatus } from '../../storage/instance-storage.js';
import { type Command, EXIT } from '../command.js';
import { formatTime, plural, shortRunId } from '../format.js';
import { openInstance } from '../open-instance.js';
import { checkDefinitionsFlag, DEFINITIONS_FLAG } from '../shared-flags.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { countAssetActions, describeAssetActions, formatRunDuration, runStatusColour, runToJson } from '../run-summary.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

const DEFAULT_LIMIT = 20;

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List the recorded runs, newest first',
  usage: 'assets runs [--limit N] [--status S] [--json]',
  description: `Run ids are shortened to 8 characters in the table; \`assets logs\` takes any unique prefix.`,
  flags: {
    limit: { type: 'string', valueName: 'N', description: `Show at most N runs (default ${DEFAULT_LIMIT})` },
    status: { type: 'string', valueName: 'S', description: `Only runs with this status: ${runStatusSchema.options.join(', ')}` },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets runs', 'assets runs --status failed --limit 5', 'assets runs --json | jq -r ".runs[0].runId"'],
  async run(args, io) {
    const limit = integerFlag('limit', stringFlag(args, 'limit'), 1) ?? DEFAULT_LIMIT;
    const status = statusOf(stringFlag(args, 'status'));
    checkDefinitionsFlag(args, io);
    const storage = await openInstance(io);
    try {
      // One more than asked, to tell whether there are more.
      const found = await storage.listRuns({ limit: limit + 1, ...(status === undefined ? {} : { status }) });
      const runs = await Promise.all(found.slice(0, limit).map(async (run) => ({ run, counts: countAssetActions(await storage.runEvents(run.runId)) })));
      const hasMore = found.length > limit;
      if (booleanFlag(args, 'json')) {
        writeJson(io, { runs: runs.map(({ run, counts }) => runToJson(run, counts)), hasMore });
        return EXIT.ok;
      }
      if (runs.length === 0) {
        io.stdout.write(status === undefined ? 'No runs recorded yet.\n' : `No ${status} runs recorded.\n`);
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      const now = io.now();
      io.stdout.write(
        renderTable(
          [{ header: 'run', fixed: true }, { header: 'status', fixed: true }, { header: 'started' }, { header: 'duration', align: 'right' }, { header: 'trigger' }, { header: 'assets' }, { header: 'selection' }],
          runs.map(({ run, counts }) => [
            shortRunId(run.runId),
            run.status,
            formatTime(run.startedAt, io.stdout, now),
            formatRunDuration(run),
            run.trigger,
            describeAssetActions(counts),
            run.selection,
          ]),
          { maxWidth: io.stdout.columns, style: (column, padded, cell) => (column === 1 ? style.apply(runStatusColour(cell as RunStatus), padded) : padded) },
        ),
      );
      if (hasMore) io.stderr.write(`Showing the latest ${plural(limit, 'run')}; --limit N shows more.\n`);
      return EXIT.ok;
    } finally {
      await storage.close();
    }
  },
};

function statusOf(value: string | undefined): RunStatus | undefined {
  if (value === undefined) return undefined;
  const parsed = runStatusSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--status must be one of ${runStatusSchema.options.join(', ')}, got "${value}".`);
  return parsed.data;
}
