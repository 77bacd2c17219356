import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reexecution } from '../../src/instance/reexecution.js';
import type { NewRunRecord, RunEvent } from '../../src/storage/instance-storage.js';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';

/** What re-executing a run selects, read from runs and events written as a run writes them, in a real SQLite instance. */
describe('reexecution', () => {
  let home: string;
  let storage: SqliteInstanceStorage;
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'strata-reexecution-'));
    storage = await SqliteInstanceStorage.open({ home });
  });
  afterEach(async () => {
    await storage.close();
    await rm(home, { recursive: true, force: true });
  });

  const at = new Date('2026-01-05T00:00:00Z');
  async function recordRun(run: Partial<NewRunRecord> & Pick<NewRunRecord, 'runId' | 'status'>, events: readonly Pick<RunEvent, 'type' | 'assetKey' | 'data'>[]) {
    await storage.createRun({ selection: '*', trigger: 'cli', startedAt: at, endedAt: at, pid: 1, hostname: 'h', ...run });
    await storage.write({ events: events.map((event) => ({ runId: run.runId, time: at, level: 'info', message: event.type, attempt: null, ...event })) });
    return (await storage.getRun(run.runId))!;
  }
  const start = (...planned: string[]) => ({ type: 'run-start' as const, assetKey: null, data: { planned } });
  const step = (type: RunEvent['type'], assetKey: string, data: RunEvent['data'] = null) => ({ type, assetKey, data });

  it('selects the assets that did not end materialized or up to date, refreshing those that failed last', async () => {
    const run = await recordRun({ runId: 'r1', status: 'failed', tags: { team: 'growth', 'strata/schedule': 'nightly' } }, [
      start('a', 'b', 'c', 'd', 'e'),
      step('step-success', 'a'),
      // Failed, retried, then succeeded: done.
      step('step-failure', 'b'),
      step('step-success', 'b'),
      step('step-failure', 'c'),
      step('step-skip', 'd', { reason: 'upstream-failed' }),
      // `e` never started (the run stopped first).
    ]);
    expect(await reexecution(storage, run, 'from-failure')).toMatchObject({
      selection: { select: 'key:c, key:d, key:e', refresh: 'key:c' },
      failed: ['c'],
      notMaterialized: ['c', 'd', 'e'],
      // Strata's own tags say how the parent was launched, not the new run.
      tags: { team: 'growth' },
    });
  });

  it('counts a step skipped as up to date as done, and a canceled run\'s unstarted steps as undone', async () => {
    const run = await recordRun({ runId: 'r1', status: 'canceled' }, [start('a', 'b'), step('step-skip', 'a', { reason: 'up-to-date' })]);
    expect(await reexecution(storage, run, 'from-failure')).toMatchObject({ selection: { select: 'key:b', refresh: undefined }, failed: [] });
  });

  it('refuses a run with nothing undone, or one that never ran a step', async () => {
    const done = await recordRun({ runId: 'done', status: 'success' }, [start('a'), step('step-success', 'a')]);
    await expect(reexecution(storage, done, 'from-failure')).rejects.toMatchObject({ code: 'STRATA_NOTHING_TO_REEXECUTE', message: expect.stringContaining('every asset it planned was materialized or up to date (it ended success)') });
    const never = await recordRun({ runId: 'never', status: 'failed' }, []);
    await expect(reexecution(storage, never, 'from-failure')).rejects.toMatchObject({ code: 'STRATA_NOTHING_TO_REEXECUTE', message: expect.stringContaining('it ended failed without running any asset') });
  });

  it("reruns a run's request, and refuses a run recorded without one", async () => {
    const job = await recordRun({ runId: 'job', status: 'success', request: { job: 'refresh' } }, []);
    expect((await reexecution(storage, job, 'rerun')).selection).toEqual({ job: 'refresh' });
    const selection = await recordRun({ runId: 'sel', status: 'failed', request: { select: '+b', exclude: 'a', force: true } }, []);
    expect((await reexecution(storage, selection, 'rerun')).selection).toEqual({ select: '+b', exclude: 'a', force: true, refresh: undefined });
    const old = await recordRun({ runId: 'old', status: 'success', selection: '* --force' }, []);
    await expect(reexecution(storage, old, 'rerun')).rejects.toMatchObject({ code: 'STRATA_RUN_NO_REQUEST', hint: expect.stringContaining('It ran "* --force"') });
  });
});
