import { UsageError } from '../../core/errors.js';
import { awaitRunEnd, requestCancel } from '../../work-pool/cancel-run.js';
import { openCommandInstance } from '../command-instance.js';
import { type Command, EXIT } from '../command.js';
import { parseDuration } from '../../core/duration.js';
import { findRun } from '../find-run.js';
import { stringFlag } from '../parse-args.js';
import { checkDefinitionsFlag, DEFINITIONS_FLAG } from '../shared-flags.js';

const DEFAULT_WAIT = '30s';

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'Cancel a running run, from any process (and, on Postgres, any host)',
  usage: 'assets cancel <runId | latest> [--wait DURATION]',
  description:
    'Asks the run to stop: no new step starts, and each running step is aborted (its compute gets an\n' +
    'AbortSignal) on whichever worker holds it; the run records itself canceled, and previous outputs\n' +
    'stay as they were. On a Postgres instance the request reaches runs on any host whose steps go through\n' +
    'the work pool (--executor queue); a run of `assets materialize` on this host is reached on either\n' +
    'backend. Waits for the run to end (--wait, default 30s) and prints how it ended.',
  flags: {
    wait: { type: 'string', valueName: 'DURATION', description: `How long to wait for the run to end (default ${DEFAULT_WAIT}; 0: do not wait)` },
    ...DEFINITIONS_FLAG,
  },
  maxPositionals: 1,
  examples: ['assets cancel latest', 'assets cancel 3f2a9c1e', 'assets cancel 3f2a9c1e --wait 2m'],
  async run(args, io) {
    const wanted = args.positionals[0];
    if (wanted === undefined) throw new UsageError('`assets cancel` needs a run id, or `latest`.', { hint: 'e.g. assets cancel latest; `assets runs --status started` lists the runs still going.' });
    const waitMs = parseDuration(stringFlag(args, 'wait') ?? DEFAULT_WAIT, '--wait');
    const instance = await openCommandInstance(io);
    try {
      checkDefinitionsFlag(args, instance);
      const storage = await instance.storage();
      const run = await findRun(storage, wanted);
      await requestCancel(storage, run);
      if (waitMs === 0) {
        io.stdout.write(`Asked run ${run.runId} to cancel.\n`);
        return EXIT.ok;
      }
      const status = await awaitRunEnd(storage, run.runId, { timeoutMs: waitMs, signal: io.signal });
      if (status === 'started') {
        io.stdout.write(`Asked run ${run.runId} to cancel; it is still running after ${stringFlag(args, 'wait') ?? DEFAULT_WAIT}.\n`);
        return EXIT.runFailed;
      }
      io.stdout.write(`Run ${run.runId} ${status === 'canceled' ? 'was canceled' : `ended ${status}`}.\n`);
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};
