import { describeUncheckedSource } from '../../instance/describe-reason.js';
import { type Command, EXIT } from '../command.js';
import { formatCount, formatTime } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG, SELECTION_FLAGS } from '../shared-flags.js';
import type { AssetState } from '../../instance/asset-states.js';
import { storedOutput } from '../../instance/stored-output.js';
import { colourStatusCell, readSelectedStates, stateJson, statusCell, writeNothingSelected } from '../selected-states.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

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
      const { keys, states } = await readSelectedStates(instance, args, io);
      if (booleanFlag(args, 'json')) {
        writeJson(io, {
          assets: keys.map((key) => {
            const { status, reasons, checks, partitions, lastMaterializedAt, dataVersion, rows } = stateJson(states.get(key)!);
            const { source } = states.get(key)!;
            return { key, status, reasons, checks, partitions, source: source === undefined ? null : { location: source.location ?? null, checked: source.checked, note: source.note ?? null }, lastMaterializedAt, dataVersion, rows };
          }),
        });
        return EXIT.ok;
      }
      if (keys.length === 0) {
        writeNothingSelected(io);
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      const now = io.now();
      io.stdout.write(
        renderTable(
          [{ header: 'asset', fixed: true }, { header: 'status', fixed: true }, { header: 'reasons' }, { header: 'last materialized' }, { header: 'rows', align: 'right' }],
          keys.map((key) => {
            const state = states.get(key)!;
            const { rows } = storedOutput(state);
            return [key, statusCell(state), describeStatusReasons(state), formatTime(state.record?.materializedAt, io.stdout, now), rows === null ? '-' : formatCount(rows)];
          }),
          // Without colour no cell changes: no call per cell (half a million at 100k assets).
          { maxWidth: io.stdout.columns, style: style.enabled ? (column, padded, cell) => (column === 1 ? colourStatusCell(style, padded, cell) : padded) : undefined },
        ),
      );
      // "fresh" is only assumed for a source that cannot be checked: say so under the table.
      for (const key of keys) {
        const { source } = states.get(key)!;
        if (source !== undefined && !source.checked) io.stdout.write(`Note: ${describeUncheckedSource(key, definitions.asset(key)!.group, source)}\n`);
      }
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

/** The reasons column: why the asset is stale, which of its checks failed, and which upstream checks block it. */
function describeStatusReasons(state: AssetState): string {
  if (state.failedChecks.length === 0 && state.blockedBy.length === 0) return state.reasons.map((reason) => reason.kind).join(', ') || '-';
  return [...state.reasons.map((reason) => reason.kind), ...state.failedChecks.map((check) => `check ${check} failed`), ...state.blockedBy.map((check) => `blocked by ${check}`)].join(', ') || '-';
}
