import { UsageError } from '../../core/errors.js';
import type { AssetStatus } from '../../graph/planner.js';
import { describeBlockedBy } from '../../instance/describe-checks.js';
import { countPartitions, describeCounts } from '../../instance/partition-states.js';
import { recordedRows } from '../../instance/stored-output.js';
import { type Command, EXIT } from '../command.js';
import { openCommandInstance } from '../command-instance.js';
import { formatCount, formatTime, isoTime, plural } from '../format.js';
import { booleanFlag, stringFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { colourStatusCell } from '../selected-states.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

const STATUSES: readonly AssetStatus[] = ['fresh', 'stale', 'missing'];

export const partitionsCommand: Command = {
  name: 'partitions',
  summary: "List a partitioned asset's partitions with their states; add or remove dynamic partitions",
  usage: 'assets partitions <key> [--status fresh|stale|missing] [--json] | assets partitions add|remove <name> <partition>...',
  description:
    'Each partition is judged as a run of it would judge it: missing, or stale with the reasons (code-changed, upstream-changed, ...).\n' +
    '`add` and `remove` change the keys of dynamic partitions (dynamicPartitions("tenants")); removing a key forgets nothing stored.',
  maxPositionals: Number.POSITIVE_INFINITY,
  flags: {
    status: { type: 'string', valueName: 'STATUS', description: 'Only the partitions in this status: fresh, stale or missing' },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: [
    'assets partitions user_stats_daily',
    'assets partitions user_stats_daily --status stale',
    'assets partitions posts_daily --json | jq -r ".partitions[] | select(.status != \\"fresh\\") | .partition"',
    'assets partitions add tenants acme globex',
    'assets partitions remove tenants globex',
  ],
  async run(args, io) {
    const [first, ...rest] = args.positionals;
    if (first === undefined) throw new UsageError('`assets partitions` needs an asset key, or `add`/`remove`.', { hint: 'e.g. assets partitions user_stats_daily' });
    const instance = await openCommandInstance(io);
    try {
      // An asset may be called `add`: only `add NAME KEY...` changes dynamic partitions.
      if ((first === 'add' || first === 'remove') && rest.length > 0) {
        const [name, ...keys] = rest;
        const changed = await instance.changeDynamicPartitions(first, name!, keys);
        const unchanged = keys.filter((key) => !changed.includes(key));
        if (booleanFlag(args, 'json')) writeJson(io, { name, [first === 'add' ? 'added' : 'removed']: changed, unchanged });
        else {
          io.stdout.write(`${first === 'add' ? 'Added' : 'Removed'} ${plural(changed.length, 'partition')} ${first === 'add' ? 'to' : 'from'} ${name}${changed.length === 0 ? '' : `: ${changed.join(', ')}`}.\n`);
          if (unchanged.length > 0) io.stdout.write(`${first === 'add' ? 'Already there' : 'Not there'}: ${unchanged.join(', ')}.\n`);
        }
        return EXIT.ok;
      }
      if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`, { hint: 'assets partitions <key> lists one asset\'s partitions; add/remove take a name and keys.' });
      const wanted = stringFlag(args, 'status');
      if (wanted !== undefined && !STATUSES.includes(wanted as AssetStatus)) {
        throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got "${wanted}".`);
      }
      const [states, blockedBy] = await Promise.all([instance.partitionStates(first, { signal: io.signal }), instance.blockedBy(first)]);
      const shown = wanted === undefined ? states : states.filter((state) => state.status === wanted);
      const counts = countPartitions(states);
      if (booleanFlag(args, 'json')) {
        writeJson(io, {
          key: first,
          counts,
          blockedBy,
          partitions: shown.map((state) => ({
            partition: state.partition,
            status: state.status,
            reasons: state.reasons.map((reason) => reason.kind),
            lastMaterializedAt: isoTime(state.record?.materializedAt),
            dataVersion: state.record?.dataVersion ?? null,
            rows: recordedRows(state.record),
            runId: state.record?.runId ?? null,
          })),
        });
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      const now = io.now();
      if (shown.length > 0) {
        io.stdout.write(
          renderTable(
            [{ header: 'partition', fixed: true }, { header: 'status', fixed: true }, { header: 'reasons' }, { header: 'last materialized' }, { header: 'rows', align: 'right' }],
            shown.map((state) => {
              const rows = recordedRows(state.record);
              return [state.partition, state.status, state.reasons.map((reason) => reason.kind).join(', ') || '-', formatTime(state.record?.materializedAt, io.stdout, now), rows === null ? '-' : formatCount(rows)];
            }),
            { maxWidth: io.stdout.columns, style: (column, padded, cell) => (column === 1 ? colourStatusCell(style, padded, cell) : padded) },
          ),
        );
      }
      io.stdout.write(`${first}: ${describeCounts(counts)}${wanted === undefined ? '' : ` (${plural(shown.length, 'partition')} ${wanted} shown)`}.\n`);
      // Whatever each partition's state: every run of one skips the asset until the check passes.
      for (const sentence of describeBlockedBy(first, blockedBy)) io.stdout.write(`${sentence}\n`);
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};
