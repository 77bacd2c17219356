import { backfillToJson, describeCounts, describeRange, doneTargets, totalTargets } from '../backfill-format.js';
import { type Command, EXIT } from '../command.js';
import { openCommandInstance } from '../command-instance.js';
import { formatTime, plural } from '../format.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { checkDefinitionsFlag, DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

const DEFAULT_LIMIT = 20;
const STATUS_COLOUR = { requested: 'cyan', completed: 'green', failed: 'red', canceled: 'yellow' } as const;

export const backfillsCommand: Command = {
  name: 'backfills',
  summary: 'List the backfills, newest first, with their targets done per status',
  usage: 'assets backfills [--limit N] [--json]',
  description:
    'Each backfill with its status (requested: under way, or interrupted and waiting for `assets backfill resume`;\n' +
    'completed, failed, canceled), when it was created, and its targets done out of all, counted by status in the\n' +
    'instance. `assets backfill status <id>` shows the targets not done.',
  flags: {
    limit: { type: 'string', valueName: 'N', description: `Show at most N backfills (default ${DEFAULT_LIMIT})` },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets backfills', 'assets backfills --limit 5', 'assets backfills --json | jq ".backfills[0].counts"'],
  async run(args, io) {
    const limit = integerFlag('limit', stringFlag(args, 'limit'), 1) ?? DEFAULT_LIMIT;
    const instance = await openCommandInstance(io);
    try {
      checkDefinitionsFlag(args, instance);
      // One more than shown says whether there are older ones.
      const backfills = await instance.backfills({ limit: limit + 1 });
      const shown = backfills.slice(0, limit);
      if (booleanFlag(args, 'json')) {
        writeJson(io, { backfills: shown.map(backfillToJson), hasMore: backfills.length > limit });
        return EXIT.ok;
      }
      if (shown.length === 0) {
        io.stdout.write('No backfills recorded yet. Start one with `assets backfill <selection> --from A --to B`.\n');
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      const now = io.now();
      io.stdout.write(
        renderTable(
          [{ header: 'backfill', fixed: true }, { header: 'status', fixed: true }, { header: 'created' }, { header: 'done', align: 'right' }, { header: 'targets' }, { header: 'selection' }, { header: 'partitions' }],
          shown.map((backfill) => [
            backfill.id,
            backfill.status,
            formatTime(backfill.createdAt, io.stdout, now),
            `${doneTargets(backfill)}/${totalTargets(backfill)}`,
            describeCounts(backfill),
            backfill.request.selection,
            `${describeRange(backfill)} (${backfill.request.mode})`,
          ]),
          { maxWidth: io.stdout.columns, style: (column, padded, cell) => (column === 1 ? style.apply(STATUS_COLOUR[cell as keyof typeof STATUS_COLOUR] ?? 'dim', padded) : padded) },
        ),
      );
      if (backfills.length > limit) io.stderr.write(`Showing the latest ${plural(limit, 'backfill')}; --limit N shows more.\n`);
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};
