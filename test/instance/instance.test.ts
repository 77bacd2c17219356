import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, DefinitionError, job, MemoryIOManager, openInstance, resource, SqliteInstanceStorage, StrataError, UnknownAssetError } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TINY = fileURLToPath(new URL('../fixtures/tiny-definitions.ts', import.meta.url));
const THROWING = fileURLToPath(new URL('../fixtures/throwing-definitions.mjs', import.meta.url));

/** numbers -> total on a memory IO manager, built here so each test can change what it needs. */
function tinyDefinitions(spec: { jobs?: Parameters<typeof defineDefinitions>[0]['jobs']; withResource?: boolean } = {}) {
  const db = resource({ key: 'db', config: z.object({ path: z.string() }), env: { path: 'TEST_DB_PATH' }, create: ({ config }) => config });
  const numbers = asset({ key: 'numbers', schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }, { n: 2 }] });
  const total = asset({
    key: 'total',
    deps: [numbers],
    ...(spec.withResource === true ? { resources: { db } } : {}),
    schema: z.object({ total: z.int() }),
    compute: ({ inputs }) => [{ total: inputs.numbers.column('n').reduce((sum, n) => sum + n, 0) }],
  });
  return defineDefinitions({ assets: [numbers, total], ioManagers: { default: new MemoryIOManager() }, jobs: spec.jobs ?? [] });
}

describe('openInstance', () => {
  let home: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'strata-instance-'));
    env = { STRATA_HOME: home };
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('loads a definitions module and runs, plans, explains, draws and wipes through one instance', async () => {
    const instance = await openInstance({ cwd: ROOT, env, definitionsModule: TINY });
    try {
      expect(instance.project.root).toBe(path.resolve(ROOT));
      expect((await instance.definitions()).assets.map((each) => each.key)).toEqual(['numbers', 'total']);
      expect((await instance.plan({ select: '*' })).plan.planned.map((each) => each.key)).toEqual(['numbers', 'total']);

      const result = await instance.materialize({ select: '*' });
      expect(result.status).toBe('success');
      expect(existsSync(path.join(home, 'strata.db'))).toBe(true);
      const states = await instance.assetStates(['numbers', 'total']);
      expect([...states.values()].map((state) => state.status)).toEqual(['fresh', 'fresh']);
      expect((await instance.plan({ select: '*' })).plan.planned).toEqual([]);

      const lineage = await instance.lineage({ keys: ['total'] });
      expect(lineage.nodes.map((node) => [node.key, node.status])).toEqual([['numbers', 'fresh'], ['total', 'fresh']]);
      expect(lineage.edges).toEqual([{ from: 'numbers', to: 'total' }]);
      expect(await instance.materializationHistory('total')).toHaveLength(1);

      const scope = await instance.wipeScope(['numbers']);
      expect(scope).toMatchObject({ recordedKeys: ['numbers'], total: 1 });
      expect(await instance.wipe(scope, { deleteOutputs: false })).toMatchObject({ materializationsRemoved: 1 });
      const why = await instance.why('total');
      expect(why.status).toBe('stale');
      expect((await instance.why('numbers')).reasons.map((reason) => reason.kind)).toEqual(['missing']);
    } finally {
      await instance.close();
    }
  });

  it('names an unknown asset with did-you-mean before opening anything', async () => {
    const instance = await openInstance({ cwd: ROOT, env, definitionsModule: TINY });
    await expect(instance.why('totl')).rejects.toThrow(UnknownAssetError);
    await expect(instance.lineage({ keys: ['numbrs'] })).rejects.toMatchObject({ hint: expect.stringContaining('numbers') });
    await instance.close();
    expect(existsSync(path.join(home, 'strata.db'))).toBe(false);
  });

  it('reads the storage without loading the definitions', async () => {
    // The module throws when imported: a command that only reads runs must never import it.
    const instance = await openInstance({ cwd: ROOT, env, definitionsModule: THROWING });
    try {
      expect(await (await instance.storage()).listRuns()).toEqual([]);
      await expect(instance.definitions()).rejects.toThrow('cannot connect to the warehouse');
    } finally {
      await instance.close();
    }
  });

  it('leaves open a storage it was given, and closes one it opened', async () => {
    const storage = await SqliteInstanceStorage.open({ home });
    const given = await openInstance({ cwd: ROOT, env, definitions: tinyDefinitions(), storage });
    expect((await given.materialize({ select: '*' })).status).toBe('success');
    await given.close();
    expect(await storage.listRuns()).toHaveLength(1);
    await storage.close();

    const own = await openInstance({ cwd: ROOT, env, definitions: tinyDefinitions() });
    const opened = await own.storage();
    await own.close();
    await expect(opened.listRuns()).rejects.toThrow();
  });

  it('runs a job by name, with its selection and force', async () => {
    const instance = await openInstance({ cwd: ROOT, env, definitions: tinyDefinitions({ jobs: [job({ name: 'everything', select: '*', force: 'all' })] }) });
    try {
      expect((await instance.materialize({ job: 'everything' })).assets.map((each) => each.action)).toEqual(['materialized', 'materialized']);
      const planned = (await instance.plan({ job: 'everything' })).plan.planned;
      expect(planned.map((each) => [each.key, each.reasons.some((reason) => reason.kind === 'forced')])).toEqual([['numbers', true], ['total', true]]);
      expect((await instance.jobs()).map((each) => [each.name, each.assets])).toEqual([['everything', ['numbers', 'total']]]);
      await expect(instance.plan({ job: 'nope' })).rejects.toThrow('Unknown job "nope"');
    } finally {
      await instance.close();
    }
  });
});

