import { effectiveStatus, triggerOf } from '../../sensors/instigator.js';
import { tickToJson } from '../automation-format.js';
import { type Command, EXIT } from '../command.js';
import { formatTime, isoTime } from '../format.js';
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
      const definitions = await instance.definitions();
      const storage = await instance.storage();
      const states = new Map((await storage.instigatorStates()).map((state) => [triggerOf(state.kind, state.name), state]));
      const sensors = await Promise.all(
        definitions.sensors.map(async (sensor) => {
          const [lastTick] = await storage.listTicks({ kind: 'sensor', name: sensor.name, limit: 1 });
          return { sensor, state: states.get(triggerOf('sensor', sensor.name)), lastTick };
        }),
      );
      if (booleanFlag(args, 'json')) {
        writeJson(io, {
          sensors: sensors.map(({ sensor, state, lastTick }) => ({
            name: sensor.name,
            job: sensor.job ?? null,
            intervalSeconds: sensor.intervalSeconds,
            description: sensor.description ?? null,
            status: effectiveStatus(sensor, state),
            statusSetBy: (state?.status ?? null) === null ? 'definition' : 'instance',
            startedAt: isoTime(state?.startedAt),
            cursor: state?.cursor ?? null,
            lastTick: lastTick === undefined ? null : tickToJson(lastTick),
          })),
        });
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
          sensors.map(({ sensor, state, lastTick }) => [
            sensor.name,
            sensor.job ?? '-',
            `${sensor.intervalSeconds}s`,
            effectiveStatus(sensor, state),
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
