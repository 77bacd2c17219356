import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, DefinitionError, MemoryIOManager, type AnyAsset } from '../../src/index.js';

const schema = z.object({ id: z.int() });
const io = { default: new MemoryIOManager() };
const leaf = (key: string, deps: AnyAsset[] = [], extra: Partial<Parameters<typeof asset>[0]> = {}) =>
  asset({ key, schema, deps, compute: () => [], ...extra } as Parameters<typeof asset>[0]);

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return [...(error as DefinitionError).problems];
  }
  throw new Error('expected a DefinitionError');
}

describe('defineDefinitions', () => {
  it('accepts a valid set and lists assets sorted by key', () => {
    const a = leaf('a');
    const definitions = defineDefinitions({ assets: [leaf('c', [a]), a], ioManagers: io });
    expect(definitions.assets.map((x) => x.key)).toEqual(['a', 'c']);
    expect(definitions.asset('c')?.deps).toEqual(['a']);
    expect(definitions.asset('c')?.columns).toEqual([{ name: 'id', kind: 'integer', nullable: false }]);
  });

  it('describes columns when first read, in declaration order, and a copy of the asset carries them', () => {
    const schema = z.object({ id: z.int(), score: z.number().nullable(), name: z.enum(['a', 'b']), ok: z.boolean() });
    const definitions = defineDefinitions({ assets: [asset({ key: 'scores', schema, compute: () => [] })], ioManagers: io });
    const expected = [
      { name: 'id', kind: 'integer', nullable: false },
      { name: 'score', kind: 'number', nullable: true },
      { name: 'name', kind: 'string', nullable: false },
      { name: 'ok', kind: 'boolean', nullable: false },
    ];
    const scores = definitions.asset('scores')!;
    expect(Object.isFrozen(scores)).toBe(true);
    expect(scores.columns).toEqual(expected);
    expect(scores.columns).toBe(scores.columns);
    // IO managers load a partition of an asset as `{ ...asset, partition }`.
    expect({ ...scores, partition: 'p' }.columns).toEqual(expected);
  });

  it('rejects keys that do not match the key pattern', () => {
    expect(problemsOf(() => defineDefinitions({ assets: [leaf('Bad-Key')], ioManagers: io }))).toEqual([
      'asset "Bad-Key": invalid key; keys match ^[a-z][a-z0-9_]*$ (lowercase letters, digits, _)',
    ]);
  });

  it('rejects an asset declared twice', () => {
    expect(problemsOf(() => defineDefinitions({ assets: [leaf('a'), leaf('a')], ioManagers: io }))).toEqual(['asset "a": declared more than once']);
  });

  it('rejects a dependency on an asset that is not in the set', () => {
    const outside = leaf('outside');
    expect(problemsOf(() => defineDefinitions({ assets: [leaf('a', [outside])], ioManagers: io }))).toEqual([
      'asset "a": depends on "outside", which is not among the definitions\' assets',
    ]);
  });

  it('reports a cycle with its full path', () => {
    // Cycles cannot be built from asset objects directly (deps must exist first), so forge the deps.
    const a = { ...leaf('a'), deps: ['c'] } as AnyAsset;
    const b = { ...leaf('b'), deps: ['a'] } as AnyAsset;
    const c = { ...leaf('c'), deps: ['b'] } as AnyAsset;
    expect(problemsOf(() => defineDefinitions({ assets: [a, b, c], ioManagers: io }))).toEqual(['dependency cycle: a -> b -> c -> a']);
  });

  it('reports every cycle and a self-dependency, in key order, past deps on unknown assets', () => {
    const forged = (key: string, deps: string[]) => ({ ...leaf(key), deps }) as AnyAsset;
    const assets = [forged('z', ['z']), forged('y', ['x', 'ghost']), forged('x', ['y']), forged('b', ['ghost', 'a']), forged('a', ['b'])];
    expect(problemsOf(() => defineDefinitions({ assets, ioManagers: io }))).toEqual([
      'asset "b": depends on "ghost", which is not among the definitions\' assets',
      'asset "y": depends on "ghost", which is not among the definitions\' assets',
      'dependency cycle: a -> b -> a',
      'dependency cycle: x -> y -> x',
      'dependency cycle: z -> z',
    ]);
  });

  it('finds each asset by key whatever the declaration order', () => {
    const a = leaf('a');
    const m = leaf('m', [a]);
    const definitions = defineDefinitions({ assets: [leaf('z', [m]), m, a, leaf('b', [a])], ioManagers: io });
    expect(definitions.assets.map((x) => x.key)).toEqual(['a', 'b', 'm', 'z']);
    for (const key of ['a', 'b', 'm', 'z']) expect(definitions.asset(key)?.key).toBe(key);
    expect(definitions.asset('missing')).toBeUndefined();
  });

  it('rejects an unknown IO manager key and names the ones provided', () => {
    expect(problemsOf(() => defineDefinitions({ assets: [leaf('a', [], { ioManager: 'parquet' })], ioManagers: io }))).toEqual([
      'asset "a": unknown IO manager "parquet"; the definitions provide "default"',
    ]);
  });

  it('rejects a schema column that is not flat', () => {
    const nested = asset({ key: 'n', schema: z.object({ id: z.int(), tags: z.array(z.string()) }), compute: () => [] });
    expect(problemsOf(() => defineDefinitions({ assets: [nested], ioManagers: io }))).toEqual([
      'asset "n": schema column "tags" has type "array"; a column must be a string, number, integer, boolean or enum (optionally .nullable())',
    ]);
  });

  it('reports every problem at once', () => {
    const outside = leaf('outside');
    const problems = problemsOf(() =>
      defineDefinitions({
        assets: [leaf('Upper'), leaf('dup'), leaf('dup'), leaf('orphan', [outside]), leaf('io', [], { ioManager: 'nope' }), leaf('old', [], { freshness: { maxAge: 'soon' } })],
        ioManagers: io,
      }),
    );
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/"Upper": invalid key/);
    expect(problems.join('\n')).toMatch(/"dup": declared more than once/);
    expect(problems.join('\n')).toMatch(/"orphan": depends on "outside"/);
    expect(problems.join('\n')).toMatch(/"io": unknown IO manager "nope"/);
    expect(problems.join('\n')).toMatch(/"old": freshness.maxAge: "soon" is not a duration/);
  });
});
