import type { Definitions } from '../../core/definitions.js';
import type { PlannedAsset } from '../../graph/planner.js';
import { hasWork, type MaterializationPlan } from '../../execution/plan-materialization.js';
import { describeUncheckedSource } from '../../instance/describe-reason.js';
import { describeChecksAgain } from '../../instance/describe-checks-again.js';
import { EXECUTORS } from '../../execution/executors.js';
import type { MaterializeResult } from '../../execution/run-result.js';
import type { CliIO } from '../cli-io.js';
import { type Command, EXIT, type ParsedArgs } from '../command.js';
import { formatCount, plural } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { describeRunAgain, recordedRun, renderPartitionRun, renderRunSummary, renderUnstartedPartition, runReporting, runResultToJson, runsExitCode, unstartedPartitionToJson } from '../partition-runs.js';
import type { BlockedAsset, SkippedInPartitions } from '../../instance/dry-run.js';
import type { Reexecution } from '../../instance/reexecution.js';
import type { SelectionRuns } from '../../instance/materialize-selection.js';
import type { Instance, PlanSelection } from '../../instance/instance.js';
import { describeStaleForUnselected } from '../stale-for-unselected.js';
import { describeStaysStale } from '../stays-stale.js';
import { type StaysStale, whatStaysStale } from '../../instance/stays-stale.js';
import { describePartitionsLeftStale } from '../partitions-left-stale.js';
import { describeFailingChecks } from '../failing-checks.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';
import { writeWarnings } from '../write-warnings.js';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { DEFINITIONS_FLAG, SELECTION_FLAGS } from '../shared-flags.js';
import { tagsFlag } from '../tag-flags.js';
import { parsePartitionRange } from '../../instance/partition-range.js';
import { listSome, splitPartitionRange } from '../../core/partition-keys.js';

export const materializeCommand: Command = {
  name: 'materialize',
  summary: 'Materialize the stale assets of a selection (all assets by default)',
  usage:
    'assets materialize [--select EXPR] [--exclude EXPR] [--force | --refresh EXPR] [--partition KEY | --partition-range FROM...TO] [--tag KEY=VALUE ...] [--dry-run | --queue] [--json]' +
    ' | assets materialize --job NAME [...] | assets materialize --from-failure RUN [...]',
  description:
    'Plans the selection by staleness (missing, code-changed, upstream-changed, output-modified, expired) and\n' +
    'runs only what is stale, upstreams first. An asset planned only because an upstream was is skipped as\n' +
    'up to date when its inputs come out unchanged. With nothing stale it says so and exits 0.\n' +
    '--from-failure RUN re-executes a failed or canceled run: its failed assets again, and those it skipped or\n' +
    'never started when staleness still plans them; nothing else. The new run records RUN as its parent and\n' +
    'keeps its tags (`assets rerun RUN` repeats a whole run instead). --from-failure latest takes the newest run\n' +
    'that failed or was canceled and that no run re-executes yet (of a plain materialize, a failed partition\n' +
    'rather than the run of the unpartitioned assets after it). --tag labels the run for `assets runs --tag`.\n' +
    'A run materializes one partition of partitioned assets (--partition) or none: without it the partitioned assets\n' +
    'of the selection are left out, with it the unpartitioned ones. --partition FROM...TO is one run of a range:\n' +
    'each asset with a partitionColumn computes it at once, and each partition is still stored and versioned on its\n' +
    'own. --partition-range runs each partition in turn, a failed one not stopping the rest (`assets backfill`\n' +
    'records the same as a backfill that can be resumed).',
  flags: {
    ...SELECTION_FLAGS,
    force: { type: 'boolean', description: 'Materialize every selected asset, stale or not' },
    refresh: { type: 'string', valueName: 'EXPR', description: 'Force these selected assets; staleness decides the rest (e.g. group:sources)' },
    job: { type: 'string', valueName: 'NAME', description: 'Run a job: its selection and force, instead of --select/--exclude/--force/--refresh' },
    'from-failure': { type: 'string', valueName: 'RUN', description: 'Re-execute what a failed run did not materialize (a run id, a unique prefix, or latest: the newest failure not re-executed yet)' },
    partition: { type: 'string', valueName: 'KEY', description: 'Materialize this partition of the selected partitioned assets (e.g. 2026-01-05), or in one run a range FROM...TO' },
    'partition-range': { type: 'string', valueName: 'FROM...TO', description: 'Materialize each partition from FROM to TO (both included), one run each' },
    tag: { type: 'string', valueName: 'KEY=VALUE', multiple: true, description: 'Record a tag with the run (repeatable), e.g. team=growth; `assets runs --tag` finds it' },
    'dry-run': { type: 'boolean', description: 'Print the plan with reasons; write nothing' },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    concurrency: { type: 'string', valueName: 'N', description: 'Assets run at once (default: number of CPUs)' },
    'lock-timeout': { type: 'string', valueName: 'DURATION', description: 'How long to wait for assets another run is materializing (default 10m)' },
    executor: {
      type: 'string',
      valueName: 'KIND',
      description: 'Where steps run: in-process (default on SQLite), workers (a worker thread per step, for CPU-heavy assets), queue (the work pool\'s `assets worker`s; default on Postgres)',
    },
    queue: { type: 'boolean', description: 'Queue the run for a daemon to start when fewer runs than the maximum are going (see `assets runs`)' },
    watch: { type: 'boolean', description: 'Materialize what is stale, then again whenever the definitions\' modules or source files change (Ctrl-C stops)' },
    ...DEFINITIONS_FLAG,
  },
  examples: [
    'assets materialize',
    'assets materialize --select +top_authors',
    'assets materialize --refresh group:sources',
    'assets materialize --job refresh',
    'assets materialize --select "group:analytics" --dry-run --json',
    'assets materialize --select "+summary" --exclude posts_enriched --force',
    'assets materialize --executor workers --concurrency 2',
    'assets materialize --job refresh --queue',
    'assets materialize --select +top_authors --tag team=growth --tag ticket=42',
    'assets materialize --from-failure latest',
    'assets materialize --watch --select +summary',
    'assets materialize --select +user_stats_daily --partition 2026-01-05',
    'assets materialize --select +user_stats_daily --partition-range 2026-01-01...2026-01-14',
    'assets materialize --select events_daily --partition 2026-01-01...2026-01-31',
  ],
  // The watch loop is loaded only for --watch.
  run: async (args, io) => (booleanFlag(args, 'watch') ? (await import('../watch-materialize.js')).watchMaterialize(args, io) : runMaterialize(args, io)),
};

