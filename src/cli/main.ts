import { StrataError, UsageError } from '../core/errors.js';
import { suggestClosest } from '../core/suggest.js';
import type { CliIO } from './cli-io.js';
import { type Command, EXIT, type FlagSpec } from './command.js';
import { renderCommandHelp, renderMainHelp } from './help.js';
import { packageVersion } from './package-version.js';
import { parseArgs } from './parse-args.js';
import { createStyle } from './style.js';

/** Subcommands by name, loaded on demand so `assets --version` imports none of them. */
export const COMMANDS: Readonly<Record<string, { readonly summary: string; readonly load: () => Promise<Command> }>> = {
  materialize: { summary: 'Materialize the stale assets of a selection', load: async () => (await import('./commands/materialize.js')).materializeCommand },
  status: { summary: 'Show which assets are fresh, stale or missing, and why', load: async () => (await import('./commands/status.js')).statusCommand },
  why: { summary: 'Explain in plain sentences why an asset is stale', load: async () => (await import('./commands/why.js')).whyCommand },
  list: { summary: 'List the assets with their group, IO manager, tags, deps and status', load: async () => (await import('./commands/list.js')).listCommand },
  lineage: { summary: 'Show what an asset is made from or feeds: tree, JSON, Graphviz, Mermaid', load: async () => (await import('./commands/lineage.js')).lineageCommand },
  runs: { summary: 'List the recorded runs, newest first', load: async () => (await import('./commands/runs.js')).runsCommand },
  logs: { summary: "Show a run's events and log lines in order (-f: follow it as it runs)", load: async () => (await import('./commands/logs.js')).logsCommand },
  rerun: { summary: "Run a run's selection again, recording it as the new run's parent", load: async () => (await import('./commands/rerun.js')).rerunCommand },
  check: { summary: 'Run the data-quality checks of stored assets, without materializing them', load: async () => (await import('./commands/check.js')).checkCommand },
  checks: { summary: 'List the data-quality checks with their latest results', load: async () => (await import('./commands/checks.js')).checksCommand },
  backfill: { summary: 'Materialize a range of partitions as a backfill that can be resumed; show, cancel or resume one', load: async () => (await import('./commands/backfill.js')).backfillCommand },
  backfills: { summary: 'List the backfills with their targets done per status', load: async () => (await import('./commands/backfills.js')).backfillsCommand },
  partitions: { summary: "List a partitioned asset's partitions with their states; add or remove dynamic partitions", load: async () => (await import('./commands/partitions.js')).partitionsCommand },
  show: { summary: "Show the first rows of an asset's stored table: a terminal table, CSV or JSON", load: async () => (await import('./commands/show.js')).showCommand },
  history: { summary: 'List the materializations of an asset, newest first', load: async () => (await import('./commands/history.js')).historyCommand },
  wipe: { summary: 'Forget the materializations of assets (and delete their outputs)', load: async () => (await import('./commands/wipe.js')).wipeCommand },
  jobs: { summary: 'List the jobs: named selections that schedules and sensors run', load: async () => (await import('./commands/jobs.js')).jobsCommand },
  schedules: { summary: 'List the schedules with their next ticks and last tick', load: async () => (await import('./commands/schedules.js')).schedulesCommand },
  schedule: { summary: 'Preview, start or stop one schedule', load: async () => (await import('./commands/schedule.js')).scheduleCommand },
  sensors: { summary: 'List the sensors with their status, last tick and cursor', load: async () => (await import('./commands/sensors.js')).sensorsCommand },
  sensor: { summary: 'Start, stop or tick one sensor', load: async () => (await import('./commands/sensor.js')).sensorCommand },
  ticks: { summary: 'List the recorded ticks of schedules and sensors', load: async () => (await import('./commands/ticks.js')).ticksCommand },
  daemon: { summary: 'Tick the schedules and sensors and run their jobs (--once: one pass)', load: async () => (await import('./commands/daemon.js')).daemonCommand },
  pools: { summary: 'List the concurrency pools with their limits and slots in use; set a limit', load: async () => (await import('./commands/pools.js')).poolsCommand },
  cancel: { summary: 'Cancel a running run, from any process (and, on Postgres, any host)', load: async () => (await import('./commands/cancel.js')).cancelCommand },
  worker: { summary: 'Run the steps coordinators send to a work pool (Postgres instance)', load: async () => (await import('./commands/worker.js')).workerCommand },
  info: { summary: 'Show the project root, definitions module, instance, output folders and versions', load: async () => (await import('./commands/info.js')).infoCommand },
  init: { summary: 'Scaffold a Strata project here: two assets, their test, strata.config.ts', load: async () => (await import('./commands/init.js')).initCommand },
  sample: { summary: 'Generate a JSONPlaceholder-shaped sample snapshot', load: async () => (await import('./commands/sample.js')).sampleCommand },
  ui: { summary: 'Serve the web UI: the asset graph, assets, runs and automation, live', load: async () => (await import('./commands/ui.js')).uiCommand },
  completion: { summary: 'Print a shell completion script (bash, zsh, fish)', load: async () => (await import('./commands/completion.js')).completionCommand },
};

