import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, MemoryIOManager, resource } from '../../src/index.js';
import { configFingerprints } from '../../src/versioning/config-fingerprints.js';

/**
 * Settings that zod transforms into values JSON cannot show: each must
 * fingerprint by what it holds, or changing it would leave the assets that
 * use it fresh.
 */
const filter = resource({
  key: 'filter',
  config: z.object({
    countries: z.string().default('de,fr').transform((text) => new Set(text.split(','))),
    pattern: z.string().default('^a').transform((text) => new RegExp(text)),
    weights: z.string().default('a=1').transform((text) => new Map(text.split(',').map((pair) => pair.split('=') as [string, string]))),
    limit: z.coerce.bigint().default(10n),
    rate: z.coerce.number().default(1),
  }),
  env: { countries: 'COUNTRIES', pattern: 'PATTERN', weights: 'WEIGHTS', limit: 'LIMIT', rate: 'RATE' },
  create: ({ config }) => config,
});
const definitions = defineDefinitions({
  assets: [asset({ key: 'kept', resources: { filter }, schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }] })],
  ioManagers: { default: new MemoryIOManager() },
});
const fingerprints = (env: Record<string, string>) => configFingerprints(definitions, env, 'instance-key').get('kept')!;

describe('resource setting fingerprints', () => {
  it('tells apart settings a zod transform makes a Set, RegExp, Map or BigInt, and only the setting that changed', () => {
    const before = fingerprints({});
    for (const [variable, value, setting] of [
      ['COUNTRIES', 'de,fr,it', 'countries'],
      ['PATTERN', '^b', 'pattern'],
      ['WEIGHTS', 'a=2', 'weights'],
      ['LIMIT', '11', 'limit'],
      ['RATE', '2', 'rate'],
    ] as const) {
      const after = fingerprints({ [variable]: value });
      const changed = Object.keys(before).filter((name) => before[name] !== after[name]);
      expect(changed, variable).toEqual([`filter.${setting}`]);
    }
  });

  it('gives a Set or a Map the same fingerprint in any order', () => {
    expect(fingerprints({ COUNTRIES: 'fr,de' })['filter.countries']).toBe(fingerprints({ COUNTRIES: 'de,fr' })['filter.countries']);
    expect(fingerprints({ WEIGHTS: 'b=2,a=1' })['filter.weights']).toBe(fingerprints({ WEIGHTS: 'a=1,b=2' })['filter.weights']);
  });
});
