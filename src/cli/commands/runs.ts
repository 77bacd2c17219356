import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import type { CliIO } from '../cli-io.js';
import { runStatusSchema, type RunStatus } from '../../storage/instance-storage.js';
import { type Command, EXIT, type ParsedArgs } from '../command.js';
import { formatTime, plural, shortRunId } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { checkDefinitionsFlag, DEFINITIONS_FLAG } from '../shared-flags.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { runToJson } from '../../instance/run-summaries.js';
import { describeAssetActions, formatRunDuration, runStatusColour } from '../run-summary.js';
import { createStyle } from '../style.js';
import { formatTags, tagsFlag } from '../tag-flags.js';
import { writeJson } from '../write-json.js';

const DEFAULT_LIMIT = 20;

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List the recorded runs, newest first',
  usage: 'assets runs [--limit N] [--status S] [--tag KEY=VALUE ...] [--json] | assets runs prune --older-than DURATION [--json]',
  description:
    `Run ids are shortened to 8 characters in the table; \`assets logs\` takes any unique prefix.\n` +
    'A re-execution (`assets rerun`, `assets materialize --from-failure`) shows the run it repeats under parent.\n' +
    '--tag lists only the runs carrying that tag; given more than once, runs carrying all of them. Runs that a\n' +
    'schedule or sensor launched carry strata/schedule=<name> or strata/sensor=<name>.\n' +
    '`prune` deletes the finished runs that started longer ago than --older-than, with their events. It keeps\n' +
    'runs still in progress and every run that made the latest materialization of an asset, so nothing becomes stale.',
  maxPositionals: 1,
  flags: {
    'older-than': { type: 'string', valueName: 'DURATION', description: 'With prune: how old a run must be to go, e.g. 30d, 12h' },
    limit: { type: 'string', valueName: 'N', description: `Show at most N runs (default ${DEFAULT_LIMIT})` },
    status: { type: 'string', valueName: 'S', description: `Only runs with this status: ${runStatusSchema.options.join(', ')}` },
    tag: { type: 'string', valueName: 'KEY=VALUE', multiple: true, description: 'Only runs with this tag (repeatable: all must match), e.g. team=growth' },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: [
    'assets runs',
    'assets runs --status failed --limit 5',
    'assets runs --tag team=growth --tag ticket=42',
    'assets runs --tag strata/schedule=daily-data-refresh',
    'assets runs --json | jq -r ".runs[0].runId"',
    'assets runs prune --older-than 30d',
  ],
  async run(args, io) {
    const subcommand = args.positionals[0];
    if (subcommand !== undefined && subcommand !== 'prune') {
      throw new UsageError(`Unknown subcommand "runs ${subcommand}".`, { hint: 'Use `assets runs` to list runs, or `assets runs prune --older-than 30d`.' });
    }
    if (subcommand === 'prune') {
      if (args.flags.tag !== undefined) throw new UsageError('--tag goes with `assets runs`, not `assets runs prune`.', { hint: 'Prune by age only: assets runs prune --older-than 30d' });
      return prune(args, io);
    }
    if (args.flags['older-than'] !== undefined) throw new UsageError('--older-than goes with `assets runs prune`.', { hint: 'e.g. assets runs prune --older-than 30d' });
    const limit = integerFlag('limit', stringFlag(args, 'limit'), 1) ?? DEFAULT_LIMIT;
    const status = statusOf(stringFlag(args, 'status'));
    // Strata's own tags (strata/schedule=...) are what one filters by most: allowed here.
    const tags = tagsFlag(args, { reserved: 'allowed' });
    const instance = await openCommandInstance(io);
    try {
      checkDefinitionsFlag(args, instance);
      const { runs, hasMore } = await instance.runs({ limit, status, tags });
      if (booleanFlag(args, 'json')) {
        writeJson(io, { runs: runs.map(({ run, counts, workers }) => runToJson(run, counts, workers)), hasMore });
        return EXIT.ok;
      }
      if (runs.length === 0) {
        const filters = [...(status === undefined ? [] : [`status ${status}`]), ...(tags === undefined ? [] : [`tag${Object.keys(tags).length === 1 ? '' : 's'} ${formatTags(tags)}`])];
        io.stdout.write(filters.length === 0 ? 'No runs recorded yet.\n' : `No runs recorded with ${filters.join(' and ')}.\n`);
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      const now = io.now();
      // Only an instance with a work pool has workers to show; only re-executions have a parent; tags only when some run has any.
      const showWorkers = runs.some(({ workers }) => workers.length > 0);
      const showParent = runs.some(({ run }) => run.parentRunId !== null);
      const showTags = runs.some(({ run }) => Object.keys(run.tags).length > 0);
      io.stdout.write(
        renderTable(
          [
            { header: 'run', fixed: true },
            { header: 'status', fixed: true },
            { header: 'started' },
            { header: 'duration', align: 'right' },
            { header: 'trigger' },
            { header: 'assets' },
            { header: 'selection' },
            ...(showParent ? [{ header: 'parent', fixed: true }] : []),
            ...(showTags ? [{ header: 'tags' }] : []),
            ...(showWorkers ? [{ header: 'workers' }] : []),
          ],
          runs.map(({ run, counts, workers }) => [
            shortRunId(run.runId),
            run.status,
            formatTime(run.startedAt, io.stdout, now),
            formatRunDuration(run),
            run.trigger,
            describeAssetActions(counts),
            run.selection,
            ...(showParent ? [run.parentRunId === null ? '-' : shortRunId(run.parentRunId)] : []),
            ...(showTags ? [formatTags(run.tags)] : []),
            ...(showWorkers ? [workers.join(', ') || '-'] : []),
          ]),
          { maxWidth: io.stdout.columns, style: (column, padded, cell) => (column === 1 ? style.apply(runStatusColour(cell as RunStatus), padded) : padded) },
        ),
      );
      if (hasMore) io.stderr.write(`Showing the latest ${plural(limit, 'run')}; --limit N shows more.\n`);
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

function statusOf(value: string | undefined): RunStatus | undefined {
  if (value === undefined) return undefined;
  const parsed = runStatusSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--status must be one of ${runStatusSchema.options.join(', ')}, got "${value}".`);
  return parsed.data;
}

/** `assets runs prune --older-than D`: deletes old finished runs and their events (see the command's description). */
async function prune(args: ParsedArgs, io: CliIO): Promise<number> {
  const olderThan = stringFlag(args, 'older-than');
  if (olderThan === undefined) throw new UsageError('`assets runs prune` needs --older-than.', { hint: 'e.g. assets runs prune --older-than 30d' });
  const cutoff = new Date(io.now().getTime() - parseDuration(olderThan, '--older-than'));
  const instance = await openCommandInstance(io);
  try {
    checkDefinitionsFlag(args, instance);
    const storage = await instance.storage();
    const pruned = await storage.pruneRuns(cutoff);
    if (booleanFlag(args, 'json')) {
      writeJson(io, { olderThan: cutoff.toISOString(), ...pruned });
    } else {
      io.stdout.write(`Pruned ${plural(pruned.runs, 'run')} that started before ${cutoff.toISOString()}, with ${plural(pruned.events, 'event')} and ${plural(pruned.materializations, 'materialization')}.\n`);
    }
    return EXIT.ok;
  } finally {
    await instance.close();
  }
}
