import { UsageError } from '../../core/errors.js';
import { availableCpus } from '../../parallel/available-cpus.js';
import { watchParent } from '../../sensors/watch-parent.js';
import { WorkPoolWorker, type WorkerStepEvent } from '../../work-pool/work-pool-worker.js';
import { openCommandInstance } from '../command-instance.js';
import { type Command, EXIT } from '../command.js';
import { formatDuration, plural, shortRunId } from '../format.js';
import { integerFlag, stringFlag } from '../parse-args.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle, type Style } from '../style.js';
import { supportsUnicode } from '../unicode-support.js';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run the steps that coordinators send to a work pool (Postgres instance)',
  usage: 'assets worker [--concurrency N] [--pool NAME]',
  description:
    'Takes steps from the work pool of the Postgres instance (STRATA_DATABASE_URL) and runs them, each in a\n' +
    'worker thread: loads the inputs and stores the output through the IO managers, which every worker must\n' +
    'see (PostgresIOManager, or CsvIOManager({ shared: true }) on a shared mount). Coordinators (`assets\n' +
    'materialize`, the daemon) send steps here with --executor queue, the default on Postgres.\n\n' +
    'It must load the same definitions as its coordinators: a step planned with other code is refused.\n' +
    'A line on stderr says when each step starts and ends. Ctrl-C or SIGTERM stops it: the steps it is\n' +
    'running are aborted and handed back, and their coordinators send them to another worker.',
  flags: {
    concurrency: { type: 'string', valueName: 'N', description: 'Steps run at once (default: number of CPUs)' },
    pool: { type: 'string', valueName: 'NAME', description: 'The work pool to take steps from (default: STRATA_WORK_POOL, else default; coordinators choose with STRATA_WORK_POOL)' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets worker', 'assets worker --concurrency 4', 'STRATA_WORK_POOL=gpu assets materialize & assets worker --pool gpu'],
  async run(args, io) {
    const concurrency = integerFlag('concurrency', stringFlag(args, 'concurrency'), 1) ?? availableCpus();
    // The variable coordinators route by, so one environment names the pool for both.
    const workPool = stringFlag(args, 'pool') ?? io.env.STRATA_WORK_POOL;
    if (workPool === '') throw new UsageError('--pool needs a name.', { hint: 'e.g. --pool default' });
    const instance = await openCommandInstance(io);
    try {
      const storage = await instance.storage();
      const definitions = await instance.definitions();
      const style = createStyle(io.stderr, io, args.flags.color === false);
      const unicode = supportsUnicode(io);
      const worker = new WorkPoolWorker({
        storage,
        definitions,
        definitionsModule: instance.definitionsModuleUrl()!,
        configModule: instance.configModuleUrl(),
        projectRoot: instance.project.root,
        codeCacheFile: instance.project.codeCacheFile,
        env: io.env,
        concurrency,
        workPool,
        onStep: (event) => io.stderr.write(describeStep(event, style, unicode)),
        onError: (message) => io.stderr.write(`worker: ${message}\n`),
      });
      await worker.start();
      io.stderr.write(`Worker ${worker.name} is taking steps of pool "${worker.workPool}" (${concurrency} at once) from ${worker.location}; Ctrl-C stops it.\n`);
      io.setInterruptNotice?.((signal) => `\nStopping (${signal}): running steps are aborted and handed back to their coordinators. Press Ctrl-C again to exit at once.\n`);
      const stopped = new Promise<string>((resolve) => {
        if (io.signal.aborted) resolve('the worker was stopped');
        io.signal.addEventListener('abort', () => resolve('the worker was stopped'), { once: true });
      });
      // Under a service manager that kills `npx`, the worker must not outlive it.
      const unwatchParent = watchParent((parentPid) => {
        io.stderr.write(`Stopping: the worker's parent process (${parentPid}) exited.\n`);
        void worker.stop(`the worker's parent process (${parentPid}) exited`);
      });
      let reason = 'graphile-worker failed';
      try {
        reason = await Promise.race([stopped, worker.done.then(() => 'graphile-worker stopped')]);
      } finally {
        await worker.stop(reason);
        unwatchParent();
      }
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

/** One line per step event: its symbol (ASCII where the terminal lacks Unicode), the step, and what happened. */
function describeStep(event: WorkerStepEvent, style: Style, unicode: boolean): string {
  const { request } = event;
  const what = `${request.assetKey} (run ${shortRunId(request.runId)}, attempt ${request.attempt})`;
  const mark = (colour: Parameters<Style['apply']>[0], symbol: string, ascii: string) => style.apply(colour, unicode ? symbol : ascii);
  switch (event.type) {
    case 'started':
      return `${mark('gray', '▶', '>')} ${what}\n`;
    case 'succeeded':
      // A multi-asset's step stores several outputs: each is named with its rows.
      return `${mark('green', '✓', '+')} ${what}: ${event.outputs.map((output) => `${event.outputs.length === 1 ? '' : `${output.key} `}${plural(output.stored.metadata.rows, 'row')}`).join(', ')} in ${formatDuration(event.durationMs)}\n`;
    case 'failed':
      return `${mark('red', '✗', 'x')} ${what}: ${event.message.split('\n', 1)[0]}\n`;
    case 'handed-back':
      return `${mark('yellow', '↩', '<')} ${what}: handed back, ${event.reason}\n`;
    case 'discarded':
      return `${mark('yellow', '-', '-')} ${what}: finished, but discarded: ${event.reason}\n`;
  }
}
