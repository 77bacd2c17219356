import { type Command, EXIT } from '../command.js';
import { formatCount, formatTime } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG, SELECTION_FLAGS } from '../shared-flags.js';
import { colourStatusCell, readSelectedStates, stateJson, statusCell, writeNothingSelected } from '../selected-states.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

export const listCommand: Command = {
  name: 'list',
  summary: 'List the assets: group, IO manager, tags, deps, status, last materialization',
  usage: 'assets list [--select EXPR] [--exclude EXPR] [--json]',
  description:
    'Assets in topological order (ties by key), upstreams before the assets that read them.\n' +
    'Any selection works, including states: status:fresh, status:stale, status:missing, status:failed.',
  flags: {
    ...SELECTION_FLAGS,
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: [
    'assets list',
    'assets list --select group:analytics',
    'assets list --select "status:stale+"',
    'assets list --select "status:failed or status:missing"',
    'assets list --json | jq -r ".assets[] | select(.status == \\"missing\\") | .key"',
  ],
  async run(args, io) {
    const instance = await openCommandInstance(io);
    try {
      const definitions = await instance.definitions();
      const { keys, states } = await readSelectedStates(instance, args, io);
      const assets = keys.map((key) => {
        const asset = definitions.asset(key)!;
        return {
          key,
          group: asset.group,
          ioManager: asset.ioManager,
          kind: definitions.ioManagers[asset.ioManager]!.kind,
          tags: asset.tags,
          deps: [...asset.deps].sort(),
          description: asset.description ?? null,
          ...stateJson(states.get(key)!),
        };
      });
      if (booleanFlag(args, 'json')) {
        writeJson(io, { assets });
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
          [
            { header: 'asset', fixed: true },
            { header: 'group' },
            { header: 'kind' },
            { header: 'tags' },
            { header: 'deps' },
            { header: 'status', fixed: true },
            { header: 'last materialized' },
            { header: 'rows', align: 'right' },
            { header: 'description' },
          ],
          assets.map((asset) => [
            asset.key,
            asset.group,
            asset.kind,
            asset.tags.join(', ') || '-',
            asset.deps.join(', ') || '-',
            statusCell(states.get(asset.key)!),
            formatTime(states.get(asset.key)!.record?.materializedAt, io.stdout, now),
            asset.rows === null ? '-' : formatCount(asset.rows),
            asset.description?.replace(/\s+/g, ' ').trim() || '-',
          ]),
          { maxWidth: io.stdout.columns, style: (column, padded, cell) => (column === 5 ? colourStatusCell(style, padded, cell) : padded) },
        ),
      );
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};
