import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { IOManager } from '../../src/core/io-manager.js';
import { Table } from '../../src/core/table.js';
import { asset, CsvIOManager, defineDefinitions, MemoryIOManager, PostgresIOManager, UsageError, workerThreadsExecutor, type Definitions } from '../../src/index.js';
import { planMaterialization, type MaterializationPlan } from '../../src/execution/plan-materialization.js';
import { requireVisibility } from '../../src/execution/require-visibility.js';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';

const row = z.object({ n: z.int() });
const numbers = asset({ key: 'numbers', schema: row, codeVersion: 'v1', ioManager: 'upstream', compute: () => [{ n: 1 }] });
const total = asset({ key: 'total', schema: row, deps: [numbers], codeVersion: 'v1', compute: ({ inputs }) => [{ n: inputs.numbers.numRows }] });

/** An IO manager written before `visibility` existed: it declares none. */
const undeclared: IOManager = {
  kind: 'legacy',
  store: () => Promise.reject(new Error('not used')),
  load: () => Promise.reject(new Error('not used')),
  dataVersion: () => Promise.resolve(undefined),
  delete: () => Promise.resolve(false),
};

describe('requireVisibility', () => {
  let storage: SqliteInstanceStorage;
  beforeEach(async () => {
    storage = await SqliteInstanceStorage.open({ path: ':memory:' });
  });
  afterEach(() => storage.close());

  /** The definitions with `numbers` stored by `upstream` and `total` by `downstream`, and the plan of `select`. */
  const planWith = async (upstream: IOManager, downstream: IOManager, select?: string): Promise<{ definitions: Definitions; plan: MaterializationPlan }> => {
    const definitions = defineDefinitions({ assets: [numbers, total], ioManagers: { upstream, default: downstream } });
    // Planning `total` alone needs a stored `numbers` to read.
    if (select !== undefined) await upstream.store(definitions.asset('numbers')!, Table.fromRows([{ n: 1 }], ['n']));
    return { definitions, plan: await planMaterialization(definitions, storage, { select, codeVersions: 'declared' }) };
  };
  const refusal = (run: () => void): UsageError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return error as UsageError;
    }
    throw new Error('expected a UsageError');
  };

  it('lets the workers executor refuse a memory IO manager, naming every asset, its IO manager and the fix', async () => {
    const memory = new MemoryIOManager();
    const { definitions, plan } = await planWith(memory, memory);
    const error = refusal(() => requireVisibility(definitions, plan, 'host', 'workers'));
    expect(error.message).toBe(
      'The workers executor cannot run "numbers", "total": their IO managers keep tables in this process only. ' +
        'Its steps run in other threads or processes of this host, and load their inputs through the IO managers themselves:\n' +
        '  - "numbers": IO manager "upstream" (memory), visible in this process only\n' +
        '  - "total": IO manager "default" (memory), visible in this process only',
    );
    expect(error.hint).toContain('CsvIOManager');
    expect(error.hint).toContain('--executor in-process');
  });

  it('is what the workers executor checks before it starts a thread', async () => {
    const memory = new MemoryIOManager();
    const { definitions, plan } = await planWith(memory, memory);
    const create = () =>
      workerThreadsExecutor.create({ definitions, plan, resources: plan.resources, env: {}, definitionsModule: 'file:///definitions.mjs', concurrency: 1, runId: 'run', storage });
    expect(create).toThrow(UsageError);
    expect(create).toThrow(/^The workers executor cannot run "numbers", "total"/);
  });

  it('accepts files for the workers executor', async () => {
    const csv = new CsvIOManager({ baseDir: '/tmp/strata-require-visibility-unused' });
    const { definitions, plan } = await planWith(csv, csv);
    expect(() => requireVisibility(definitions, plan, 'host', 'workers')).not.toThrow();
  });

  it('checks the unplanned upstreams a planned step loads, not only the planned steps', async () => {
    const { definitions, plan } = await planWith(new MemoryIOManager(), new CsvIOManager({ baseDir: '/tmp/strata-require-visibility-unused' }), 'total');
    expect(plan.plan.planned.map((step) => step.key)).toEqual(['total']);
    const error = refusal(() => requireVisibility(definitions, plan, 'host', 'workers'));
    expect(error.message).toMatch(/^The workers executor cannot run "numbers": its IO manager keeps tables in this process only\./);
  });

  it('counts an IO manager that declares no visibility as visible to its own process only', async () => {
    const { definitions, plan } = await planWith(undeclared, undeclared);
    const error = refusal(() => requireVisibility(definitions, plan, 'host', 'workers'));
    expect(error.message).toContain('"numbers": IO manager "upstream" (legacy), visible in this process only');
  });

  it('lets a cluster executor refuse local files, naming the shared options as the fix', async () => {
    const local = new CsvIOManager({ baseDir: '/tmp/strata-require-visibility-unused' });
    const { definitions, plan } = await planWith(new MemoryIOManager(), local);
    const error = refusal(() => requireVisibility(definitions, plan, 'cluster', 'queue'));
    expect(error.message).toBe(
      'The queue executor cannot run "numbers", "total": their IO managers keep tables in this process only or on this host only. ' +
        'Its steps run on workers on any host, and load their inputs through the IO managers themselves:\n' +
        '  - "numbers": IO manager "upstream" (memory), visible in this process only\n' +
        '  - "total": IO manager "default" (csv), visible on this host only',
    );
    expect(error.hint).toContain('PostgresIOManager');
    expect(error.hint).toContain('CsvIOManager({ baseDir, shared: true })');
  });

  it('lets a cluster executor run shared files and Postgres tables', async () => {
    const shared = new CsvIOManager({ baseDir: '/tmp/strata-require-visibility-unused', shared: true });
    // Never connected: planning meets an unreachable database and plans the assets as unreadable, which is all this needs.
    const postgres = new PostgresIOManager({ connectionString: 'postgres://strata@127.0.0.1:1/none' });
    const { definitions, plan } = await planWith(shared, postgres);
    expect(plan.plan.planned.map((step) => step.key)).toEqual(['numbers', 'total']);
    expect(() => requireVisibility(definitions, plan, 'cluster', 'queue')).not.toThrow();
    await postgres.close();
  });
});