describe('openInstance reports what is wrong with given definitions', () => {
  it('a job selection that selects nothing', async () => {
    const definitions = tinyDefinitions({ jobs: [job({ name: 'typo', select: 'totl' })] });
    const opening = openInstance({ cwd: ROOT, env: {}, definitions });
    await expect(opening).rejects.toThrow(DefinitionError);
    await expect(opening).rejects.toThrow(/job "typo"/);
  });

  it('a resource config the environment does not complete', async () => {
    const definitions = tinyDefinitions({ withResource: true });
    await expect(openInstance({ cwd: ROOT, env: {}, definitions })).rejects.toThrow('path is required: set TEST_DB_PATH');
    const instance = await openInstance({ cwd: ROOT, env: { TEST_DB_PATH: '/tmp/db' }, definitions });
    expect(await instance.definitions()).toBe(definitions);
  });
});

describe('where the instance lives', () => {
  let project: string;
  beforeEach(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'strata-instance-config-'));
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'project', type: 'module' }));
  });
  afterEach(() => rm(project, { recursive: true, force: true }));

  /** A module that exports defineConfig(...) with `instance`, importing the framework from this repository's source. */
  const writeConfigModule = (file: string, instance: string) =>
    writeFile(
      path.join(project, file),
      `import { defineConfig } from ${JSON.stringify(path.join(ROOT, 'src', 'index.js'))};
import definitions from ${JSON.stringify(TINY)};
export default defineConfig({ definitions, instance: ${instance} });
`,
    );

  it("takes the config's Postgres database, below STRATA_DATABASE_URL, and STRATA_DATABASE_SCHEMA over its schema", async () => {
    await writeConfigModule('strata.config.mjs', `{ postgres: { url: 'postgres://app:s3cret@db.internal/pipelines', schema: 'etl' } }`);
    const fromConfig = await openInstance({ cwd: project, env: {} });
    expect(await fromConfig.storageLocation()).toEqual({ kind: 'postgres', url: 'postgres://app:s3cret@db.internal/pipelines', schema: 'etl', display: 'postgres://***:***@db.internal/pipelines (schema etl)' });
    const schemaFromEnv = await openInstance({ cwd: project, env: { STRATA_DATABASE_SCHEMA: 'other' } });
    expect(await schemaFromEnv.storageLocation()).toMatchObject({ url: 'postgres://app:s3cret@db.internal/pipelines', schema: 'other' });
    const urlFromEnv = await openInstance({ cwd: project, env: { STRATA_DATABASE_URL: 'postgres://localhost/mine' } });
    expect(await urlFromEnv.storageLocation()).toMatchObject({ url: 'postgres://localhost/mine', schema: undefined });
  });

  it('refuses a non-postgres URL and unknown keys, naming the file and the field', async () => {
    await writeConfigModule('strata.config.mjs', `{ postgres: { url: 'mysql://root:hunter2@db/strata', port: 5432 }, sqlite: true }`);
    const instance = await openInstance({ cwd: project, env: {} });
    const error = await instance.storageLocation().then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DefinitionError);
    const file = path.join(project, 'strata.config.mjs');
    expect((error as DefinitionError).problems).toEqual([
      `instance.postgres.url in ${file}: expected a postgres:// URL, got a mysql: URL`,
      `instance.postgres.port in ${file}: unknown key; the keys are url, schema`,
      `instance.sqlite in ${file}: unknown key; the keys are postgres`,
    ]);
    expect((error as DefinitionError).message).not.toContain('hunter2');
  });

  it('refuses an instance configured in a module that is not strata.config.*', async () => {
    await writeConfigModule('definitions.mjs', `{ postgres: { url: 'postgres://localhost/app' } }`);
    const instance = await openInstance({ cwd: project, env: {}, definitionsModule: 'definitions.mjs' });
    const error = await instance.definitions().then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StrataError);
    expect(error).toMatchObject({ code: 'STRATA_INSTANCE_CONFIG' });
    expect(await instance.storageLocation()).toMatchObject({ kind: 'sqlite' });
  });
});
