import { UsageError } from '../../core/errors.js';
import { awaitRunEnd } from '../../execution/cancel-run.js';
import { openCommandInstance } from '../command-instance.js';
import { type Command, EXIT } from '../command.js';
import { parseDuration } from '../../core/duration.js';
import { stringFlag } from '../parse-args.js';
import { checkDefinitionsFlag, DEFINITIONS_FLAG } from '../shared-flags.js';

const DEFAULT_WAIT = '30s';

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'Cancel a queued or running run, from any process or host',
  usage: 'assets cancel <runId | latest> [--wait DURATION]',
  description:
    'Records the request in the instance. A queued run is canceled at once. A running run\'s coordinator\n' +
    '(`assets materialize`, the daemon, the UI) reads it within a second, whatever its executor: no new\n' +
    'step starts, each running step is aborted (its compute gets an AbortSignal) on whichever worker holds\n' +
    'it, and the run records itself canceled; previous outputs stay as they were. Waits for the run to end\n' +
    '(--wait, default 30s) and prints how it ended.',
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
      const { run } = await instance.cancel(wanted);
      const storage = await instance.storage();
      if (waitMs === 0) {
        io.stdout.write(`Asked run ${run.runId} to cancel.\n`);
        return EXIT.ok;
      }
      let status;
      try {
        status = await awaitRunEnd(storage, run.runId, { timeoutMs: waitMs, signal: io.signal });
      } catch (error) {
        // Ctrl-C while waiting: the request stands; only the wait is given up.
        if (io.signal.aborted) return EXIT.canceled;
        throw error;
      }
      if (status === 'started') {
        io.stdout.write(
          `Asked run ${run.runId} to cancel; it is still running after ${stringFlag(args, 'wait') ?? DEFAULT_WAIT}. ` +
            `Its coordinator (process ${run.pid ?? '?'} on ${run.hostname ?? '?'}) reads the request within a second while it runs: if that process is gone, the next command on its host marks the run failed.\n`,
        );
        return EXIT.runFailed;
      }
      io.stdout.write(`Run ${run.runId} ${status === 'canceled' ? 'was canceled' : `ended ${status}`}.\n`);
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};
