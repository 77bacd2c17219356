import type { Definitions } from '../core/definitions.js';
import { holderIsGone } from '../execution/expiring-claims.js';
import type { InstanceStorage, PoolSlot } from '../storage/instance-storage.js';

/** A pool as `assets pools` lists it. */
export interface PoolSummary {
  readonly pool: string;
  /** Null: no limit set, so the pool is unlimited. */
  readonly limit: number | null;
  /** The assets of the definitions in the pool, by key. */
  readonly assets: readonly string[];
  /** The slots in use now, oldest first, as a claim in the pool sees them (see `summarizePools`). */
  readonly slots: readonly PoolSlot[];
}

/** Every pool the definitions name, has a limit, or has slots in use, by name. */
export async function summarizePools(definitions: Definitions, storage: InstanceStorage, now: Date): Promise<PoolSummary[]> {
  const limits = await storage.poolLimits();
  // A slot stays stored after its run's process died (until its lease expires or
  // a claim takes it over), yet the next claim in its pool takes it at once: it
  // is free already, so it is not listed as in use.
  const slots = (await storage.poolSlots(now)).filter((slot) => !holderIsGone(slot));
  const assets = new Map<string, string[]>();
  for (const asset of definitions.assets) {
    if (asset.pool !== undefined) assets.set(asset.pool, [...(assets.get(asset.pool) ?? []), asset.key]);
  }
  const names = [...new Set([...assets.keys(), ...limits.keys(), ...slots.map((slot) => slot.pool)])].sort();
  return names.map((pool) => ({
    pool,
    limit: limits.get(pool) ?? null,
    assets: assets.get(pool) ?? [],
    slots: slots.filter((slot) => slot.pool === pool),
  }));
}
