import { UsageError } from '../../core/errors.js';
import type { PreviewedRequest, TickReport } from '../../sensors/daemon.js';
import { findSensor } from '../../sensors/find-definition.js';
import { setInstigatorStatus } from '../../sensors/instigator.js';
import type { Instance } from '../../instance/instance.js';
import { actionOf, renderTicks, ticksExitCode, tickToJson } from '../automation-format.js';
import type { CliIO } from '../cli-io.js';
import { type Command, EXIT, type ParsedArgs } from '../command.js';
import { createLogger } from '../create-logger.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

const ACTIONS = ['start', 'stop', 'tick'] as const;

export const sensorCommand: Command = {
  name: 'sensor',
  summary: 'Start, stop or tick one sensor',
  usage: 'assets sensor start|stop <name> | assets sensor tick <name> [--dry-run] [--json]',
  description:
    'start and stop are stored in the instance (STRATA_HOME) and override the sensor\'s defaultStatus; the\n' +
    'cursor is kept. tick evaluates the sensor once now, whatever its status: it launches the runs it asks\n' +
    'for and records the tick, or with --dry-run only shows the requests and what the daemon would do with\n' +
    'them (with STRATA_MAX_CONCURRENT_RUNS set it queues each, saying whether it would wait for a run to end;\n' +
    'a run key launched before, or by an earlier request, is dropped; a request whose job is running, or\n' +
    'queued by others or an earlier request, waits; one whose assets are all up to date has nothing to do;\n' +
    'one after a request it would launch is judged before that run, which the tick lets end first; one that\n' +
    'cannot be planned fails the tick, and the requests after it are not shown, as the tick stops there),\n' +
    'storing nothing.',
  flags: {
    'dry-run': { type: 'boolean', description: 'tick: evaluate and show the run requests; launch and store nothing' },
    json: { type: 'boolean', description: 'tick: print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  maxPositionals: 2,
  examples: ['assets sensor tick new-snapshot --dry-run', 'assets sensor start users-updated', 'assets sensor stop users-updated', 'assets sensor tick stale-assets --json'],
  async run(args, io) {
    const [action, name] = args.positionals;
    const verb = actionOf('sensor', ACTIONS, action, name);
    if (verb !== 'tick') {
      for (const flag of ['dry-run', 'json'] as const) {
        if (args.flags[flag] !== undefined) throw new UsageError(`--${flag} only applies to \`assets sensor tick\`.`);
      }
    }
    const instance = await openCommandInstance(io);
    try {
      const definitions = await instance.definitions();
      const sensor = findSensor(definitions, name!);
      const storage = await instance.storage();
      if (verb === 'tick') return await tick(instance, sensor.name, args, io);
      const { changed } = await setInstigatorStatus(storage, 'sensor', sensor, verb === 'start' ? 'running' : 'stopped', io.now());
      const done = verb === 'start' ? 'Started' : 'Stopped';
      const already = verb === 'start' ? 'running' : 'stopped';
      io.stdout.write(changed ? `${done} sensor ${sensor.name}.\n` : `Sensor ${sensor.name} was already ${already}.\n`);
      if (changed && verb === 'start') io.stderr.write('The daemon evaluates it: `assets daemon`, or `assets daemon --once` from system cron.\n');
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

async function tick(instance: Instance, name: string, args: ParsedArgs, io: CliIO): Promise<number> {
  const json = booleanFlag(args, 'json');
  const stderrStyle = createStyle(io.stderr, io, args.flags.color === false);
  const logger = createLogger(io, { verbose: booleanFlag(args, 'verbose'), colorize: stderrStyle.enabled });
  const daemon = await instance.daemon({ clock: io.now, cwd: io.cwd, logger, signal: io.signal });
  if (booleanFlag(args, 'dry-run')) {
    const { evaluation, requests } = await daemon.previewSensor(name);
    const skip = 'skip' in evaluation ? evaluation.skip : null;
    if (json) {
      writeJson(io, {
        sensor: name,
        skip,
        cursor: evaluation.cursor ?? null,
        runRequests: requests.map(({ request, verdict, reason }) => ({
          job: request.job,
          select: request.job === null ? request.planOptions.select : null,
          runKey: request.runKey,
          verdict,
          reason,
        })),
      });
      return EXIT.ok;
    }
    if (skip !== null) {
      io.stdout.write(`Sensor ${name} would skip: ${skip}\n`);
    } else {
      io.stdout.write(
        renderTable(
          [{ header: 'request' }, { header: 'run key' }, { header: 'daemon would' }],
          requests.map(({ request, verdict, reason }) => [request.target, request.runKey ?? '-', daemonWould(verdict, reason)]),
          { maxWidth: io.stdout.columns },
        ),
      );
    }
    if (evaluation.cursor !== undefined) io.stdout.write(`New cursor: ${evaluation.cursor}\n`);
    io.stderr.write('Dry run: nothing was launched or stored.\n');
    return EXIT.ok;
  }
  const report: TickReport = await daemon.tickSensor(name);
  if (json) writeJson(io, { tick: tickToJson(report.tick, report.runs) });
  else io.stdout.write(renderTicks([report], io.stdout, createStyle(io.stdout, io, args.flags.color === false), io.now()));
  return ticksExitCode([report]);
}

/** The dry run's "daemon would" column: what the tick does with one request. */
function daemonWould(verdict: PreviewedRequest['verdict'], reason: string | null): string {
  if (verdict === 'launch') return reason === null ? 'launch it' : `launch it, ${reason}`;
  if (verdict === 'queue') return `queue it: ${reason}`;
  if (verdict === 'fail') return `fail the tick: ${reason}`;
  return `drop it: ${reason}`;
}
