import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, inProcessExecutor, materialize, MemoryIOManager, SqliteInstanceStorage, type StepExecutorFactory, type StepRequest, UsageError } from '../../src/index.js';

const row = z.object({ n: z.int() });
const source = asset({ key: 'source', schema: row, codeVersion: 'v1', compute: () => [{ n: 1 }, { n: 2 }] });
const doubled = asset({ key: 'doubled', schema: row, deps: [source], codeVersion: 'v1', compute: ({ inputs }) => inputs.source.rows().map((r) => ({ n: r.n * 2 })) });

/** Executors are pluggable: any factory gets plain-data step requests, what a queue could carry to another process. */
describe('a custom step executor factory', () => {
  let storage: SqliteInstanceStorage;
  beforeEach(async () => {
    storage = await SqliteInstanceStorage.open({ path: ':memory:' });
  });
  afterEach(() => storage.close());

  it('receives each attempt as serializable data with the input versions the run records', async () => {
    const requests: StepRequest[] = [];
    const recording: StepExecutorFactory = {
      name: 'recording',
      async create(run) {
        const inner = await inProcessExecutor.create(run);
        return {
          attempt: (request, context) => {
            // What crosses a process boundary must survive a structured clone unchanged.
            requests.push(structuredClone(request));
            return inner.attempt(request, context);
          },
          close: () => inner.close(),
        };
      },
    };
    const definitions = defineDefinitions({ assets: [source, doubled], ioManagers: { default: new MemoryIOManager() } });
    const result = await materialize(definitions, { storage, executor: recording });
    expect(result.status).toBe('success');
    const recorded = await storage.latestMaterializations();
    expect(requests).toEqual([
      { runId: result.runId, assetKey: 'source', attempt: 1, inputDataVersions: {} },
      { runId: result.runId, assetKey: 'doubled', attempt: 1, inputDataVersions: recorded.get('doubled')!.inputDataVersions },
    ]);
    expect(recorded.get('doubled')!.inputDataVersions).toEqual({ source: recorded.get('source')!.dataVersion });
  });

  it('can refuse a plan before anything runs', async () => {
    const refusing: StepExecutorFactory = {
      name: 'refusing',
      create: () => {
        throw new UsageError('The refusing executor cannot run this plan.');
      },
    };
    const definitions = defineDefinitions({ assets: [source], ioManagers: { default: new MemoryIOManager() } });
    await expect(materialize(definitions, { storage, executor: refusing })).rejects.toThrow('The refusing executor cannot run this plan.');
    expect(await storage.latestRun()).toBeUndefined();
  });
});