/**
 * `assets materialize`, and `assets rerun`, which names the run to repeat in
 * `rerun` and shares the rest: parses the flags, then queues, plans or runs,
 * and renders the outcome.
 */
export async function runMaterialize(args: ParsedArgs, io: CliIO, rerun?: string): Promise<number> {
  const json = booleanFlag(args, 'json');
  const dryRun = booleanFlag(args, 'dry-run');
  const force = booleanFlag(args, 'force');
  const refresh = stringFlag(args, 'refresh');
  const job = stringFlag(args, 'job');
  const withJob = ['select', 'exclude', 'force', 'refresh'].find((flag) => args.flags[flag] !== undefined);
  if (job !== undefined && withJob !== undefined) {
    throw new UsageError(`--job cannot be combined with --${withJob}.`, { hint: 'A job brings its own selection and force (see `assets jobs`); drop one of them.' });
  }
  const fromFailure = stringFlag(args, 'from-failure');
  const withFailure = ['select', 'exclude', 'force', 'refresh', 'job'].find((flag) => args.flags[flag] !== undefined);
  if (fromFailure !== undefined && withFailure !== undefined) {
    throw new UsageError(`--from-failure cannot be combined with --${withFailure}.`, { hint: 'It re-executes what the run did not materialize; materialize a selection in a separate command.' });
  }
  const partition = stringFlag(args, 'partition');
  const partitionRange = stringFlag(args, 'partition-range');
  if (partition !== undefined && partitionRange !== undefined) throw new UsageError('--partition cannot be combined with --partition-range.', { hint: 'Name one partition, or a range.' });
  const range = partitionRange === undefined ? undefined : parsePartitionRange(partitionRange, '--partition-range');
  const notRanged = ['queue', 'dry-run', 'from-failure', 'watch'].find((flag) => args.flags[flag] !== undefined);
  if (range !== undefined && notRanged !== undefined) {
    throw new UsageError(`--partition-range cannot be combined with --${notRanged}.`, { hint: 'Run one partition with --partition, or use `assets backfill`.' });
  }
  const tags = tagsFlag(args);
  if (dryRun && force) throw new UsageError('--force cannot be combined with --dry-run.', { hint: 'A dry run writes nothing; drop --force to see what is stale, or drop --dry-run to run.' });
  const concurrency = integerFlag('concurrency', stringFlag(args, 'concurrency'), 1);
  const lockTimeout = stringFlag(args, 'lock-timeout');
  const lockTimeoutMs = lockTimeout === undefined ? undefined : parseDuration(/^\d+$/.test(lockTimeout) ? Number(lockTimeout) : lockTimeout, '--lock-timeout');
  const executorName = stringFlag(args, 'executor');
  // Unnamed, the instance decides where steps run.
  const executor = executorName === undefined ? undefined : EXECUTORS[executorName];
  if (executorName !== undefined && executor === undefined) {
    throw new UsageError(`--executor must be one of ${Object.keys(EXECUTORS).join(', ')}, got "${executorName}".`);
  }
  const queue = booleanFlag(args, 'queue');
  const notQueued = ['dry-run', 'executor', 'concurrency', 'lock-timeout'].find((flag) => args.flags[flag] !== undefined);
  if (queue && notQueued !== undefined) {
    throw new UsageError(`--queue cannot be combined with --${notQueued}.`, { hint: 'A queued run is planned and run by the daemon that starts it, with its own settings.' });
  }
  const style = createStyle(io.stdout, io, args.flags.color === false);
  const instance = await openCommandInstance(io);
  try {
    const definitions = await instance.definitions();
    const reexecuted = fromFailure !== undefined ? await instance.reexecution(fromFailure, 'from-failure') : rerun !== undefined ? await instance.reexecution(rerun, 'rerun') : undefined;
    if (reexecuted !== undefined && !json) io.stderr.write(describeReexecution(reexecuted, fromFailure === 'latest'));
    const selection = reexecuted?.selection ?? (job === undefined ? { select: stringFlag(args, 'select'), exclude: stringFlag(args, 'exclude'), force, refresh, partition } : { job, partition });
    const request = { ...selection, signal: io.signal };
    // A re-execution keeps its parent's tags; --tag adds to them or replaces one.
    const recorded = { tags: reexecuted === undefined ? tags : { ...reexecuted.tags, ...tags }, parentRunId: reexecuted?.parent.runId };
    // Union parts that select nothing (likely typos) are warned about here; planning reports a selection that is empty as a whole.
    writeWarnings(io, createStyle(io.stderr, io, args.flags.color === false), await instance.selectionWarnings(request));
    if (queue) {
      const queued = await instance.enqueue(selection, recorded);
      if (json) writeJson(io, { runId: queued.runId, status: queued.status, tags: queued.tags, parentRunId: queued.parentRunId });
      else io.stdout.write(`Queued run ${queued.runId} (${queued.selection}): a daemon starts it when fewer runs than the maximum are going (\`assets runs --status queued\`).\n`);
      return EXIT.ok;
    }
    if (dryRun) {
      // A re-execution runs its parent's selection as it is.
      const dry = await instance.dryRun({ ...request, partitionsFirst: reexecuted === undefined });
      const partitionsLine = `${plural(dry.partitions.length, 'partition')} would run first, one run each: ${listSome(dry.partitions)}.\n${describeSkippedInPartitions(dry.skippedInPartitions, dry.partitionsOnlySkipping)}`;
      const skippedInPartitions = dry.skippedInPartitions.map(({ key, partitions, checks }) => ({ key, partitions, blockedBy: checks }));
      const { partitionsOnlySkipping } = dry;
      if (dry.rest === undefined) {
        // With nothing to run, what a run would say: what stays stale for unselected upstreams, and checks not passed.
        const stays = await whatStaysStale(instance, request, dry.selected, []);
        if (json) writeJson(io, { partitions: dry.partitions, skippedInPartitions, partitionsOnlySkipping, staysStale: stays });
        else io.stdout.write(dry.partitions.length === 0 ? await describeNothingToDo(instance, stays, dry.selected, 'Every partition is up to date.\n') : `${partitionsLine}${describeStaysStale(stays)}`);
        return EXIT.ok;
      }
      if (!json && dry.partitions.length > 0) io.stdout.write(partitionsLine);
      const { plan: materializationPlan, checksAgain: checks, blocked } = dry.rest;
      const { plan } = materializationPlan;
      // The whole selection, partitioned assets too, as the UI's plan counts it.
      const { selected } = dry;
      const work = hasWork(materializationPlan);
      // As the run would say it: with nothing to do, of the asked partition too.
      const stays = await whatStaysStale(instance, request, selected, work ? [] : await partitionKeysAsked(instance, selection));
      if (json) {
        writeJson(io, {
          selected,
          plan: plan.planned.map((asset) => ({ key: asset.key, reasons: asset.reasons.map((reason) => reason.kind), skipped: blocked.has(asset.key), blockedBy: blocked.get(asset.key)?.checks ?? [] })),
          partition: materializationPlan.partition ?? null,
          leftOut: materializationPlan.leftOut,
          partitions: dry.partitions,
          skippedInPartitions,
          partitionsOnlySkipping,
          sources: plan.assets.flatMap((asset) => (asset.source === undefined ? [] : [{ key: asset.key, location: asset.source.location ?? null, checked: asset.source.checked, note: asset.source.note ?? null }])),
          checks,
          staysStale: stays,
        });
      } else if (!work) {
        // As the run decides: nothing to materialize and no check to run again. After runs of partitions, as the run says
        // it of the unpartitioned assets: "up to date" alone would read as the partitions' too, whose runs may skip assets.
        if (dry.partitions.length === 0) io.stdout.write(await describeNothingToDo(instance, stays, selected, `Everything is up to date (${plural(selected.length, 'asset')} selected).\n`));
        else io.stdout.write(`Unpartitioned assets:\n${await describeNothingToDo(instance, stays, materializationPlan.selected)}`);
      } else {
        if (plan.planned.length > 0) {
          io.stdout.write(renderTable(
            [{ header: 'asset' }, { header: 'status' }, { header: 'reasons' }],
            plan.planned.map((asset) => [asset.key, asset.status, [...asset.reasons.map((reason) => reason.kind), ...blockedReasons(blocked.get(asset.key))].join(', ')]),
            { maxWidth: io.stdout.columns },
          ));
        }
        if (checks.length > 0) {
          // Their asset stays as it is: the check or a table it judged changed since its latest result.
          io.stdout.write(`${describeChecksAgain(checks.map((check) => check.check))}\n`);
        }
        io.stdout.write(`${formatCount(plan.planned.length - blocked.size)} of ${plural(selected.length, 'selected asset')} would run (dry run: nothing was written).\n`);
        if (blocked.size > 0) io.stdout.write(describeBlocked([...blocked], `${plural(blocked.size, 'planned asset')} would be skipped`));
        io.stdout.write(describeStaysStale(stays));
      }
      if (!json) for (const note of uncheckedSourceNotes(definitions, plan.assets)) io.stdout.write(`Note: ${note}\n`);
      if (!json && selection.partition !== undefined && materializationPlan.leftOut.length > 0) io.stderr.write(describeLeftOut(materializationPlan.leftOut));
      return EXIT.ok;
    }
    const reporting = await runReporting(args, io, json);
    // A plain materialize runs the stale partitions first, each alone, and the rest last: their left-out assets are no news.
    const sayLeftOut = selection.partition !== undefined;
    const runs = await instance.materializeSelection({
      ...request,
      ...(range === undefined ? {} : { partitions: await instance.partitionRange(selection, range) }),
      ...reporting,
      concurrency,
      executor,
      lockTimeoutMs,
      trigger: 'cli',
      ...recorded,
      // A source that could not be checked was assumed unchanged, and assets outside the run's partitions are left out: say so (stderr: stdout carries the result).
      onPlan: json ? undefined : ({ plan, leftOut }) => {
        for (const note of uncheckedSourceNotes(definitions, plan.assets.filter((asset) => asset.status === 'fresh'))) io.stderr.write(`Note: ${note}\n`);
        if (sayLeftOut && leftOut.length > 0) io.stderr.write(describeLeftOut(leftOut));
      },
      onPartitionRun: json ? undefined : async (key, result) => void io.stdout.write(renderPartitionRun(key, result, await recordedRun(instance, result), style)),
      onPartitionUnstarted: json ? undefined : (key, error) => void io.stdout.write(renderUnstartedPartition(key, error, style)),
      // Without it, a partition's second line would read as a repeat: say why it runs again.
      onRunAgain: json ? undefined : (again) => void io.stdout.write(describeRunAgain(again)),
    });
    // A Ctrl-C before any run started ends no run, which is no "up to date": main reports its reason as a cancel.
    if (io.signal.aborted && runs.partitions.length === 0 && runs.unstarted.length === 0 && runs.rest === undefined) throw io.signal.reason;
    const partitionRuns = await Promise.all(runs.partitions.map(async ({ partition: key, result }) => ({ partition: key, result, run: json ? await recordedRun(instance, result) : undefined })));
    const partitionsJson = [
      ...partitionRuns.map(({ partition: key, result, run }) => ({ partition: key, ...runResultToJson(result, run) })),
      ...runs.unstarted.map(({ partition: key, error }) => unstartedPartitionToJson(key, error)),
    ];
    const results = partitionRuns.map(({ result }) => result);
    if (runs.restSkipped !== undefined) io.stderr.write(`The unpartitioned assets did not run: ${runs.restSkipped.message}\n`);
    const ranAlone = range !== undefined ? [...new Set(runs.partitions.map(({ partition: key }) => key))] : await partitionKeysAsked(instance, selection);
    if (runs.rest === undefined) {
      // Only partitioned assets selected: with no partition of them stale, nothing ran.
      const nothingRan = range === undefined && runs.partitions.length === 0;
      // Runs of partitions read what unselected upstreams stored, as the run of the rest does: what they leave stale is said alike.
      const stays = await whatStaysStale(instance, request, runs.selected, ranAlone, results);
      if (json) writeJson(io, { partitions: partitionsJson, staysStale: stays });
      else if (nothingRan) io.stdout.write(await describeNothingToDo(instance, stays, runs.selected));
      else io.stdout.write(`${describeRange(runs)}${describeStaysStale(stays)}`);
      return runsExitCode(results);
    }
    const run = await recordedRun(instance, runs.rest);
    const stays = await whatStaysStale(instance, request, runs.selected, ranAlone, [...results, runs.rest]);
    const unpartitionedLead = results.length === 0 ? '' : 'Unpartitioned assets:\n';
    if (json) writeJson(io, { ...runResultToJson(runs.rest, run), ...(results.length === 0 ? {} : { partitions: partitionsJson }), staysStale: stays });
    else if (runs.rest.status === 'nothing-to-do') io.stdout.write(`${unpartitionedLead}${await describeNothingToDo(instance, stays, runs.selected)}`);
    else io.stdout.write(`${unpartitionedLead}${renderRunSummary(runs.rest, run, style, io.stdout.columns)}${describeStaysStale(stays)}`);
    return runsExitCode([...results, runs.rest]);
  } finally {
    await instance.close();
  }
}

