import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resourceConfigProblems } from '../../src/core/resource-config.js';
import { asset, configFromEnv, defineConfig, defineDefinitions, DefinitionError, materialize, MemoryIOManager, resource, SqliteInstanceStorage, StrataError } from '../../src/index.js';
import { ResourcePool } from '../../src/execution/resource-pool.js';

const api = resource({
  key: 'api',
  config: z.object({ url: z.url(), timeoutMs: z.coerce.number().int().positive().default(30_000) }),
  env: { url: 'API_URL', timeoutMs: 'API_TIMEOUT_MS' },
  create: ({ config }) => ({ ...config }),
});
const clock = resource({ key: 'clock', create: () => ({ now: () => 0 }) });
const reads = asset({ key: 'reads', resources: { api, clock }, schema: z.object({ url: z.string(), timeout_ms: z.int() }), compute: ({ resources }) => [{ url: resources.api.url, timeout_ms: resources.api.timeoutMs }] });
const definitions = defineDefinitions({ assets: [reads], ioManagers: { default: new MemoryIOManager() } });

describe('configurable resources', () => {
  it('create with the settings of the environment, else of the config file, else the defaults', async () => {
    const configured = defineConfig({ definitions, resources: { api: { url: 'https://file.example', timeoutMs: 10 } } });
    const create = async (env: Record<string, string>) => (await new ResourcePool(configured.resources, env).resolve({ api })).api;
    expect(await create({})).toEqual({ url: 'https://file.example', timeoutMs: 10 });
    expect(await create({ API_URL: 'https://env.example', API_TIMEOUT_MS: '5' })).toEqual({ url: 'https://env.example', timeoutMs: 5 });
    // An empty variable counts as unset, as in a shell's `API_URL= assets materialize`.
    expect(await create({ API_URL: '' })).toEqual({ url: 'https://file.example', timeoutMs: 10 });
    expect(await new ResourcePool(definitions.resources, { API_URL: 'https://env.example' }).resolve({ api })).toEqual({ api: { url: 'https://env.example', timeoutMs: 30_000 } });
  });

  it('hand the config to compute through a run', async () => {
    const storage = await SqliteInstanceStorage.open({ path: ':memory:' });
    try {
      const configured = defineConfig({ definitions, resources: { api: { url: 'https://file.example' } } });
      const result = await materialize(configured, { storage, env: { API_TIMEOUT_MS: '7' } });
      expect(result.status).toBe('success');
      expect((await configured.ioManagers.default!.load(configured.asset('reads')!)).rows()).toEqual([{ url: 'https://file.example', timeout_ms: 7 }]);
    } finally {
      await storage.close();
    }
  });

  it('fail at creation, naming the variable, when a run is started without checking them first', async () => {
    await expect(new ResourcePool(definitions.resources, { API_URL: 'nope' }).resolve({ api })).rejects.toThrow(
      'The configuration has 1 problem:\n  - resource "api": API_URL: Invalid URL',
    );
  });

  it('list every problem of every resource in key order, without echoing values', () => {
    const other = resource({ key: 'aaa', config: z.object({ token: z.string().min(10) }), env: { token: 'AAA_TOKEN' }, create: ({ config }) => config });
    const both = defineDefinitions({
      assets: [reads, asset({ key: 'more', resources: { other }, schema: z.object({ n: z.int() }), compute: () => [] })],
      ioManagers: { default: new MemoryIOManager() },
    });
    const problems = resourceConfigProblems(defineConfig({ definitions: both, resources: { api: { timeoutMs: -1, retries: 3 } } }), { AAA_TOKEN: 's3cr3t' });
    expect(problems).toEqual([
      'resource "aaa": AAA_TOKEN: Too small: expected string to have >=10 characters',
      'resource "api": resources.api.retries in the config file: unknown setting; the settings are url, timeoutMs',
      'resource "api": url is required: set API_URL, or resources.api.url in the config file',
      'resource "api": resources.api.timeoutMs in the config file: Too small: expected number to be >0',
    ]);
    expect(problems.join('\n')).not.toContain('s3cr3t');
  });

  it('suggest the setting meant by a misspelled one', () => {
    expect(resourceConfigProblems(defineConfig({ definitions, resources: { api: { url: 'https://x.example', timeoutMS: 5 } } }), {})).toEqual([
      'resource "api": resources.api.timeoutMS in the config file: unknown setting; did you mean "timeoutMs"?',
    ]);
  });

  it('are not checked when the definitions supply an instance', () => {
    const supplied = defineDefinitions({ assets: [reads], ioManagers: { default: new MemoryIOManager() }, resources: { api: { url: 'fake', timeoutMs: 1 } } });
    expect(resourceConfigProblems(supplied, {})).toEqual([]);
  });
});

describe('defineConfig', () => {
  it('reports every settings key that names no configurable resource, at once', () => {
    const supplied = defineDefinitions({ assets: [reads], ioManagers: { default: new MemoryIOManager() }, resources: { api: {} } });
    const attempt = () => defineConfig({ definitions: supplied, resources: { apj: { url: 'x' }, clock: { tz: 'UTC' }, api: { url: 'https://x.example' } } });
    expect(attempt).toThrow(DefinitionError);
    expect(attempt).toThrow(
      'The definitions have 3 problems:\n' +
        '  - resources.api in the config: the definitions supply a ready-made instance of "api", which would ignore these settings\n' +
        '  - resources.apj in the config: no resource of the definitions has key "apj"; did you mean "api"?\n' +
        '  - resources.clock in the config: resource "clock" declares no config schema, so it takes no settings',
    );
    expect(() => defineConfig({ definitions, resources: { zzz: {} } })).toThrow('no resource of the definitions has key "zzz"; the configurable ones are api');
  });

  it('returns the definitions unchanged but for the settings', () => {
    const configured = defineConfig({ definitions });
    expect(configured.assets).toBe(definitions.assets);
    expect(configured.asset('reads')).toBe(definitions.asset('reads'));
    expect(resourceConfigProblems(configured, {})).toEqual(['resource "api": url is required: set API_URL, or resources.api.url in the config file']);
  });
});

describe('configFromEnv', () => {
  const schema = z.object({ delayMs: z.coerce.number().int().nonnegative().default(5_000), mode: z.enum(['fast', 'safe']).default('safe') });
  const variables = { delayMs: 'RETRY_DELAY_MS', mode: 'RETRY_MODE' };

  it('parses the variables, with the defaults for those unset', () => {
    expect(configFromEnv(schema, variables, {})).toEqual({ delayMs: 5_000, mode: 'safe' });
    expect(configFromEnv(schema, variables, { RETRY_DELAY_MS: '10', RETRY_MODE: 'fast' })).toEqual({ delayMs: 10, mode: 'fast' });
  });

  it('throws one error naming every variable at fault', () => {
    const attempt = () => configFromEnv(schema, variables, { RETRY_DELAY_MS: '-1', RETRY_MODE: 'reckless' });
    expect(attempt).toThrow(StrataError);
    expect(attempt).toThrow(/^The configuration has 2 problems:\n {2}- RETRY_DELAY_MS: Too small: expected number to be >=0\n {2}- RETRY_MODE: Invalid option: expected one of "fast"\|"safe"$/);
  });
});
