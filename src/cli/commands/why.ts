import { type Command, EXIT } from '../command.js';
import { describeFresh, describeReason, describeUncheckedSource } from '../../instance/describe-reason.js';
import { formatTime, isoTime } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag, stringFlag } from '../parse-args.js';
import type { CliIO } from '../cli-io.js';
import type { ParsedArgs } from '../command.js';
import type { Instance } from '../../instance/instance.js';
import { describeCounts } from '../../instance/partition-states.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { writeJson } from '../write-json.js';
import { describeBlockedBy, describeChecks } from '../../instance/describe-checks.js';
import { UsageError } from '../../core/errors.js';

export const whyCommand: Command = {
  name: 'why',
  summary: 'Explain in plain sentences why an asset is stale (or that it is fresh)',
  usage: 'assets why <key> [--partition KEY] [--json]',
  maxPositionals: 1,
  flags: {
    partition: { type: 'string', valueName: 'KEY', description: 'For a partitioned asset: explain this partition' },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets why user_stats', 'assets why top_authors --json', 'assets why user_stats_daily --partition 2026-01-05'],
  async run(args, io) {
    const key = args.positionals[0];
    if (key === undefined) throw new UsageError('`assets why` needs an asset key.', { hint: 'e.g. assets why user_stats' });
    const partition = stringFlag(args, 'partition');
    const instance = await openCommandInstance(io);
    try {
      if (partition !== undefined) return await explainPartition(instance, key, partition, args, io);
      const state = await instance.why(key, { signal: io.signal });
      const { status, reasons, record, source } = state;
      const definitions = await instance.definitions();
      const sentences = reasons.map((reason) => describeReason(key, reason, source));
      const unchecked = source !== undefined && !source.checked ? describeUncheckedSource(key, definitions.asset(key)!.group, source) : undefined;
      if (booleanFlag(args, 'json')) {
        writeJson(io, {
          key,
          status,
          lastMaterializedAt: isoTime(record?.materializedAt),
          reasons: reasons.map((reason, index) => ({ ...reason, sentence: sentences[index] })),
          source: source === undefined ? null : { location: source.location ?? null, checked: source.checked, note: source.note ?? null, sentence: unchecked ?? null },
          checks: { failed: state.failedChecks, warned: state.warnedChecks, blockedBy: state.blockedBy },
          checkSentences: describeChecks(key, state, `assets checks ${key} shows the failing rows`),
          partitions: state.partitions ?? null,
        });
        return EXIT.ok;
      }
      if (state.partitions !== undefined) {
        io.stdout.write(`${key} is partitioned: ${describeCounts(state.partitions)}.\n`);
        if (status !== 'fresh') io.stdout.write(`\`assets partitions ${key} --status stale\` lists the stale partitions; \`assets why ${key} --partition KEY\` explains one.\n`);
      } else if (reasons.length === 0) {
        io.stdout.write(`${describeFresh(key, formatTime(record?.materializedAt, io.stdout, io.now()), source)}\n`);
      } else {
        io.stdout.write(`${key} is ${status}:\n${sentences.map((sentence) => `  - ${sentence}`).join('\n')}\n`);
      }
      if (unchecked !== undefined) io.stdout.write(`Note: ${unchecked}\n`);
      for (const sentence of describeChecks(key, state, `assets checks ${key} shows the failing rows`)) io.stdout.write(`${sentence}\n`);
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

/** `why --partition`: the partition's status and reasons, in the sentences `why` gives an asset. */
async function explainPartition(instance: Instance, key: string, partition: string, args: ParsedArgs, io: CliIO): Promise<number> {
  const [[state], blockedBy] = await Promise.all([instance.partitionStates(key, { partitions: [partition], signal: io.signal }), instance.blockedBy(key)]);
  if (state === undefined) throw new UsageError(`${key} has no partition "${partition}" now.`, { hint: `\`assets partitions ${key}\` lists them.` });
  const sentences = state.reasons.map((reason) => describeReason(`${key} [${partition}]`, reason, undefined));
  if (booleanFlag(args, 'json')) {
    writeJson(io, {
      key,
      partition,
      status: state.status,
      lastMaterializedAt: isoTime(state.record?.materializedAt),
      reasons: state.reasons.map((reason, index) => ({ ...reason, sentence: sentences[index] })),
      // As `why --json` gives them: what blocks the asset blocks each of its partitions' runs.
      checks: { blockedBy },
      checkSentences: describeBlockedBy(key, blockedBy),
    });
    return EXIT.ok;
  }
  if (sentences.length === 0) io.stdout.write(`${describeFresh(`${key} [${partition}]`, formatTime(state.record?.materializedAt, io.stdout, io.now()), undefined)}\n`);
  else io.stdout.write(`${key} [${partition}] is ${state.status}:\n${sentences.map((sentence) => `  - ${sentence}`).join('\n')}\n`);
  // A run of this partition skips the asset too: what blocks it blocks every partition alike.
  for (const sentence of describeBlockedBy(key, blockedBy)) io.stdout.write(`${sentence}\n`);
  return EXIT.ok;
}