/** The partition keys `--partition` asks for: none, the one key, or each key of a range `FROM...TO` run at once. */
async function partitionKeysAsked(instance: Instance, selection: PlanSelection): Promise<readonly string[]> {
  if (selection.partition === undefined) return [];
  const range = splitPartitionRange(selection.partition);
  return range === undefined ? [selection.partition] : instance.partitionRange(selection, range);
}

/**
 * What a run that found nothing to do prints (`upToDate`, that everything is
 * up to date), unless something stays stale (see `StaysStale`), or checks
 * of `selected` have not passed on what they store.
 */
async function describeNothingToDo(instance: Instance, { assets, partitions }: StaysStale, selected: readonly string[] | undefined, upToDate = 'Everything is up to date.\n'): Promise<string> {
  const failing = selected === undefined ? [] : await instance.checksNotPassed(selected);
  if (assets.length === 0 && partitions.length === 0 && failing.length === 0) return upToDate;
  return (
    (assets.length === 0 ? '' : describeStaleForUnselected(assets, { nothingRan: true })) +
    (partitions.length === 0 ? '' : describePartitionsLeftStale(partitions, { nothingRan: assets.length === 0 })) +
    (failing.length === 0 ? '' : describeFailingChecks(failing, { nothingRan: assets.length === 0 && partitions.length === 0 }))
  );
}

