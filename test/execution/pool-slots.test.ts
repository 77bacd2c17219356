import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, DefinitionError, defineDefinitions, materialize, MemoryIOManager, SqliteInstanceStorage } from '../../src/index.js';

const schema = z.object({ n: z.int() });

describe('pool slots of one run (in-process, memory IO, SQLite instance in memory)', () => {
  let storage: SqliteInstanceStorage;
  beforeEach(async () => {
    storage = await SqliteInstanceStorage.open({ path: ':memory:' });
  });
  afterEach(() => storage.close());

  const definitions = (compute: () => Promise<{ n: number }[]> | { n: number }[] = () => [{ n: 1 }]) =>
    defineDefinitions({
      assets: [asset({ key: 'calls', pool: 'api', schema, compute }), asset({ key: 'local', schema, compute: () => [{ n: 2 }] })],
      ioManagers: { default: new MemoryIOManager() },
    });
  /** A slot held by another run of this (live) process, so nothing takes it over. */
  const holdSlot = () => storage.claimPoolSlot({ pool: 'api', runId: 'holder', assetKey: 'other', pid: process.pid, hostname: hostname(), now: new Date(), ttlMs: 60_000 });

  it('stops waiting for a slot when the run is canceled, and leaves the other run its slot', async () => {
    await storage.setPoolLimit('api', 1);
    await holdSlot();
    const controller = new AbortController();
    const result = await materialize(definitions(), {
      storage,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.message.startsWith('Waiting for a slot')) controller.abort(new Error('stopped by the test'));
      },
    });
    expect(result.status).toBe('canceled');
    expect(result.assets.find((step) => step.key === 'calls')).toMatchObject({ action: 'failed', error: { code: 'STRATA_CANCELED' } });
    const events = await storage.runEvents(result.runId!);
    expect(events.filter((event) => event.assetKey === 'calls').map((event) => [event.type, event.message])).toEqual([
      ['log', 'Waiting for a slot in pool api (1 of 1 in use by run holder)'],
      ['step-failure', 'calls failed: canceled: stopped by the test'],
    ]);
    expect((await storage.poolSlots(new Date())).map((slot) => slot.runId)).toEqual(['holder']);
  });

  it('runs the step once the slot is freed, and holds no slot after the step, even when it fails', async () => {
    await storage.setPoolLimit('api', 1);
    await holdSlot();
    const inUse: string[][] = [];
    const run = materialize(
      definitions(async () => {
        inUse.push((await storage.poolSlots(new Date())).map((slot) => slot.runId));
        throw new Error('the API said no');
      }),
      { storage, onEvent: (event) => void (event.message.startsWith('Waiting for a slot') && storage.releasePoolSlots('holder')) },
    );
    const result = await run;
    expect(result.status).toBe('failed');
    expect(inUse).toEqual([[result.runId]]);
    expect(await storage.poolSlots(new Date())).toEqual([]);
  });

  it('leaves assets without a pool alone: no slot is claimed for them', async () => {
    await storage.setPoolLimit('api', 1);
    await holdSlot();
    const result = await materialize(definitions(), { storage, select: 'local' });
    expect(result.status).toBe('success');
    expect((await storage.poolSlots(new Date())).map((slot) => slot.runId)).toEqual(['holder']);
  });

  it('refuses a pool name that could not be typed on the command line, with the other problems of the definitions', () => {
    const spaced = asset({ key: 'spaced', pool: 'rate limited', schema, compute: () => [] });
    const empty = asset({ key: 'empty', pool: '', schema, compute: () => [] });
    const refused = (() => {
      try {
        defineDefinitions({ assets: [spaced, empty], ioManagers: { default: new MemoryIOManager() } });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(DefinitionError);
    expect((refused as Error).message).toMatch(/asset "spaced": invalid pool "rate limited"; pool names match/);
    expect((refused as Error).message).toMatch(/asset "empty": invalid pool ""/);
  });
});
