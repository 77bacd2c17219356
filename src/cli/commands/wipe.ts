import { UsageError } from '../../core/errors.js';
import { type Command, EXIT } from '../command.js';
import { confirm } from '../confirm.js';
import { plural } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag } from '../parse-args.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';
import { writeWarnings } from '../write-warnings.js';

/** Keys named in a question or a message before the rest are counted. */
const LISTED_KEYS = 10;

export const wipeCommand: Command = {
  name: 'wipe',
  summary: 'Forget the materializations of assets, so they plan as missing (and delete their outputs)',
  usage: 'assets wipe <selection> [--yes] [--delete-outputs] [--json]',
  description:
    'Removes the recorded materializations of the selected assets; the next `assets materialize` sees them as missing.\n' +
    'Their stored outputs stay unless --delete-outputs. On a terminal it asks first; otherwise it needs --yes.\n' +
    'Runs and their logs are kept.',
  maxPositionals: 1,
  flags: {
    yes: { type: 'boolean', short: 'y', description: 'Do not ask; needed when stdin is not a terminal' },
    'delete-outputs': { type: 'boolean', description: "Also delete the assets' stored outputs (files) through their IO managers" },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets wipe posts', 'assets wipe "group:analytics" --yes', 'assets wipe "+summary" --delete-outputs --yes --json'],
  async run(args, io) {
    const selection = args.positionals[0];
    if (selection === undefined) throw new UsageError('`assets wipe` needs a selection of assets.', { hint: 'e.g. assets wipe posts, or assets wipe "group:analytics"' });
    const deleteOutputs = booleanFlag(args, 'delete-outputs');
    const instance = await openCommandInstance(io);
    try {
      const { keys, warnings } = await instance.select({ select: selection });
      // Before the confirmation: a typo in one part of the selection is worth knowing before anything is removed.
      writeWarnings(io, createStyle(io.stderr, io, args.flags.color === false), warnings);
      const scope = await instance.wipeScope(keys);
      const { counts, recordedKeys, total } = scope;
      if (total === 0 && !deleteOutputs) {
        if (booleanFlag(args, 'json')) writeJson(io, { assets: [], materializationsRemoved: 0 });
        else io.stdout.write(`Nothing to forget: ${listKeys(keys)} ${keys.length === 1 ? 'has' : 'have'} no recorded materialization.\n`);
        return EXIT.ok;
      }
      const what =
        total === 0
          ? `delete the stored outputs of ${plural(keys.length, 'asset')} (${listKeys(keys)})`
          : `forget ${plural(total, 'materialization')} of ${plural(recordedKeys.length, 'asset')} (${listKeys(recordedKeys)})${deleteOutputs ? ` and delete the stored outputs of ${plural(keys.length, 'asset')}` : ''}`;
      if (!booleanFlag(args, 'yes')) {
        if (io.stdin?.isTTY !== true) {
          throw new UsageError(`\`assets wipe\` would ${what}. It asks first, and stdin is not a terminal to ask on.`, {
            hint: 'Re-run with --yes to go ahead without being asked.',
          });
        }
        if (!(await confirm(io, `${what.charAt(0).toUpperCase()}${what.slice(1)}?`))) {
          io.stderr.write('Nothing was removed.\n');
          return io.signal.aborted ? EXIT.canceled : EXIT.ok;
        }
      }

      const { materializationsRemoved: removed, outputsDeleted: deleted } = await instance.wipe(scope, { deleteOutputs });
      if (booleanFlag(args, 'json')) {
        writeJson(io, {
          assets: keys
            .filter((key) => counts.get(key)! > 0 || deleteOutputs)
            .map((key) => ({ key, materializationsRemoved: counts.get(key)!, outputDeleted: deleteOutputs ? deleted.get(key)! : null })),
          materializationsRemoved: removed,
        });
        return EXIT.ok;
      }
      const lines: string[] = [];
      if (recordedKeys.length > 0) lines.push(`Forgot ${plural(removed, 'materialization')} of ${plural(recordedKeys.length, 'asset')}: ${listKeys(recordedKeys)}.`);
      if (deleteOutputs) {
        const gone = keys.filter((key) => deleted.get(key));
        lines.push(gone.length === 0 ? 'No stored output to delete.' : `Deleted the stored outputs of ${plural(gone.length, 'asset')}: ${listKeys(gone)}.`);
      }
      io.stdout.write(`${lines.join('\n')}\n`);
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

/** `a, b, c` or, past ten, `a, b, ... and 5 more`. */
function listKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, LISTED_KEYS).join(', ');
  return keys.length > LISTED_KEYS ? `${shown} and ${keys.length - LISTED_KEYS} more` : shown;
}
