import { UnknownAssetError } from '../../core/errors.js';
import { suggestClosest } from '../../core/suggest.js';
import { planMaterialization } from '../../execution/plan-materialization.js';
import { type Command, EXIT } from '../command.js';
import { describeReason } from '../describe-reason.js';
import { formatTime } from '../format.js';
import { loadDefinitions } from '../load-definitions.js';
import { openInstance } from '../open-instance.js';
import { booleanFlag, stringFlag } from '../parse-args.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
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
    const definitions = await loadDefinitions(stringFlag(args, 'definitions'), io);
    if (definitions.asset(key) === undefined) {
      throw new UnknownAssetError('asset', key, suggestClosest(key, definitions.assets.map((asset) => asset.key)));
    }
    const storage = await openInstance(io);
    try {
      const { plan, recorded } = await planMaterialization(definitions, storage, { select: key, env: io.env, now: io.now, signal: io.signal });
      const planned = plan.assets[0]!;
      const record = recorded.get(key);
      const sentences = planned.reasons.map((reason) => describeReason(key, reason));
      if (booleanFlag(args, 'json')) {
        const reasons = planned.reasons.map((reason, index) => ({ ...reason, sentence: sentences[index] }));
        io.stdout.write(`${JSON.stringify({ key, status: planned.status, lastMaterializedAt: record?.materializedAt.toISOString() ?? null, reasons }, null, 2)}\n`);
        return EXIT.ok;
      }
      if (planned.reasons.length === 0) {
        io.stdout.write(`${key} is fresh: materialized ${formatTime(record?.materializedAt, io.stdout, io.now())}, and nothing it depends on has changed.\n`);
      } else {
        io.stdout.write(`${key} is ${planned.status}:\n${sentences.map((sentence) => `  - ${sentence}`).join('\n')}\n`);
      }
      return EXIT.ok;
    } finally {
      await storage.close();
    }
  },
};
