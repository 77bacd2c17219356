import { planMaterialization } from '../../execution/plan-materialization.js';
import { type Command, EXIT } from '../command.js';
import { formatCount, formatTime } from '../format.js';
import { loadDefinitions } from '../load-definitions.js';
import { openInstance } from '../open-instance.js';
import { booleanFlag, stringFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG, SELECTION_FLAGS } from '../shared-flags.js';
import { createStyle } from '../style.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show which assets are fresh, stale or missing, and why',
  usage: 'assets status [--select EXPR] [--exclude EXPR] [--json]',
  flags: {
    ...SELECTION_FLAGS,
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets status', 'assets status --select group:analytics', 'assets status --json | jq ".assets[] | select(.status != \\"fresh\\")"'],
  async run(args, io) {
    const definitions = await loadDefinitions(stringFlag(args, 'definitions'), io);
    const storage = await openInstance(io);
    try {
      const { plan, recorded } = await planMaterialization(definitions, storage, {
        select: stringFlag(args, 'select'),
        exclude: stringFlag(args, 'exclude'),
        env: io.env,
        now: io.now,
        signal: io.signal,
      });
      const rows = plan.assets.map((asset) => {
        const record = recorded.get(asset.key);
        const storedRows = record?.metadata.rows;
        return {
          key: asset.key,
          status: asset.status,
          reasons: asset.reasons.map((reason) => reason.kind),
          lastMaterializedAt: record?.materializedAt,
          dataVersion: record?.dataVersion,
          rows: typeof storedRows === 'number' ? storedRows : undefined,
        };
      });
      if (booleanFlag(args, 'json')) {
        const assets = rows.map((row) => ({ ...row, lastMaterializedAt: row.lastMaterializedAt?.toISOString() ?? null, dataVersion: row.dataVersion ?? null, rows: row.rows ?? null }));
        io.stdout.write(`${JSON.stringify({ assets }, null, 2)}\n`);
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      const colour = { fresh: 'green', stale: 'yellow', missing: 'red' } as const;
      const now = io.now();
      io.stdout.write(
        renderTable(
          [{ header: 'asset' }, { header: 'status' }, { header: 'reasons' }, { header: 'last materialized' }, { header: 'rows', align: 'right' }],
          rows.map((row) => [row.key, row.status, row.reasons.join(', ') || '-', formatTime(row.lastMaterializedAt, io.stdout, now), row.rows === undefined ? '-' : formatCount(row.rows)]),
          { maxWidth: io.stdout.columns, style: (column, padded, cell) => (column === 1 ? style.apply(colour[cell as keyof typeof colour], padded) : padded) },
        ),
      );
      return EXIT.ok;
    } finally {
      await storage.close();
    }
  },
};
