import { describe, expect, it } from 'vitest';
import { UnknownAssetError } from '../../src/core/errors.js';
import type { AssetGraph } from '../../src/graph/asset-graph.js';
import { resolveSelection } from '../../src/graph/resolve-selection.js';
import type { SelectionNode } from '../../src/graph/selection-ast.js';
import { LegacySelectionError, SelectionSyntaxError } from '../../src/graph/selection-errors.js';
import { parseSelection } from '../../src/graph/selection-parser.js';
import type { SelectionStates } from '../../src/graph/selection-states.js';
import { randomSelection } from './selection-generators.js';
import { exampleGraph, keywordGraph, seededRandom } from './synthetic-graph.js';

const graph = exampleGraph();
const ALL = graph.keys;

/** The selection's keys, sorted, so expectations read as plain lists. */
function select(text: string, on: AssetGraph = graph): string[] {
  return [...resolveSelection(on, parseSelection(text))].sort();
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('resolveSelection: grammar rows', () => {
  it('selects one asset by key', () => {
    expect(select('top_authors')).toEqual(['top_authors']);
  });

  it('selects every asset with "*" and matching keys with a glob', () => {
    expect(select('*')).toEqual([...ALL].sort());
    expect(select('user_*')).toEqual(['user_stats']);
    expect(select('*_*')).toEqual(['audit_log', 'posts_enriched', 'top_authors', 'user_stats', 'weekly_digest']);
    expect(select('po?ts')).toEqual(['posts']);
  });

  it('selects by tag, group, IO manager kind and key glob', () => {
    expect(select('tag:api')).toEqual(['posts', 'users']);
    expect(select('group:sources')).toEqual(['posts', 'users']);
    expect(select('kind:memory')).toEqual(['audit_log', 'user_stats', 'weekly_digest']);
    expect(select('kind:csv')).toEqual(['posts', 'posts_enriched', 'summary', 'top_authors', 'users']);
    expect(select('key:user_*')).toEqual(['user_stats']);
  });

  it('matches attribute values as globs', () => {
    expect(select('group:analy*')).toEqual(['summary', 'top_authors', 'user_stats']);
    expect(select('tag:?ail?')).toEqual(['summary', 'weekly_digest']);
    expect(select('kind:*')).toEqual([...ALL].sort());
  });

  it('selects x and all its ancestors with +x, all its descendants with x+', () => {
    expect(select('+top_authors')).toEqual(['posts', 'top_authors', 'user_stats', 'users']);
    expect(select('users+')).toEqual(['posts_enriched', 'summary', 'top_authors', 'user_stats', 'users', 'weekly_digest']);
  });

  it('limits the walk to the given depth, counting the shortest path through diamonds', () => {
    expect(select('1+weekly_digest')).toEqual(['summary', 'top_authors', 'weekly_digest']);
    expect(select('2+weekly_digest')).toEqual(['posts_enriched', 'summary', 'top_authors', 'user_stats', 'weekly_digest']);
    expect(select('users+1')).toEqual(['posts_enriched', 'user_stats', 'users']);
    expect(select('users+2')).toEqual(['posts_enriched', 'summary', 'top_authors', 'user_stats', 'users']);
  });

  it('walks both directions with +x+ and 2+x+3, not the descendants of its ancestors', () => {
    expect(select('+user_stats+')).toEqual(['posts', 'top_authors', 'user_stats', 'users', 'weekly_digest']);
    expect(select('1+summary+1')).toEqual(['posts_enriched', 'summary', 'weekly_digest']);
  });

  it('applies graph operators to every asset of a glob, attribute or parenthesised expression', () => {
    expect(select('+(group:analytics)')).toEqual(['posts', 'posts_enriched', 'summary', 'top_authors', 'user_stats', 'users']);
    expect(select('tag:api+1')).toEqual(['posts', 'posts_enriched', 'user_stats', 'users']);
    expect(select('1+(top_authors or summary)')).toEqual(['posts_enriched', 'summary', 'top_authors', 'user_stats']);
    expect(select('+key:weekly_*')).toEqual([...ALL].filter((key) => key !== 'audit_log').sort());
  });

  it('unions with "," and "or", intersects with "and", complements with "not"', () => {
    expect(select('users, summary')).toEqual(['summary', 'users']);
    expect(select('users or summary')).toEqual(['summary', 'users']);
    expect(select('tag:report and kind:csv')).toEqual(['summary', 'top_authors']);
    expect(select('not kind:csv')).toEqual(['audit_log', 'user_stats', 'weekly_digest']);
    expect(select('not (tag:report or group:sources)')).toEqual(['audit_log', 'posts_enriched', 'weekly_digest']);
  });

  it('evaluates "not a and b" as "(not a) and b"', () => {
    expect(select('not tag:api and group:sources')).toEqual([]);
    expect(select('not (tag:api and group:sources)')).toHaveLength(ALL.length - 2);
  });

  it('evaluates "a or b and c" as "a or (b and c)"', () => {
    expect(select('audit_log or tag:report and kind:memory')).toEqual(['audit_log', 'user_stats']);
    expect(select('(audit_log or tag:report) and kind:memory')).toEqual(['audit_log', 'user_stats']);
    expect(select('users or posts and summary')).toEqual(['users']);
  });

  it('evaluates "not +x" as "not (+x)"', () => {
    expect(select('not +top_authors')).toEqual(['audit_log', 'posts_enriched', 'summary', 'weekly_digest']);
  });

  it('returns an empty set for an expression that matches nothing, leaving the error to the caller', () => {
    expect(select('tag:nope')).toEqual([]);
    expect(select('nothing_*')).toEqual([]);
  });

  it('lets a glob or attribute that matches nothing take part in a larger expression', () => {
    expect(select('tag:nope or users')).toEqual(['users']);
    expect(select('+nothing_* or summary')).toEqual(['summary']);
  });

  it('reaches assets named like keywords through key:', () => {
    const keywords = keywordGraph();
    expect(select('key:and', keywords)).toEqual(['and']);
    expect(select('+key:or', keywords)).toEqual(['and', 'or']);
    expect(select('not key:not', keywords)).toEqual(['and', 'or']);
    expect(thrown(() => parseSelection('and'))).toBeInstanceOf(SelectionSyntaxError);
  });
});

describe('resolveSelection: unknown keys', () => {
  it('rejects an unknown key with a did-you-mean', () => {
    const error = thrown(() => select('top_author')) as UnknownAssetError;
    expect(error).toBeInstanceOf(UnknownAssetError);
    expect(error.message).toBe('Unknown asset "top_author".');
    expect(error.hint).toBe('Did you mean "top_authors"?');
  });

  it('rejects an unknown key anywhere in the expression, even where it could not change the result', () => {
    expect(thrown(() => select('tag:nope and +sumary'))).toBeInstanceOf(UnknownAssetError);
    expect(thrown(() => select('users or not Users'))).toMatchObject({ hint: 'Did you mean "users"?' });
  });
});

describe('resolveSelection: legacy * forms', () => {
  it('rejects *x when x is an asset key and names +x instead', () => {
    const error = thrown(() => select('*users')) as LegacySelectionError;
    expect(error).toBeInstanceOf(LegacySelectionError);
    expect(error.code).toBe('STRATA_SELECTION_LEGACY');
    expect(error.message).toBe(
      `Invalid selection: "*users" is Dagster's legacy syntax for users and all its ancestors; Strata reads "*" only as a glob, and will not guess which you meant`,
    );
    expect(error.legacy).toBe('*users');
    expect(error.replacement).toBe('+users');
    expect(error.hint).toBe('Write "+users" for users and all its ancestors, or "key:*users" for the keys matching the glob.');
  });

  it('rejects x* as x+ and *x* as +x+', () => {
    expect(thrown(() => select('summary*'))).toMatchObject({ replacement: 'summary+', legacy: 'summary*' });
    expect(thrown(() => select('*summary*'))).toMatchObject({ replacement: '+summary+' });
    expect(thrown(() => select('**summary'))).toMatchObject({ replacement: '+summary' });
  });

  it('rejects a legacy form inside a larger expression too, never reading it as a glob', () => {
    expect(thrown(() => select('tag:daily or (not *users)'))).toBeInstanceOf(LegacySelectionError);
  });

  it('reads *x and x* as globs when x is not an asset key', () => {
    expect(select('*stats')).toEqual(['user_stats']);
    expect(select('user_*')).toEqual(['user_stats']);
    expect(select('post*')).toEqual(['posts', 'posts_enriched']);
    expect(select('*_*s')).toEqual(['top_authors', 'user_stats']);
  });

  it('always reads key:*x as a glob', () => {
    expect(select('key:*users')).toEqual(['users']);
    expect(select('key:summary*')).toEqual(['summary']);
  });
});

describe('resolveSelection against a brute-force evaluator (seeded)', () => {
  it('agrees on 400 generated expressions', () => {
    const random = seededRandom(99);
    for (let run = 0; run < 400; run++) {
      const tree = randomSelection(random, 4);
      expect([...resolveSelection(graph, tree, GENERATED_STATES)].sort()).toEqual([...bruteForce(graph, tree)].sort());
    }
  });
});

/** States for the generated state atoms; `failed` overlaps the planner's statuses, as it does in an instance. */
const STATUS_OF: Readonly<Record<string, string>> = {
  users: 'fresh',
  posts: 'stale',
  posts_enriched: 'stale',
  user_stats: 'missing',
  top_authors: 'missing',
  summary: 'stale',
  weekly_digest: 'fresh',
  audit_log: 'missing',
};
const FAILED = new Set(['user_stats', 'audit_log']);
const CHECKS_OF: Readonly<Record<'failed' | 'warned', ReadonlySet<string>>> = { failed: new Set(['users', 'summary']), warned: new Set(['posts']) };
const GENERATED_STATES: SelectionStates = {
  status: (value) => (value === 'failed' ? FAILED : new Set(Object.keys(STATUS_OF).filter((key) => STATUS_OF[key] === value))),
  check: (value) => CHECKS_OF[value],
};

/**
 * The obvious and slow evaluation: one graph walk per selected asset, and a
 * character-by-character glob matcher, independent of the resolver's RegExps.
 */
function bruteForce(on: AssetGraph, node: SelectionNode): Set<string> {
  const all = on.keys;
  switch (node.type) {
    case 'key':
      return new Set([node.key]);
    case 'glob':
      return new Set(all.filter((key) => globMatches(node.pattern, key)));
    case 'attribute':
      return new Set(
        all.filter((key) => {
          const asset = on.asset(key);
          if (node.attribute === 'key') return globMatches(node.pattern, key);
          if (node.attribute === 'tag') return asset.tags.some((tag) => globMatches(node.pattern, tag));
          if (node.attribute === 'group') return globMatches(node.pattern, asset.group);
          return globMatches(node.pattern, on.definitions.ioManagers[asset.ioManager]!.kind);
        }),
      );
    case 'state':
      if (node.attribute === 'check') return new Set(all.filter((key) => CHECKS_OF[node.value].has(key)));
      return new Set(all.filter((key) => (node.value === 'failed' ? FAILED.has(key) : STATUS_OF[key] === node.value)));
    case 'graph': {
      const result = new Set<string>();
      for (const key of bruteForce(on, node.operand)) {
        result.add(key);
        if (node.upstream > 0) for (const up of on.ancestors(key, node.upstream)) result.add(up);
        if (node.downstream > 0) for (const down of on.descendants(key, node.downstream)) result.add(down);
      }
      return result;
    }
    case 'not': {
      const inner = bruteForce(on, node.operand);
      return new Set(all.filter((key) => !inner.has(key)));
    }
    case 'and': {
      const right = bruteForce(on, node.right);
      return new Set([...bruteForce(on, node.left)].filter((key) => right.has(key)));
    }
    case 'or':
      return new Set([...bruteForce(on, node.left), ...bruteForce(on, node.right)]);
  }
}

function globMatches(pattern: string, value: string): boolean {
  if (pattern === '') return value === '';
  const [first, rest] = [pattern[0], pattern.slice(1)];
  if (first === '*') return [...Array(value.length + 1).keys()].some((skip) => globMatches(rest, value.slice(skip)));
  if (value === '') return false;
  return (first === '?' || first === value[0]) && globMatches(rest, value.slice(1));
}
