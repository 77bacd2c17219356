import { UsageError } from '../../core/errors.js';
import { describeSchedule, scheduleCadence } from '../../sensors/describe-schedule.js';
import { findSchedule } from '../../sensors/find-definition.js';
import { setInstigatorStatus } from '../../sensors/instigator.js';
import { describeSchedulePartitions, partitionAtTick, schedulePartitions } from '../../sensors/schedule-partition.js';
import { nextScheduleTicks } from '../../sensors/schedule-ticks.js';
import { formatZonedTime } from '../../sensors/zoned-time.js';
import { actionOf, timeFlag } from '../automation-format.js';
import { type Command, EXIT } from '../command.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { writeJson } from '../write-json.js';

const ACTIONS = ['preview', 'start', 'stop'] as const;
const DEFAULT_COUNT = 10;

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'Preview, start or stop one schedule',
  usage: 'assets schedule preview <name> [--count N] [--from ISO] [--json] | assets schedule start|stop <name>',
  description:
    'preview lists the next tick times, in the schedule\'s time zone and in UTC, and for a job over\n' +
    'time-partitioned assets the partition each tick materializes (the one that ended by then). start and stop are stored in\n' +
    'the instance (STRATA_HOME) and override the schedule\'s defaultStatus; a started schedule never runs a\n' +
    'tick from before it was started.',
  flags: {
    count: { type: 'string', valueName: 'N', description: `preview: how many ticks (default ${DEFAULT_COUNT})` },
    from: { type: 'string', valueName: 'ISO', description: 'preview: list the ticks after this time (default: now), e.g. 2026-03-28T00:00:00Z' },
    json: { type: 'boolean', description: 'preview: print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  maxPositionals: 2,
  examples: [
    'assets schedule preview business-hours-refresh --count 12',
    'assets schedule preview daily-data-refresh --from 2026-03-28T00:00:00Z --json',
    'assets schedule stop hourly-refresh',
    'assets schedule start hourly-refresh',
  ],
  async run(args, io) {
    const [action, name] = args.positionals;
    const verb = actionOf('schedule', ACTIONS, action, name);
    if (verb !== 'preview') {
      for (const flag of ['count', 'from', 'json'] as const) {
        if (args.flags[flag] !== undefined) throw new UsageError(`--${flag} only applies to \`assets schedule preview\`.`);
      }
    }
    const instance = await openCommandInstance(io);
    try {
      const definitions = await instance.definitions();
      const schedule = findSchedule(definitions, name!);
      if (verb === 'preview') {
        const count = integerFlag('count', stringFlag(args, 'count'), 1) ?? DEFAULT_COUNT;
        const from = timeFlag('from', stringFlag(args, 'from')) ?? io.now();
        const ticks = nextScheduleTicks(schedule, from, count);
        const partitioned = schedulePartitions(definitions, schedule);
        const partitionOf = (tick: Date) => {
          const at = partitioned === undefined ? undefined : partitionAtTick(partitioned, tick);
          return at?.kind === 'partition' ? at.key : null;
        };
        if (booleanFlag(args, 'json')) {
          writeJson(io, {
            schedule: schedule.name,
            cron: schedule.cron ?? null,
            every: schedule.every ?? null,
            anchor: schedule.anchor ?? null,
            description: describeSchedule(schedule),
            timezone: schedule.timezone,
            from: from.toISOString(),
            ticks: ticks.map((tick) => tick.toISOString()),
            // Beside `ticks`: the partition each tick materializes (null: none has ended yet); null for an unpartitioned job.
            partitions: partitioned === undefined ? null : ticks.map(partitionOf),
          });
          return EXIT.ok;
        }
        io.stdout.write(`${schedule.name}: ${describeSchedule(schedule)} (${scheduleCadence(schedule)}, ${schedule.timezone})\n`);
        if (partitioned !== undefined) io.stdout.write(`Each tick ${describeSchedulePartitions(partitioned, ticks[0])}.\n`);
        io.stdout.write(
          renderTable(
            [{ header: '#', align: 'right' }, { header: `time (${schedule.timezone})` }, { header: 'UTC' }, ...(partitioned === undefined ? [] : [{ header: 'partition' }])],
            ticks.map((tick, index) => [
              String(index + 1),
              formatZonedTime(tick, schedule.timezone),
              tick.toISOString(),
              ...(partitioned === undefined ? [] : [partitionOf(tick) ?? '- (none yet)']),
            ]),
            { maxWidth: io.stdout.columns },
          ),
        );
        return EXIT.ok;
      }
      const storage = await instance.storage();
      const now = io.now();
      const { changed } = await setInstigatorStatus(storage, 'schedule', schedule, verb === 'start' ? 'running' : 'stopped', now);
      if (verb === 'stop') {
        io.stdout.write(changed ? `Stopped schedule ${schedule.name}.\n` : `Schedule ${schedule.name} was already stopped.\n`);
        return EXIT.ok;
      }
      const [next] = nextScheduleTicks(schedule, now, 1);
      const when = next === undefined ? '' : ` Next tick: ${formatZonedTime(next, schedule.timezone)} (${schedule.timezone}).`;
      io.stdout.write(`${changed ? `Started schedule ${schedule.name}.` : `Schedule ${schedule.name} was already running.`}${when}\n`);
      if (changed) io.stderr.write('The daemon runs it: `assets daemon`, or `assets daemon --once` from system cron.\n');
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};