/** The selected assets a run left out for its partition scope, and how to run them. */
function describeLeftOut(leftOut: MaterializationPlan['leftOut']): string {
  return `Left out ${plural(leftOut.length, 'selected asset')}:\n${leftOut.map((asset) => `  ${asset.key}: ${asset.why}\n`).join('')}`;
}

/** The last line of a range, or of partitions run in passes (some twice): how their runs ended, and how many could not start. */
function describeRange({ partitions: runs, unstarted }: Pick<SelectionRuns, 'partitions' | 'unstarted'>): string {
  const count = (status: MaterializeResult['status']) => runs.filter(({ result }) => result.status === status).length;
  const parts = [['success', 'succeeded'], ['nothing-to-do', 'up to date'], ['failed', 'failed'], ['canceled', 'canceled']] as const;
  const partitions = new Set([...runs, ...unstarted].map(({ partition }) => partition)).size;
  const counted = plural(partitions, 'partition') + (partitions === runs.length + unstarted.length ? '' : ` in ${runs.length} runs`);
  const ended = parts.flatMap(([status, word]) => (count(status) > 0 ? [`${count(status)} ${word}`] : []));
  if (unstarted.length > 0) ended.push(`${unstarted.length} could not run`);
  return `${counted}: ${ended.join(', ') || 'none run'}.\n`;
}

