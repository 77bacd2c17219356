import { type Command, EXIT } from '../command.js';
import { describeFresh, describeReason, describeUncheckedSource } from '../../instance/describe-reason.js';
import { formatTime, isoTime } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag } from '../parse-args.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { writeJson } from '../write-json.js';
import { describeChecks } from '../../instance/describe-checks.js';
import { UsageError } from '../../core/errors.js';

export const whyCommand: Command = {
  name: 'why',
  summary: 'Explain in plain sentences why an asset is stale (or that it is fresh)',
  usage: 'assets why <key> [--json]',
  maxPositionals: 1,
  flags: {
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets why user_stats', 'assets why top_authors --json'],
  async run(args, io) {
    const key = args.positionals[0];
    if (key === undefined) throw new UsageError('`assets why` needs an asset key.', { hint: 'e.g. assets why user_stats' });
    const instance = await openCommandInstance(io);
    try {
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
        });
        return EXIT.ok;
      }
      if (reasons.length === 0) {
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
