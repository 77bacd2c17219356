import type { Definitions } from '../core/definitions.js';
import { suggestClosest } from '../core/suggest.js';
import type { InstanceStorage } from '../storage/instance-storage.js';

/** Said of a pool limit set on a name no asset uses: likely a typo of a pool in use. */
export interface UnusedPoolWarning {
  readonly code: 'STRATA_POOL_UNUSED';
  readonly pool: string;
  /** The pools the assets use closest to `pool`, best first. */
  readonly suggestions: readonly string[];
  readonly message: string;
  readonly hint: string;
}

/**
 * Sets (a positive integer) or removes (`null`) the limit of a concurrency
 * pool, and warns when no asset of the definitions uses the pool.
 *
 * A pool no asset uses is still set, not refused: as in Dagster, whose pool
 * limits can be set before any asset names the pool, a limit may be put in
 * place before the assets that use it are deployed. A typo of a pool in use
 * would silently leave that pool unlimited, though, so the warning names the
 * closest pools in use.
 */
export async function setPoolLimit(definitions: Definitions, storage: InstanceStorage, pool: string, limit: number | null): Promise<UnusedPoolWarning | undefined> {
  await storage.setPoolLimit(pool, limit);
  const used = new Set(definitions.assets.flatMap((asset) => (asset.pool === undefined ? [] : [asset.pool])));
  if (used.has(pool)) return undefined;
  const suggestions = suggestClosest(pool, used);
  const [closest] = suggestions;
  const named = suggestions.map((name) => `"${name}"`).join(' or ');
  const inUse = used.size === 0 ? 'No asset uses a pool yet: `assets pools` lists the pools and limits.' : `The assets use ${[...used].sort().map((name) => `"${name}"`).join(', ')}; \`assets pools\` lists them.`;
  // Removing a limit is also how a stray one is cleaned up: the hint offers the pool in use, not a correction.
  const { done, hint } =
    limit === null
      ? { done: 'it is unlimited now, as every pool without a limit is', hint: closest === undefined ? inUse : `If you meant ${named}, remove its limit instead: \`assets pools set ${closest} --unlimited\`.` }
      : { done: `the limit is stored, and applies once an asset declares \`pool: "${pool}"\``, hint: closest === undefined ? inUse : `Did you mean ${named}? Set it with \`assets pools set ${closest} ${limit}\`.` };
  return { code: 'STRATA_POOL_UNUSED', pool, suggestions, message: `No asset uses pool "${pool}": ${done}.`, hint };
}