/** What a dry run's table adds to the reasons of an asset a run would skip. */
function blockedReasons(blocked: BlockedAsset | undefined): string[] {
  if (blocked === undefined) return [];
  return blocked.checks.length === 0 ? [`after skipped ${blocked.upstream}`] : blocked.checks.map((check) => `blocked by ${check}`);
}

/** What a dry run adds for the assets a run would skip for failing upstream checks (`blocked`, each named by its label), after `lead` (what would be skipped). */
function describeBlocked(blocked: readonly (readonly [string, BlockedAsset])[], lead: string): string {
  const lines = blocked.map(([label, { checks, upstream }]) =>
    checks.length === 0 ? `  ${label}: its upstream ${upstream} would be skipped\n` : `  ${label}: ${checks.length === 1 ? 'check' : 'checks'} ${checks.join(', ')} failed (\`assets checks ${upstream}\` shows why)\n`,
  );
  return `${lead}, blocked by failing upstream checks:\n${lines.join('')}`;
}

/**
 * What a dry run adds to the partitions that would run first for the assets
 * their runs would skip (`converted_daily [2026-01-01, 2026-01-02]`), and
 * the partitions `onlySkipping` whose runs would skip all they plan; nothing
 * when none.
 */
function describeSkippedInPartitions(skipped: readonly SkippedInPartitions[], onlySkipping: readonly string[]): string {
  if (skipped.length === 0) return '';
  const assets = new Set(skipped.map(({ key }) => key)).size;
  const blocked = describeBlocked(skipped.map((asset) => [`${asset.key} [${listSome(asset.partitions)}]`, asset] as const), `Their runs would skip ${plural(assets, 'planned asset')}`);
  // As the UI's button counts them: a run that skips every asset it plans is no work.
  return onlySkipping.length === 0 ? blocked : `${blocked}So the runs of ${plural(onlySkipping.length, 'partition')} would materialize nothing: ${listSome(onlySkipping)}.\n`;
}

