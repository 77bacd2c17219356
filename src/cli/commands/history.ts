import { UsageError } from '../../core/errors.js';
import { recordedRows } from '../../instance/stored-output.js';
import { type Command, EXIT } from '../command.js';
import { formatCount, formatDuration, formatTime, isoTime, plural, shortRunId, shortVersion } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { writeJson } from '../write-json.js';
import type { CheckResultRecord } from '../../storage/instance-storage.js';

const DEFAULT_LIMIT = 20;

export const historyCommand: Command = {
  name: 'history',
  summary: 'List the materializations of an asset, newest first',
  usage: 'assets history <key> [--partition KEY] [--limit N] [--json]',
  description: 'Each materialization: when, by which run, the data version it stored, its rows, why it ran and how long it took; then the latest results of each of its checks.',
  maxPositionals: 1,
  flags: {
    partition: { type: 'string', valueName: 'KEY', description: 'For a partitioned asset: only this partition\'s materializations' },
    limit: { type: 'string', valueName: 'N', description: `Show at most N materializations (default ${DEFAULT_LIMIT})` },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets history posts', 'assets history user_stats --limit 5', 'assets history user_stats_daily --partition 2026-01-05', 'assets history posts --json | jq -r ".materializations[].dataVersion"'],
  async run(args, io) {
    const key = args.positionals[0];
    if (key === undefined) throw new UsageError('`assets history` needs an asset key.', { hint: 'e.g. assets history posts' });
    const limit = integerFlag('limit', stringFlag(args, 'limit'), 1) ?? DEFAULT_LIMIT;
    const partition = stringFlag(args, 'partition');
    const instance = await openCommandInstance(io);
    try {
      // One more than asked, to tell whether there are more.
      const found = await instance.materializationHistory(key, { limit: limit + 1, ...(partition === undefined ? {} : { partition }) });
      const partitioned = (await instance.definitions()).asset(key)!.partitions !== undefined;
      const records = found.slice(0, limit).map((record) => ({ ...record, rows: recordedRows(record) }));
      const hasMore = found.length > limit;
      // The latest results of each of its checks, as many per check as materializations are shown.
      const checkNames = (await instance.definitions()).asset(key)!.checks.map((check) => check.name);
      const checks = (await Promise.all(checkNames.map((checkName) => instance.checkHistory(key, { checkName, limit })))).flat();
      if (booleanFlag(args, 'json')) {
        writeJson(io, {
          key,
          materializations: records.map((record) => ({
            runId: record.runId,
            partition: record.partition,
            materializedAt: isoTime(record.materializedAt),
            dataVersion: record.dataVersion,
            codeVersion: record.codeVersion,
            rows: record.rows,
            reasons: record.reasons,
            durationMs: record.durationMs,
            inputDataVersions: record.inputDataVersions,
            metadata: record.metadata,
          })),
          hasMore,
          checks: checks
            .sort((a, b) => b.checkedAt.getTime() - a.checkedAt.getTime())
            .map((result) => ({ name: result.checkName, runId: result.runId, checkedAt: isoTime(result.checkedAt), status: result.status, failing: result.failing, dataVersion: result.dataVersions[key] ?? null })),
        });
        return EXIT.ok;
      }
      if (records.length === 0) {
        io.stdout.write(`${partition === undefined ? key : `Partition ${partition} of ${key}`} has never been materialized (or its history was wiped).\n`);
        return EXIT.ok;
      }
      const now = io.now();
      io.stdout.write(
        renderTable(
          [
            ...(partitioned ? [{ header: 'partition', fixed: true }] : []),
            { header: 'materialized' },
            { header: 'run', fixed: true },
            { header: 'data version' },
            { header: 'rows', align: 'right' as const },
            { header: 'duration', align: 'right' as const },
            { header: 'reasons' },
          ],
          records.map((record) => [
            ...(partitioned ? [record.partition ?? '-'] : []),
            formatTime(record.materializedAt, io.stdout, now),
            shortRunId(record.runId),
            shortVersion(record.dataVersion),
            record.rows === null ? '-' : formatCount(record.rows),
            formatDuration(record.durationMs),
            record.reasons.join(', ') || '-',
          ]),
          { maxWidth: io.stdout.columns },
        ),
      );
      if (checks.length > 0) io.stdout.write(renderCheckHistory(checkNames, checks, io.stdout.columns));
      if (hasMore) io.stderr.write(`Showing the latest ${plural(limit, 'materialization')} of ${key}; --limit N shows more.\n`);
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

/** One line per check: its results, newest first (`failed, passed, passed`). */
function renderCheckHistory(checkNames: readonly string[], results: readonly CheckResultRecord[], width: number | undefined): string {
  return `\n${renderTable(
    [{ header: 'check', fixed: true }, { header: 'results, newest first' }],
    checkNames.map((name) => [name, results.filter((result) => result.checkName === name).map((result) => result.status).join(', ') || 'never run']),
    { maxWidth: width },
  )}`;
}
