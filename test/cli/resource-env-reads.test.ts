import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject } from './project-workspace.js';
import { runCli } from './run-cli.js';

interface StatusJson {
  assets: { key: string; reasons: string[] }[];
}

const reasonsOf = (stdout: string) => Object.fromEntries((JSON.parse(stdout) as StatusJson).assets.map((asset) => [asset.key, asset.reasons]));

/**
 * A resource whose `create` reads variables from `env` itself, beside its
 * declared `rate` setting: a bonus (`env.X`), a rounding switch (`'X' in env`)
 * and a token it never hands on. It names its rate's variable too, which its
 * declared setting covers already.
 */
const DEFINITIONS = `
import { asset, defineDefinitions, resource } from 'strata-assets';
import { z } from 'zod';

const pricing = resource({
  key: 'pricing',
  config: z.object({ rate: z.coerce.number().default(1) }),
  env: { rate: 'RATE' },
  create: ({ env, config }) => ({
    rate: config.rate,
    bonus: Number(env.BONUS_CENTS ?? 0),
    round: 'ROUND_UP' in env ? Math.ceil : Math.round,
    authorized: env.PRICING_TOKEN !== undefined,
    label: \`rate from \${env.RATE === undefined ? 'its default' : 'RATE'}\`,
  }),
});

export const prices = asset({ key: 'prices', schema: z.object({ cents: z.int() }), compute: () => [{ cents: 100 }, { cents: 249 }] });

export const adjusted = asset({
  key: 'adjusted',
  deps: [prices],
  resources: { pricing },
  schema: z.object({ cents: z.int() }),
  compute: ({ inputs, resources: { pricing } }) => inputs.prices.rows().map((row) => ({ cents: pricing.round((row.cents * pricing.rate) / 4) + pricing.bonus })),
});

export const counted = asset({ key: 'counted', deps: [prices], schema: z.object({ rows: z.int() }), compute: ({ inputs }) => [{ rows: inputs.prices.rows().length }] });

export default defineDefinitions({ assets: [prices, adjusted, counted] });
`;

/** Variables a resource reads from its env beyond its settings are settings too: a changed one makes the assets using it `config-changed`. */
describe('environment variables a resource reads itself', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  beforeEach(async () => {
    project = await makeProject('settings-project');
    await writeFile(path.join(project.dir, 'src', 'definitions.mjs'), DEFINITIONS);
  });
  afterEach(() => project.cleanup());

  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: project.dir, env });
  const adjusted = () => readFile(path.join(project.dir, 'output', 'adjusted.csv'), 'utf8');

  it('makes the assets using the resource config-changed when a variable it read changes, appears or goes, and runs only those', async () => {
    expect((await cli(['materialize'], { BONUS_CENTS: '5' })).code).toBe(0);
    expect(await adjusted()).toBe('cents\n30\n67\n');
    expect(reasonsOf((await cli(['status', '--json'], { BONUS_CENTS: '5' })).stdout)).toEqual({ prices: [], adjusted: [], counted: [] });

    expect(reasonsOf((await cli(['status', '--json'], { BONUS_CENTS: '7' })).stdout)).toEqual({ prices: [], adjusted: ['config-changed'], counted: [] });
    const why = await cli(['why', 'adjusted'], { BONUS_CENTS: '7' });
    expect(why.stdout).toBe('adjusted is stale:\n  - The settings adjusted runs with changed since it was last materialized: BONUS_CENTS (read by pricing) changed.\n');
    const json = await cli(['why', 'adjusted', '--json'], {});
    expect(JSON.parse(json.stdout).reasons).toEqual([
      expect.objectContaining({ kind: 'config-changed', settings: [{ resource: 'pricing', setting: null, variable: 'BONUS_CENTS', change: 'modified' }] }),
    ]);

    // A variable looked for with `in` counts as read: setting it later changes what the resource does.
    const run = await cli(['materialize', '--json'], { BONUS_CENTS: '5', ROUND_UP: '1' });
    expect(JSON.parse(run.stdout).assets.map((asset: { key: string; action: string }) => [asset.key, asset.action])).toEqual([['adjusted', 'materialized']]);
    expect(await adjusted()).toBe('cents\n30\n68\n');
    expect(reasonsOf((await cli(['status', '--json'], { BONUS_CENTS: '5', ROUND_UP: '1' })).stdout)).toEqual({ prices: [], adjusted: [], counted: [] });
    expect(reasonsOf((await cli(['status', '--json'], { BONUS_CENTS: '5' })).stdout)).toEqual({ prices: [], adjusted: ['config-changed'], counted: [] });
  });

  it('records the variables read alongside the declared settings, which it does not record twice, with the workers executor too', async () => {
    expect((await cli(['materialize', '--executor', 'workers'], { RATE: '2' })).code).toBe(0);
    expect(await adjusted()).toBe('cents\n50\n125\n');
    expect(reasonsOf((await cli(['status', '--json'], { RATE: '2' })).stdout)).toEqual({ prices: [], adjusted: [], counted: [] });

    const why = await cli(['why', 'adjusted'], { RATE: '3', BONUS_CENTS: '1' });
    expect(why.stdout).toBe('adjusted is stale:\n  - The settings adjusted runs with changed since it was last materialized: BONUS_CENTS (read by pricing) changed; pricing.rate (RATE) changed.\n');
    expect((await cli(['materialize', '--executor', 'workers'], { RATE: '3', BONUS_CENTS: '1' })).code).toBe(0);
    expect(await adjusted()).toBe('cents\n76\n188\n');
    expect(reasonsOf((await cli(['status', '--json'], { RATE: '3', BONUS_CENTS: '1' })).stdout)).toEqual({ prices: [], adjusted: [], counted: [] });
  });

  it('fingerprints a variable the resource read without storing or printing it', async () => {
    const secret = 'sk-live-0123456789abcdef';
    expect((await cli(['materialize'], { PRICING_TOKEN: secret })).code).toBe(0);
    const rotated = await cli(['why', 'adjusted', '--json'], { PRICING_TOKEN: 'sk-live-rotated' });
    expect(JSON.parse(rotated.stdout).reasons[0]).toMatchObject({ kind: 'config-changed', settings: [{ resource: 'pricing', setting: null, variable: 'PRICING_TOKEN', change: 'modified' }] });
    expect(rotated.stdout).not.toContain('sk-live');
    const home = path.join(project.dir, '.strata');
    for (const file of await readdir(home)) {
      expect((await readFile(path.join(home, file))).includes(secret), `${file} holds the secret`).toBe(false);
    }
  });
});
