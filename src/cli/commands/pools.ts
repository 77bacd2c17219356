import { POOL_NAME_PATTERN } from '../../core/definitions.js';
import { UsageError } from '../../core/errors.js';
import type { UnusedPoolWarning } from '../../instance/set-pool-limit.js';
import type { CliIO } from '../cli-io.js';
import { type Command, EXIT, type ParsedArgs } from '../command.js';
import { openCommandInstance } from '../command-instance.js';
import { plural, shortRunId } from '../format.js';
import { booleanFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { checkDefinitionsFlag, DEFINITIONS_FLAG } from '../shared-flags.js';
import { createStyle } from '../style.js';
import { writeJson } from '../write-json.js';
import { writeWarnings } from '../write-warnings.js';

export const poolsCommand: Command = {
  name: 'pools',
  summary: 'List the concurrency pools with their limits and slots in use; set a limit',
  usage: 'assets pools [--json] | assets pools set POOL LIMIT | assets pools set POOL --unlimited',
  description:
    'A pool limits how many steps of its assets (those declared with `pool: "<name>"`) run at once, across every\n' +
    'run of the instance and every worker. A pool without a limit is unlimited. A step waiting for a slot logs\n' +
    'it once; a slot is freed when its step ends, its run ends or is canceled, or its process dies. A limit may be\n' +
    'set before any asset uses its pool; set on a pool no asset uses, it warns and names the closest pool in use.',
  maxPositionals: 3,
  flags: {
    unlimited: { type: 'boolean', description: 'With set: remove the limit, so the pool is unlimited' },
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets pools', 'assets pools set api 1', 'assets pools set api --unlimited', 'assets pools --json | jq ".pools[] | {pool, inUse}"'],
  async run(args, io) {
    const [subcommand] = args.positionals;
    if (subcommand === 'set') return setLimit(args, io);
    if (subcommand !== undefined) {
      throw new UsageError(`Unknown subcommand "pools ${subcommand}".`, { hint: 'Use `assets pools` to list pools, or `assets pools set api 1` to set a limit.' });
    }
    if (booleanFlag(args, 'unlimited')) throw new UsageError('--unlimited goes with `assets pools set`.', { hint: 'e.g. assets pools set api --unlimited' });
    const instance = await openCommandInstance(io);
    const pools = await instance.pools(io.now()).finally(() => instance.close());
    if (booleanFlag(args, 'json')) {
      writeJson(io, {
        pools: pools.map((pool) => ({
          pool: pool.pool,
          limit: pool.limit,
          inUse: pool.slots.length,
          assets: pool.assets,
          slots: pool.slots.map((slot) => ({ runId: slot.runId, assetKey: slot.assetKey, pid: slot.pid, hostname: slot.hostname, since: slot.acquiredAt.toISOString() })),
        })),
      });
      return EXIT.ok;
    }
    if (pools.length === 0) {
      io.stdout.write('No pools: no asset names a pool and no limit is set. Declare one with `pool: "api"` on an asset.\n');
      return EXIT.ok;
    }
    io.stdout.write(
      renderTable(
        [{ header: 'pool', fixed: true }, { header: 'limit', align: 'right' }, { header: 'in use', align: 'right' }, { header: 'held by' }, { header: 'assets' }],
        pools.map((pool) => [
          pool.pool,
          pool.limit === null ? 'unlimited' : String(pool.limit),
          String(pool.slots.length),
          pool.slots.map((slot) => `${shortRunId(slot.runId)} (${slot.assetKey})`).join(', ') || '-',
          pool.assets.join(', ') || '-',
        ]),
        { maxWidth: io.stdout.columns },
      ),
    );
    return EXIT.ok;
  },
};

/** `assets pools set POOL LIMIT|--unlimited`. */
async function setLimit(args: ParsedArgs, io: CliIO): Promise<number> {
  const [, pool, limitText] = args.positionals;
  const unlimited = booleanFlag(args, 'unlimited');
  if (pool === undefined) throw new UsageError('`assets pools set` needs a pool and a limit.', { hint: 'e.g. assets pools set api 1, or assets pools set api --unlimited' });
  if (!POOL_NAME_PATTERN.test(pool)) {
    throw new UsageError(`"${pool}" cannot name a pool: pool names match ${POOL_NAME_PATTERN.source} (letters, digits, _, -, .).`, { hint: 'Use the name the assets give as `pool`.' });
  }
  if (unlimited && limitText !== undefined) throw new UsageError('A limit cannot be combined with --unlimited.', { hint: `e.g. assets pools set ${pool} ${limitText}` });
  if (!unlimited && limitText === undefined) throw new UsageError(`\`assets pools set ${pool}\` needs a limit, or --unlimited.`, { hint: `e.g. assets pools set ${pool} 1` });
  const limit = unlimited ? null : parseLimit(limitText!);
  if (booleanFlag(args, 'json')) throw new UsageError('--json goes with `assets pools`, not `assets pools set`.');
  const instance = await openCommandInstance(io);
  let warning: UnusedPoolWarning | undefined;
  try {
    checkDefinitionsFlag(args, instance);
    warning = await instance.setPoolLimit(pool, limit);
  } finally {
    await instance.close();
  }
  io.stdout.write(limit === null ? `Pool ${pool} is unlimited.\n` : `Pool ${pool}: at most ${plural(limit, 'step')} at once.\n`);
  if (warning !== undefined) writeWarnings(io, createStyle(io.stderr, io, args.flags.color === false), [warning]);
  return EXIT.ok;
}

function parseLimit(text: string): number {
  const limit = Number(text);
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new UsageError(`A pool limit must be a whole number >= 1, got "${text}".`, { hint: 'Use --unlimited to remove the limit.' });
  }
  return limit;
}
