import { sensorToJson } from '../../instance/automation-summaries.js';
import { type Command, EXIT } from '../command.js';
import { formatTime } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

export const sensorsCommand: Command = {
  name: 'sensors',
  summary: 'List the sensors: job, interval, status, last tick, cursor',
  usage: 'assets sensors [--json]',
  description:
    'A sensor is evaluated by the daemon every interval and asks for runs. It is running or stopped as\n' +
    '`assets sensor start|stop` last set it, else as its definition declares.',
  flags: {
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets sensors', 'assets sensors --json | jq ".sensors[] | {name, status, cursor}"', 'assets sensor tick new-snapshot --dry-run'],
  async run(args, io) {
    const instance = await openCommandInstance(io);
    try {
      const sensors = await instance.sensors();
      if (booleanFlag(args, 'json')) {
        writeJson(io, { sensors: sensors.map(sensorToJson) });
        return EXIT.ok;
      }
      if (sensors.length === 0) {
        io.stdout.write('The definitions declare no sensors.\n');
        return EXIT.ok;
      }
      const style = createStyle(io.stdout, io, args.flags.color === false);
      const now = io.now();
      io.stdout.write(
        renderTable(
          [
            { header: 'sensor', fixed: true },
            { header: 'job' },
            { header: 'every', align: 'right' },
            { header: 'status', fixed: true },
            { header: 'last tick' },
            { header: 'cursor' },
            { header: 'description' },
          ],
          sensors.map(({ sensor, state, status, lastTick }) => [
            sensor.name,
            sensor.job ?? '-',
            `${sensor.intervalSeconds}s`,
            status,
            lastTick === undefined ? '-' : `${formatTime(lastTick.tickTime, io.stdout, now)} ${lastTick.status}`,
            state?.cursor ?? '-',
            sensor.description ?? '',
          ]),
          { maxWidth: io.stdout.columns, style: (column, padded, cell) => (column === 3 ? style.apply(cell === 'running' ? 'green' : 'gray', padded) : padded) },
        ),
      );
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};