/** The notes for the source assets among `assets` whose data could not be checked without fetching it. */
function uncheckedSourceNotes(definitions: Definitions, assets: readonly PlannedAsset[]): string[] {
  return assets.flatMap((asset) => (asset.source === undefined || asset.source.checked ? [] : [describeUncheckedSource(asset.key, definitions.asset(asset.key)!.group, asset.source)]));
}

/**
 * What a re-execution runs, on stderr before it plans: which run, and which
 * of its assets. A re-execution from failure names the partition it runs,
 * and, for `latest`, that it took the latest failure (not the newest run).
 */
function describeReexecution({ parent, selection, failed, notMaterialized }: Reexecution, latest: boolean): string {
  if (selection.job !== undefined) return `Re-running run ${parent.runId}: job ${selection.job}.\n`;
  if (notMaterialized.length === 0) return `Re-running run ${parent.runId}: ${parent.selection}.\n`;
  const others = notMaterialized.filter((key) => !failed.includes(key));
  const parts = [...(failed.length === 0 ? [] : [`failed ${failed.join(', ')}`]), ...(others.length === 0 ? [] : [`skipped or not started ${others.join(', ')}`])];
  const partition = selection.partition === undefined ? '' : ` (partition ${selection.partition})`;
  return `Re-executing run ${parent.runId}${partition}${latest ? `, the latest ${parent.status} run,` : ''} from its failure: ${parts.join('; ')}.\n`;
}
