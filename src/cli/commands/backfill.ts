import { UsageError } from '../../core/errors.js';
import { backfillTag } from '../../core/run-tags.js';
import { EXECUTORS } from '../../execution/executors.js';
import type { BackfillPartitionOutcome, BackfillRunSettings } from '../../instance/backfills.js';
import type { Instance } from '../../instance/instance.js';
import { backfillTargetStatusSchema, type BackfillRequest, type BackfillTargetStatus, type StoredBackfill } from '../../storage/instance-storage.js';
import { backfillToJson, describeCounts, describeRange, doneTargets, renderProgressBar, TARGET_COLOUR, totalTargets } from '../backfill-format.js';
import type { CliIO } from '../cli-io.js';
import { type Command, EXIT, type ParsedArgs } from '../command.js';
import { openCommandInstance } from '../command-instance.js';
import { formatTime, plural, shortRunId } from '../format.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { describeRunAgain, recordedRun, renderPartitionRun, renderRunLine, renderUnstartedPartition, runReporting, runResultToJson, unstartedPartitionToJson } from '../partition-runs.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { describeStaleForUnselected } from '../stale-for-unselected.js';
import { describePartitionsLeftStale } from '../partitions-left-stale.js';
import { describeStaysStale } from '../stays-stale.js';
import type { StaysStale } from '../../instance/stays-stale.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';

const ACTIONS = ['status', 'cancel', 'resume'] as const;
type Action = (typeof ACTIONS)[number];

/** The flags that describe a new backfill, which `status`, `cancel` and `resume` do not take. */
const NEW_BACKFILL_FLAGS = ['from', 'to', 'missing', 'stale', 'all', 'policy'] as const;

