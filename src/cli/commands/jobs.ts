import { AssetGraph } from '../../graph/asset-graph.js';
import { selectJobAssets } from '../../graph/check-job-selections.js';
import { type Command, EXIT } from '../command.js';
import { loadDefinitions } from '../load-definitions.js';
import { booleanFlag, stringFlag } from '../parse-args.js';
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
    const definitions = await loadDefinitions(stringFlag(args, 'definitions'), io);
    const graph = new AssetGraph(definitions);
    const jobs = definitions.jobs.map((job) => {
      const { selected, sources } = selectJobAssets(graph, job);
      return {
        name: job.name,
        select: job.select,
        exclude: job.exclude ?? null,
        force: job.force,
        description: job.description ?? null,
        assets: selected,
        sources,
        schedules: definitions.schedules.filter((schedule) => schedule.job === job.name).map((schedule) => schedule.name),
        sensors: definitions.sensors.filter((sensor) => sensor.job === job.name).map((sensor) => sensor.name),
      };
    });
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
