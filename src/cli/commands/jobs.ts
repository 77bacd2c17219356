import { type Command, EXIT } from '../command.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { writeJson } from '../write-json.js';

export const jobsCommand: Command = {
  name: 'jobs',
  summary: 'List the jobs: named selections that schedules, sensors and --job run',
  usage: 'assets jobs [--json]',
  description:
    'A job is a named selection with its options. force "sources" re-runs the selected assets that have no\n' +
    'upstream assets and lets staleness and early cutoff decide the rest; force "all" re-runs everything selected.',
  flags: {
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets jobs', 'assets jobs --json | jq -r ".jobs[].name"', 'assets materialize --job refresh'],
  async run(args, io) {
    const instance = await openCommandInstance(io);
    const jobs = await instance.jobs().finally(() => instance.close());
    if (booleanFlag(args, 'json')) {
      writeJson(io, { jobs });
      return EXIT.ok;
    }
    if (jobs.length === 0) {
      io.stdout.write('The definitions declare no jobs.\n');
      return EXIT.ok;
    }
    io.stdout.write(
      renderTable(
        [{ header: 'job', fixed: true }, { header: 'selection' }, { header: 'force', fixed: true }, { header: 'assets', align: 'right' }, { header: 'run by' }, { header: 'description' }],
        jobs.map((job) => [
          job.name,
          job.exclude === null ? job.select : `${job.select} --exclude ${job.exclude}`,
          job.force,
          String(job.assets.length),
          [...job.schedules, ...job.sensors].join(', ') || '-',
          job.description ?? '',
        ]),
        { maxWidth: io.stdout.columns },
      ),
    );
    return EXIT.ok;
  },
};