/** Flags every command accepts. */
export const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
  verbose: { type: 'boolean', description: 'Show debug logs, and the stack of internal errors' },
  color: { type: 'boolean', description: 'Colour output (default: on for a terminal; --no-color, NO_COLOR and FORCE_COLOR decide otherwise)' },
};

/**
 * Runs one `assets` command line and returns its exit code. The one error
 * boundary of the CLI: a StrataError prints `error:` and `hint:` lines; any
 * other error is reported as internal, with its stack only under --verbose.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const verbose = argv.includes('--verbose');
  const style = createStyle(io.stderr, io, argv.includes('--no-color'));
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      io.stdout.write(renderMainHelp(COMMANDS, packageVersion()));
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    if (first === '--version' || first === '-V' || first === 'version') {
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT.ok;
    }
    const entry = COMMANDS[first];
    if (entry === undefined) {
      const suggestions = suggestClosest(first, Object.keys(COMMANDS));
      throw new UsageError(`Unknown command "${first}".`, {
        hint: suggestions.length > 0 ? `Did you mean \`assets ${suggestions[0]}\`?` : 'Run `assets --help` to see every command.',
      });
    }
    const command = await entry.load();
    const flags = { ...command.flags, ...COMMON_FLAGS };
    const args = parseArgs(rest, flags, command.name, command.maxPositionals ?? 0);
    if (args.flags.help === true) {
      io.stdout.write(renderCommandHelp(command, flags));
      return EXIT.ok;
    }
    const definitionsModule = args.flags.definitions;
    return await command.run(args, { ...io, definitionsModule: typeof definitionsModule === 'string' ? definitionsModule : undefined });
  } catch (error) {
    // A Ctrl-C (bin.ts aborts io.signal with its reason) that lands where no run is going, while definitions load or a
    // run is planned, surfaces as that reason: a cancel, not a bug. Runs catch their own and end canceled.
    if (io.signal.aborted && error === io.signal.reason) {
      const reason = error instanceof Error ? error.message : String(error);
      io.stderr.write(`${reason.charAt(0).toUpperCase()}${reason.slice(1)}: stopped before it finished.\n`);
      return EXIT.canceled;
    }
    if (error instanceof StrataError) {
      io.stderr.write(`${style.apply('red', 'error:')} ${error.message}\n`);
      if (error.hint !== undefined) io.stderr.write(`${style.apply('yellow', 'hint:')} ${error.hint}\n`);
      if (verbose && error.cause instanceof Error && error.cause.stack !== undefined) io.stderr.write(`${error.cause.stack}\n`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${style.apply('red', 'error:')} internal error: ${message}\n`);
    if (verbose && error instanceof Error && error.stack !== undefined) io.stderr.write(`${error.stack}\n`);
    else io.stderr.write(`${style.apply('yellow', 'hint:')} this is a bug in Strata; re-run with --verbose for the stack and report it.\n`);
    return EXIT.runFailed;
  }
}
