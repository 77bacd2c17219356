import { describeCron } from '../../sensors/describe-cron.js';
import { effectiveStatus, triggerOf } from '../../sensors/instigator.js';
import { nextScheduleTicks } from '../../sensors/schedule-ticks.js';
import { formatZonedTime } from '../../sensors/zoned-time.js';
import { tickToJson } from '../automation-format.js';
import { type Command, EXIT } from '../command.js';
import { formatTime, isoTime } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

const NEXT_TICKS = 3;

export const schedulesCommand: Command = {
  name: 'schedules',
  summary: 'List the schedules: cron, in plain English, status, next ticks, last tick',
  usage: 'assets schedules [--json]',
  description:
    'Next ticks are shown in each schedule\'s time zone (MM-DD HH:MM); --json gives them in UTC. A schedule\n' +
    'is running or stopped as `assets schedule start|stop` last set it, else as its definition declares.',
  flags: {
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets schedules', 'assets schedules --json | jq ".schedules[] | {name, nextTicks}"', 'assets schedule preview daily-data-refresh'],
  async run(args, io) {
    const instance = await openCommandInstance(io);
    try {
      const definitions = await instance.definitions();
      const storage = await instance.storage();
      const now = io.now();
      const states = new Map((await storage.instigatorStates()).map((state) => [triggerOf(state.kind, state.name), state]));
      const schedules = await Promise.all(
        definitions.schedules.map(async (schedule) => {
          const state = states.get(triggerOf('schedule', schedule.name));
          const [lastTick] = await storage.listTicks({ kind: 'schedule', name: schedule.name, limit: 1 });
          return { schedule, state, lastTick, nextTicks: nextScheduleTicks(schedule, now, NEXT_TICKS) };
        }),
      );
      if (booleanFlag(args, 'json')) {
        writeJson(io, {
          schedules: schedules.map(({ schedule, state, lastTick, nextTicks }) => ({
            name: schedule.name,
            job: schedule.job,
            cron: schedule.cron,
            description: describeCron(schedule.cron),
            timezone: schedule.timezone,
            status: effectiveStatus(schedule, state),
            statusSetBy: (state?.status ?? null) === null ? 'definition' : 'instance',
            startedAt: isoTime(state?.startedAt),
            nextTicks: nextTicks.map((tick) => tick.toISOString()),
            lastTick: lastTick === undefined ? null : tickToJson(lastTick),
          })),
        });
        return EXIT.ok;
      }
      if (schedules.length === 0) {
        io.stdout.write('The definitions declare no schedules.\n');
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      io.stdout.write(
        renderTable(
          [
            { header: 'schedule', fixed: true },
            { header: 'cron', fixed: true },
            { header: 'when' },
            { header: 'time zone' },
            { header: 'status', fixed: true },
            { header: `next ${NEXT_TICKS} ticks` },
            { header: 'last tick' },
          ],
          schedules.map(({ schedule, state, lastTick, nextTicks }) => [
            schedule.name,
            schedule.cron,
            describeCron(schedule.cron),
            schedule.timezone,
            effectiveStatus(schedule, state),
            // MM-DD HH:MM of the full zoned time: short enough for three in one column.
            nextTicks.map((tick) => formatZonedTime(tick, schedule.timezone).slice(5, 16)).join(', '),
            lastTick === undefined ? '-' : `${formatTime(lastTick.tickTime, io.stdout, now)} ${lastTick.status}`,
          ]),
          { maxWidth: io.stdout.columns, style: (column, padded, cell) => (column === 4 ? style.apply(cell === 'running' ? 'green' : 'gray', padded) : padded) },
        ),
      );
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};
