import { describeUncheckedSource } from '../../instance/describe-reason.js';
import { type Command, EXIT } from '../command.js';
import { formatCount, formatTime, isoTime } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag, stringFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG, SELECTION_FLAGS } from '../shared-flags.js';
import { statusColour } from '../status-symbol.js';
import { type ShownStatus, shownStatus } from '../../instance/asset-states.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';
import { writeSelectionWarnings } from '../write-selection-warnings.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show which assets are fresh, stale or missing, and why',
  usage: 'assets status [--select EXPR] [--exclude EXPR] [--json]',
  flags: {
    ...SELECTION_FLAGS,
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  description: 'Any selection works, including states: status:stale shows only the stale assets, status:failed those whose last attempt failed.',
  examples: ['assets status', 'assets status --select group:analytics', 'assets status --select "status:stale and group:analytics"', 'assets status --json | jq ".assets[] | select(.status != \\"fresh\\")"'],
  async run(args, io) {
    const instance = await openCommandInstance(io);
    try {
      const definitions = await instance.definitions();
      const { keys, warnings, states } = await instance.selectStates({ select: stringFlag(args, 'select'), exclude: stringFlag(args, 'exclude'), signal: io.signal });
      writeSelectionWarnings(io, createStyle(io.stderr, io, args.flags.color === false), warnings);
      const rows = keys.map((key) => {
        const state = states.get(key)!;
        const { status, reasons, record, source } = state;
        const storedRows = record?.metadata.rows;
        return {
          key,
          status,
          shown: shownStatus(state),
          reasons: reasons.map((reason) => reason.kind),
          checks: { failed: state.failedChecks, warned: state.warnedChecks, blockedBy: state.blockedBy },
          source: source === undefined ? null : { location: source.location ?? null, checked: source.checked, note: source.note ?? null },
          lastMaterializedAt: record?.materializedAt,
          dataVersion: record?.dataVersion,
          rows: typeof storedRows === 'number' ? storedRows : undefined,
        };
      });
      if (booleanFlag(args, 'json')) {
        writeJson(io, { assets: rows.map(({ shown: _shown, ...row }) => ({ ...row, lastMaterializedAt: isoTime(row.lastMaterializedAt), dataVersion: row.dataVersion ?? null, rows: row.rows ?? null })) });
        return EXIT.ok;
      }
      if (keys.length === 0) {
        // Only a state selection may select nothing (nothing is stale): an answer, said on stderr so stdout stays data.
        io.stderr.write('No assets selected: none is in the state the selection asks for now.\n');
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      const now = io.now();
      io.stdout.write(
        renderTable(
          [{ header: 'asset', fixed: true }, { header: 'status', fixed: true }, { header: 'reasons' }, { header: 'last materialized' }, { header: 'rows', align: 'right' }],
          rows.map((row) => [row.key, row.shown, describeStatusReasons(row), formatTime(row.lastMaterializedAt, io.stdout, now), row.rows === undefined ? '-' : formatCount(row.rows)]),
          { maxWidth: io.stdout.columns, style: (column, padded, cell) => (column === 1 ? style.apply(statusColour(cell as ShownStatus), padded) : padded) },
        ),
      );
      // "fresh" is only assumed for a source that cannot be checked: say so under the table.
      for (const row of rows) {
        const { source } = states.get(row.key)!;
        if (source !== undefined && !source.checked) io.stdout.write(`Note: ${describeUncheckedSource(row.key, definitions.asset(row.key)!.group, source)}\n`);
      }
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

/** The reasons column: why the asset is stale, which of its checks failed, and which upstream checks block it. */
function describeStatusReasons(row: { readonly reasons: readonly string[]; readonly checks: { readonly failed: readonly string[]; readonly blockedBy: readonly string[] } }): string {
  return [...row.reasons, ...row.checks.failed.map((check) => `check ${check} failed`), ...row.checks.blockedBy.map((check) => `blocked by ${check}`)].join(', ') || '-';
}