export const backfillCommand: Command = {
  name: 'backfill',
  summary: 'Materialize a range of partitions as a backfill that can be resumed; show, cancel or resume one',
  usage:
    'assets backfill <selection> [--from KEY] [--to KEY] [--missing | --stale | --all] [--policy single-run | multi-run:N] [--max-concurrent N] [--json]' +
    ' | assets backfill status|cancel|resume <id | latest> [--json]',
  description:
    'Plans the partitions from --from to --to (both included; without them, the first and the last) of the\n' +
    'selection\'s partitioned assets, and stores one target per (asset, partition) that --stale (default: missing\n' +
    'or stale), --missing (never materialized, or output gone) or --all picks, before any run starts; the selected\n' +
    'unpartitioned assets that feed them run first, in a run of their own (when it fails, nothing is stored). Then runs\n' +
    'them in key order as --policy says, each run tagged strata/backfill=<id> (`assets runs --tag` finds them),\n' +
    'and records how each target ended. multi-run:1 (the default) is one run per partition; multi-run:N runs up\n' +
    'to N adjacent partitions still to do as one run of their range, single-run every unbroken stretch of them:\n' +
    'each asset then computes the range at once, which needs a partitionColumn on every selected partitioned asset.\n' +
    'Each partition is still stored, versioned and judged stale on its own. Progress is a count of targets, so `assets backfill status` shows it from any\n' +
    'process, and `resume` runs only the targets not materialized or up to date: a failed partition never re-runs\n' +
    'the ones that succeeded, and a backfill whose process died (its targets left running) picks up where it was.\n' +
    '`cancel` stops a backfill from any process: its running runs end canceled, its pending targets stay\n' +
    'pending. Ctrl-C does the same to the backfill this command runs. Exit code 1 when a target failed.',
  flags: {
    from: { type: 'string', valueName: 'KEY', description: 'The first partition (default: the first there is)' },
    to: { type: 'string', valueName: 'KEY', description: 'The last partition, included (default: the last there is)' },
    missing: { type: 'boolean', description: 'Only targets never materialized, or whose output is gone' },
    stale: { type: 'boolean', description: 'Targets missing or stale (the default)' },
    all: { type: 'boolean', description: 'Every target, fresh or not (forced)' },
    policy: { type: 'string', valueName: 'POLICY', description: 'How partitions map to runs: multi-run:1 (default), one run per partition; multi-run:N, ranges of up to N; single-run, one range per unbroken stretch' },
    'max-concurrent': { type: 'string', valueName: 'N', description: 'Runs at once (default 1; stored with the backfill, and used again by resume)' },
    executor: { type: 'string', valueName: 'KIND', description: 'Where the runs\' steps run: in-process, workers, queue (as for `assets materialize`)' },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  maxPositionals: 2,
  examples: [
    'assets backfill +user_stats_daily --from 2026-01-01 --to 2026-01-14',
    'assets backfill posts_daily --from 2026-01-01 --to 2026-01-07 --all --max-concurrent 2',
    'assets backfill "+user_stats_daily" --missing --json',
    'assets backfill events_daily --from 2026-01-01 --to 2026-12-31 --policy multi-run:31',
    'assets backfill status latest',
    'assets backfill cancel 3f2a9c1e',
    'assets backfill resume 3f2a9c1e',
    'assets runs --tag strata/backfill=3f2a9c1e',
  ],
  async run(args, io) {
    const [first, second] = args.positionals;
    const action = second !== undefined && (ACTIONS as readonly string[]).includes(first!) ? (first as Action) : undefined;
    if (first === undefined) throw new UsageError('`assets backfill` needs a selection, or status|cancel|resume and a backfill id.', { hint: 'e.g. assets backfill +user_stats_daily --from 2026-01-01 --to 2026-01-14' });
    if (second === undefined && (ACTIONS as readonly string[]).includes(first)) {
      throw new UsageError(`\`assets backfill ${first}\` needs a backfill id, or latest.`, { hint: `\`assets backfills\` lists them (to backfill an asset named ${first}, select it as key:${first}).` });
    }
    if (action === undefined && second !== undefined) {
      throw new UsageError(`\`assets backfill\` takes one selection, got "${first}" and "${second}".`, { hint: `Quote a selection with spaces ("${first} ${second}"), or use \`assets backfill status|cancel|resume <id>\`.` });
    }
    if (action !== undefined) {
      const given = [...NEW_BACKFILL_FLAGS, ...(action === 'resume' ? [] : ['max-concurrent', 'executor'])].find((flag) => args.flags[flag] !== undefined);
      if (given !== undefined) throw new UsageError(`--${given} does not apply to \`assets backfill ${action}\`.`, { hint: 'It describes a new backfill: `assets backfill <selection> --from A --to B`.' });
    }
    const instance = await openCommandInstance(io);
    try {
      if (action === 'status') return await showStatus(instance, second!, args, io);
      if (action === 'cancel') {
        const { backfill, runIds } = await instance.cancelBackfill(second!);
        if (booleanFlag(args, 'json')) writeJson(io, { ...backfillToJson(backfill), canceledRuns: runIds });
        else io.stdout.write(`Canceled backfill ${backfill.id}: ${runIds.length === 0 ? 'no run of it was going' : `asked ${plural(runIds.length, 'running run')} to cancel (${runIds.map(shortRunId).join(', ')})`}; ${describeCounts(backfill)}. \`assets backfill resume ${backfill.id}\` runs the rest.\n`);
        return EXIT.ok;
      }
      const run = await runSettings(args, io);
      if (action === 'resume') {
        const { backfill } = await instance.backfillStatus(second!);
        return await runAndReport(instance, backfill, args, io, { verb: 'Resuming', run });
      }
      return await startBackfill(instance, newRequest(first, args), args, io, run);
    } finally {
      await instance.close();
    }
  },
};

/** The request of a new backfill from the command line. */
function newRequest(selection: string, args: ParsedArgs): BackfillRequest {
  const modes = (['missing', 'stale', 'all'] as const).filter((mode) => booleanFlag(args, mode));
  if (modes.length > 1) throw new UsageError(`--${modes[0]} cannot be combined with --${modes[1]}.`, { hint: 'Pick which targets to run: --missing, --stale (default) or --all.' });
  return {
    selection,
    from: stringFlag(args, 'from') ?? null,
    to: stringFlag(args, 'to') ?? null,
    mode: modes[0] ?? 'stale',
    policy: parsePolicy(stringFlag(args, 'policy') ?? 'multi-run:1'),
    maxConcurrent: integerFlag('max-concurrent', stringFlag(args, 'max-concurrent'), 1) ?? null,
  };
}

/** `single-run` or `multi-run:N` (whether it can be run is the instance's to say). */
function parsePolicy(text: string): BackfillRequest['policy'] {
  if (text === 'single-run') return { kind: 'single-run' };
  const match = /^multi-run:(\d+)$/.exec(text);
  if (match === null || Number(match[1]) < 1) throw new UsageError(`--policy must be single-run or multi-run:N, got "${text}".`, { hint: 'e.g. --policy multi-run:1 (one run per partition)' });
  return { kind: 'multi-run', maxPartitionsPerRun: Number(match[1]) };
}

/** What every run of a backfill takes from the command line: how it reports, its executor and its trigger. */
async function runSettings(args: ParsedArgs, io: CliIO): Promise<BackfillRunSettings> {
  const executorName = stringFlag(args, 'executor');
  const executor = executorName === undefined ? undefined : EXECUTORS[executorName];
  if (executorName !== undefined && executor === undefined) throw new UsageError(`--executor must be one of ${Object.keys(EXECUTORS).join(', ')}, got "${executorName}".`);
  return { ...(await runReporting(args, io, booleanFlag(args, 'json'))), executor, trigger: 'cli' };
}

/**
 * Creates a backfill and runs it (see `runAndReport`). The run of the
 * selected unpartitioned assets that feed its partitions comes first, on a
 * line of its own (`feeders` in --json); when it fails no backfill is
 * stored, and the command exits as that run did.
 */
async function startBackfill(instance: Instance, request: BackfillRequest, args: ParsedArgs, io: CliIO, run: BackfillRunSettings): Promise<number> {
  const json = booleanFlag(args, 'json');
  const { backfill, feeders, unpartitioned } = await instance.backfill(request, { signal: io.signal, run });
  const feedersRun = feeders === undefined ? undefined : await recordedRun(instance, feeders);
  const feedersJson = feeders === undefined ? {} : { feeders: runResultToJson(feeders, feedersRun) };
  if (!json && feeders !== undefined) io.stdout.write(renderRunLine('Unpartitioned upstreams', feeders, feedersRun, createStyle(io.stdout, io, args.flags.color === false)));
  if (unpartitioned.length > 0 && !json) {
    io.stderr.write(`Left out ${plural(unpartitioned.length, 'selected asset')} without partitions: ${unpartitioned.join(', ')} (\`assets materialize\` brings ${unpartitioned.length === 1 ? 'it' : 'them'} up to date).\n`);
  }
  if (feeders !== undefined && (feeders.status === 'failed' || feeders.status === 'canceled')) {
    // Nothing is judged of partitions that did not run: the feeders' run says why.
    if (json) writeJson(io, { id: null, status: feeders.status, ...feedersJson, partitions: [], staysStale: { assets: [], partitions: [] } });
    else io.stdout.write(`No backfill was stored: its partitions would read what those upstreams stored before. Backfill again once they materialize.\n`);
    return feeders.status === 'canceled' ? EXIT.canceled : EXIT.runFailed;
  }
  if (backfill === undefined) {
    // With missing targets only asked for, staleness is no news.
    const stays = request.mode === 'missing' ? { assets: [], partitions: [] } : await backfillStaysStale(instance, request, io.signal, true);
    if (json) writeJson(io, { id: null, status: 'nothing-to-do', ...feedersJson, partitions: [], staysStale: stays });
    else if (request.mode === 'missing') io.stdout.write('No target is missing: nothing to backfill (--stale backfills the stale ones too).\n');
    else {
      // Targets fresh for what unselected upstreams stored, or for what partitions outside the range store, are no news of "up to date".
      const { assets, partitions } = stays;
      if (assets.length === 0 && partitions.length === 0) io.stdout.write('Every target is up to date: nothing to backfill (--all backfills them anyway).\n');
      if (assets.length > 0) io.stdout.write(describeStaleForUnselected(assets, { nothingRan: true, selectUpstreams: SELECT_UPSTREAMS }));
      if (partitions.length > 0) io.stdout.write(describePartitionsLeftStale(partitions, { nothingRan: assets.length === 0 }));
    }
    return EXIT.ok;
  }
  const code = await runAndReport(instance, backfill, args, io, { verb: 'Backfill', run, json: feedersJson });
  if (!json && unpartitioned.length > 0 && !io.signal.aborted) io.stdout.write(await describeLeftStale(instance, unpartitioned, io.signal));
  return code;
}

/** How a backfill words a selection with upstreams, in its advice on what stays stale. */
const SELECT_UPSTREAMS = (key: string) => `assets backfill +${key}`;

/**
 * What a backfill of `request` leaves stale that its summary does not say
 * (see `StaysStale`), as `materialize` says it of a run: its partitioned
 * assets (the rest are no targets) held back by upstreams it does not
 * select, which its runs read as stored; and, when `judgePartitions` (its
 * runs had nothing to do or completed: a failed one is stale for that),
 * partitions of its range held back by stale partitions outside it that
 * they read (see `Instance.partitionsLeftStale`), of assets not named
 * already.
 */
async function backfillStaysStale(instance: Instance, request: BackfillRequest, signal: AbortSignal, judgePartitions: boolean): Promise<StaysStale> {
  const [definitions, { keys }] = await Promise.all([instance.definitions(), instance.select({ select: request.selection })]);
  const assets = (await instance.staleForUnselected(keys, { signal })).filter(({ key }) => definitions.asset(key)!.partitions !== undefined);
  if (!judgePartitions) return { assets, partitions: [] };
  const named = new Set(assets.map(({ key }) => key));
  const range = await instance.partitionRange({ select: request.selection }, request);
  const partitions = (await instance.partitionsLeftStale({ select: request.selection, signal }, range)).filter(({ key }) => !named.has(key));
  return { assets, partitions };
}

/**
 * What a backfill says after its summary of the selected assets without
 * partitions it left out (a roll-up of its own partitions, or what reads
 * them) that are not up to date now: its partitions may have changed what
 * they read, and partitions that read a roll-up read what it stored before.
 * Nothing when they are all fresh.
 */
async function describeLeftStale(instance: Instance, leftOut: readonly string[], signal: AbortSignal): Promise<string> {
  const states = await instance.assetStates(leftOut, { signal });
  const stale = leftOut.filter((key) => states.get(key)!.status !== 'fresh');
  if (stale.length === 0) return '';
  const [is, them] = stale.length === 1 ? ['is', 'it'] : ['are', 'them'];
  return `${stale.join(', ')} ${is} not up to date after the backfill, which runs partitions only: \`assets materialize --select '${stale.map((key) => `${key}+`).join(', ')}'\` brings ${them}, and the partitions that read ${them}, up to date.\n`;
}

/**
 * Runs a new or resumed backfill and prints it: a header, each partition's
 * run as `--partition-range` prints it, a progress bar on a terminal, and
 * how the backfill ended (`--json`: with the fields of `report.json` too).
 * Exit 1 when it failed, 130 when canceled.
 */
async function runAndReport(instance: Instance, backfill: StoredBackfill, args: ParsedArgs, io: CliIO, report: { readonly verb: 'Backfill' | 'Resuming'; readonly run: BackfillRunSettings; readonly json?: Record<string, unknown> }): Promise<number> {
  const { verb } = report;
  const json = booleanFlag(args, 'json');
  const style = createStyle(io.stdout, io, args.flags.color === false);
  const stderrStyle = createStyle(io.stderr, io, args.flags.color === false);
  const progress = io.stderr.isTTY === true && !json;
  if (!json) io.stdout.write(`${verb} ${backfill.id}: ${backfill.request.selection}, partitions ${describeRange(backfill)} (${backfill.request.mode}), ${plural(totalTargets(backfill) - backfill.counts.materialized - backfill.counts['up-to-date'], 'target')} to run.\n`);
  // By outcome: a partition whose targets waited for other runs has two.
  const printed = new Map<BackfillPartitionOutcome, unknown>();
  const onPartition = async (outcome: BackfillPartitionOutcome, now: StoredBackfill) => {
    const run = outcome.result === undefined ? undefined : await recordedRun(instance, outcome.result);
    printed.set(outcome, outcome.result === undefined ? unstartedPartitionToJson(outcome.partition, outcome.error) : { partition: outcome.partition, ...runResultToJson(outcome.result, run), error: null });
    if (json) return;
    if (outcome.result !== undefined) io.stdout.write(renderPartitionRun(outcome.partition, outcome.result, run, style));
    else io.stdout.write(renderUnstartedPartition(outcome.partition, outcome.error, style));
    if (progress) io.stderr.write(renderProgressBar(now, outcome.partition, stderrStyle));
  };
  // The printing is chained so partitions that end together print whole, in the order they ended.
  let printing = Promise.resolve();
  const { backfill: ended, partitions } = await instance.runBackfill(backfill.id, {
    signal: io.signal,
    maxConcurrent: integerFlag('max-concurrent', stringFlag(args, 'max-concurrent'), 1),
    run: report.run,
    onPartition: (outcome, now) => {
      printing = printing.then(() => onPartition(outcome, now));
    },
    onRunAgain: (again) => {
      if (!json) printing = printing.then(() => void io.stdout.write(describeRunAgain(again)));
    },
  });
  await printing;
  // A canceled backfill is left as it stopped: nothing to judge of it.
  const canceled = io.signal.aborted || ended.status === 'canceled';
  const stays = canceled ? { assets: [], partitions: [] } : await backfillStaysStale(instance, ended.request, io.signal, ended.status === 'completed');
  if (json) writeJson(io, { ...backfillToJson(ended), ...report.json, partitions: partitions.map((outcome) => printed.get(outcome)), staysStale: stays });
  else {
    io.stdout.write(`Backfill ${ended.id} ${ended.status}: ${describeCounts(ended)}.\n`);
    // A partition that could not even start (no such partition now, an asset renamed) fails again on resume until the definitions change.
    const unstartable = ended.status === 'failed' && partitions.some((outcome) => outcome.result === undefined && outcome.error !== undefined) && !partitions.some((outcome) => outcome.result?.status === 'failed');
    if (unstartable) io.stdout.write(`What is left could not start with the definitions as they are (see above): change them and run \`assets backfill resume ${ended.id}\`, or start another backfill.\n`);
    else if (ended.status === 'failed' || ended.status === 'canceled') io.stdout.write(`Run what is left: assets backfill resume ${ended.id}\n`);
    io.stdout.write(describeStaysStale(stays, SELECT_UPSTREAMS));
  }
  if (canceled) return EXIT.canceled;
  return ended.status === 'failed' ? EXIT.runFailed : EXIT.ok;
}

/** `assets backfill status`: the backfill, its counts and the targets not done yet (all of them with --json). */
async function showStatus(instance: Instance, wanted: string, args: ParsedArgs, io: CliIO): Promise<number> {
  const { backfill, targets } = await instance.backfillStatus(wanted);
  if (booleanFlag(args, 'json')) {
    writeJson(io, { ...backfillToJson(backfill), targets });
    return EXIT.ok;
  }
  const style = createStyle(io.stdout, io, args.flags.color === false);
  const now = io.now();
  const { request } = backfill;
  io.stdout.write(
    [
      `Backfill ${backfill.id}: ${backfill.status}`,
      `  selection   ${request.selection}`,
      `  partitions  ${describeRange(backfill)} (${request.mode}, ${request.policy.kind === 'single-run' ? 'single-run' : `multi-run:${request.policy.maxPartitionsPerRun}`}${request.maxConcurrent === null ? '' : `, ${request.maxConcurrent} at once`})`,
      `  created     ${formatTime(backfill.createdAt, io.stdout, now)}${backfill.endedAt === null ? '' : `, ended ${formatTime(backfill.endedAt, io.stdout, now)}`}`,
      `  targets     ${doneTargets(backfill)}/${totalTargets(backfill)} done: ${describeCounts(backfill)}`,
      '',
    ].join('\n'),
  );
  if (backfill.status === 'requested') {
    // Requested with no run of it going: its process stopped (killed, the machine restarted), or is between two partitions.
    const { runs } = await instance.runs({ limit: 1, status: 'started', tags: backfillTag(backfill.id) });
    if (runs.length === 0) io.stdout.write(`No run of it is going now: if the process running it stopped, \`assets backfill resume ${backfill.id}\` continues it.\n`);
  }
  const notDone = new Set<BackfillTargetStatus>(backfillTargetStatusSchema.options.filter((status) => status !== 'materialized' && status !== 'up-to-date'));
  const open = targets.filter((target) => notDone.has(target.status));
  if (open.length > 0) {
    io.stdout.write(
      renderTable(
        [{ header: 'asset' }, { header: 'partition' }, { header: 'status' }, { header: 'run', fixed: true }],
        open.map((target) => [target.assetKey, target.partition ?? '-', target.status, target.runId === null ? '-' : shortRunId(target.runId)]),
        { maxWidth: io.stdout.columns, style: (column, padded, cell) => (column === 2 ? style.apply(TARGET_COLOUR[cell as BackfillTargetStatus] ?? 'dim', padded) : padded) },
      ),
    );
  }
  return EXIT.ok;
}
