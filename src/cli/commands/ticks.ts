import { suggestClosest } from '../../core/suggest.js';
import { UnknownDefinitionError } from '../../sensors/find-definition.js';
import { renderTicks, tickToJson } from '../automation-format.js';
import { type Command, EXIT } from '../command.js';
import { plural } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

const DEFAULT_LIMIT = 20;

export const ticksCommand: Command = {
  name: 'ticks',
  summary: 'List the recorded ticks of the schedules and sensors, newest first',
  usage: 'assets ticks [<name>] [--limit N] [--json]',
  description:
    'A tick is one evaluation: success (it launched runs), skipped (with the reason: nothing to do, the job\n' +
    'still running, a run key already launched) or failed (with the error). A schedule\'s tick time is the\n' +
    'cron time it was for; a sensor\'s is when it was evaluated.',
  flags: {
    limit: { type: 'string', valueName: 'N', description: `Show at most N ticks (default ${DEFAULT_LIMIT})` },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  maxPositionals: 1,
  examples: ['assets ticks', 'assets ticks daily-data-refresh --limit 5', 'assets ticks new-snapshot --json | jq ".ticks[0].skipReason"'],
  async run(args, io) {
    const [name] = args.positionals;
    const limit = integerFlag('limit', stringFlag(args, 'limit'), 1) ?? DEFAULT_LIMIT;
    const instance = await openCommandInstance(io);
    try {
      // One more than asked, to tell whether there are more.
      const found = await (await instance.storage()).listTicks({ ...(name === undefined ? {} : { name }), limit: limit + 1 });
      if (name !== undefined && found.length === 0) {
        // Only names the definitions know are worth a did-you-mean; ticks of removed ones are still listed above.
        const definitions = await instance.definitions();
        const known = [...definitions.schedules, ...definitions.sensors].map((definition) => definition.name);
        if (!known.includes(name)) throw new UnknownDefinitionError('schedule or sensor', name, suggestClosest(name, known), ['assets schedules', 'assets sensors']);
      }
      const ticks = found.slice(0, limit);
      const hasMore = found.length > limit;
      if (booleanFlag(args, 'json')) {
        writeJson(io, { ticks: ticks.map((tick) => tickToJson(tick)), hasMore });
        return EXIT.ok;
      }
      if (ticks.length === 0) {
        io.stdout.write(name === undefined ? 'No ticks recorded yet: run `assets daemon`.\n' : `No ticks of ${name} recorded yet.\n`);
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      io.stdout.write(renderTicks(ticks.map((tick) => ({ tick })), io.stdout, style, io.now()));
      if (hasMore) io.stderr.write(`Showing the latest ${plural(limit, 'tick')}; --limit N shows more.\n`);
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};
