import { type Command, EXIT } from '../command.js';
import { openCommandInstance } from '../command-instance.js';
import { checkResultToJson, renderCheckResults } from '../check-results-format.js';
import { plural } from '../format.js';
import { booleanFlag, stringFlag } from '../parse-args.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Run the data-quality checks of stored assets, without materializing them',
  usage: 'assets check [<selection>] [--exclude EXPR] [--json]',
  description:
    'Runs every check of the selected assets on what they store now (read through their IO managers), records the results as a run, ' +
    'and prints them with a sample of failing rows. Exits 1 when a check of severity error fails or cannot run; warnings never fail it. ' +
    'Assets never materialized are listed and left out.',
  maxPositionals: 1,
  flags: {
    exclude: { type: 'string', valueName: 'EXPR', description: 'Leave out the assets this selection matches' },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets check', 'assets check users', 'assets check "group:sources+" --exclude summary', 'assets check --json | jq ".checks[] | select(.status != \\"passed\\")"'],
  async run(args, io) {
    const json = booleanFlag(args, 'json');
    const instance = await openCommandInstance(io);
    try {
      const result = await instance.check({ select: args.positionals[0], exclude: stringFlag(args, 'exclude'), signal: io.signal });
      if (json) {
        writeJson(io, { runId: result.runId, status: result.status, checks: result.checks.map(checkResultToJson), notMaterialized: result.notMaterialized });
      } else if (result.status === 'nothing-to-do') {
        io.stdout.write('No selected asset declares checks.\n');
      } else {
        if (result.checks.length > 0) io.stdout.write(renderCheckResults(result.checks, createStyle(io.stdout, io, args.flags.color === false), io.stdout.columns));
        if (result.notMaterialized.length > 0) {
          io.stdout.write(`Not checked (no stored output; materialize ${result.notMaterialized.length === 1 ? 'it' : 'them'} first): ${result.notMaterialized.join(', ')}.\n`);
        }
        io.stdout.write(`Run ${result.runId} ${result.status}: ${plural(result.checks.length, 'check')} run.\n`);
      }
      return result.status === 'failed' ? EXIT.runFailed : result.status === 'canceled' ? EXIT.canceled : EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};
