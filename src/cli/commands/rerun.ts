import { UsageError } from '../../core/errors.js';
import type { Command } from '../command.js';
import { materializeCommand, runMaterialize } from './materialize.js';

/** The flags of `assets materialize` that a rerun takes too: how it runs, never what it selects. */
const RERUN_FLAGS = ['tag', 'dry-run', 'queue', 'json', 'concurrency', 'lock-timeout', 'executor', 'definitions'] as const;

export const rerunCommand: Command = {
  name: 'rerun',
  summary: "Run a run's selection again: its job, or its selection with --exclude, --force and --refresh",
  usage: 'assets rerun <runId | latest> [--tag KEY=VALUE ...] [--dry-run | --queue] [--json]',
  description:
    'Repeats what the run was asked to run (a job by name, as the definitions declare it now, or the selection\n' +
    'as typed, with its --exclude, --force and --refresh), planned by staleness now: a run that was not forced\n' +
    'runs only what is stale again. The new run records the run as its parent (`assets runs` shows it) and keeps\n' +
    'its tags, except those Strata set for a schedule or sensor; --tag adds more. A run id may be any unique\n' +
    'prefix. To run only what a failed run did not materialize, use `assets materialize --from-failure RUN`.',
  maxPositionals: 1,
  flags: Object.fromEntries(RERUN_FLAGS.map((flag) => [flag, materializeCommand.flags[flag]!])),
  examples: ['assets rerun latest', 'assets rerun 3f2a9c1e --tag ticket=42', 'assets rerun latest --dry-run', 'assets rerun latest --json | jq -r .parentRunId'],
  async run(args, io) {
    const wanted = args.positionals[0];
    if (wanted === undefined) throw new UsageError('`assets rerun` needs a run id, or `latest`.', { hint: 'e.g. assets rerun latest; `assets runs` lists the run ids.' });
    return runMaterialize(args, io, wanted);
  },
};
