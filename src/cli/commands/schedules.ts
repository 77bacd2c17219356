import { scheduleToJson } from '../../instance/automation-summaries.js';
import { describeSchedule, scheduleCadence } from '../../sensors/describe-schedule.js';
import { formatZonedTime } from '../../sensors/zoned-time.js';
import { type Command, EXIT } from '../command.js';
import { formatTime } from '../format.js';
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
    'is running or stopped as `assets schedule start|stop` last set it, else as its definition declares. A\n' +
    'schedule of a job over time-partitioned assets materializes, at each tick, the partition that ended by then.',
  flags: {
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets schedules', 'assets schedules --json | jq ".schedules[] | {name, nextTicks}"', 'assets schedule preview daily-data-refresh'],
  async run(args, io) {
    const instance = await openCommandInstance(io);
    try {
      const now = io.now();
      const schedules = await instance.schedules({ now, nextTicks: NEXT_TICKS });
      if (booleanFlag(args, 'json')) {
        writeJson(io, { schedules: schedules.map(scheduleToJson) });
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
          schedules.map(({ schedule, status, lastTick, nextTicks, partitions }) => [
            schedule.name,
            scheduleCadence(schedule),
            partitions === undefined ? describeSchedule(schedule) : `${describeSchedule(schedule)}; ${partitions}`,
            schedule.timezone,
            status,
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
