import { describe, expect, it } from 'vitest';
import { UnknownAssetError } from '../../src/core/errors.js';
import { selectAssets } from '../../src/graph/resolve-selection.js';
import { EmptySelectionError, LegacySelectionError, SelectionSyntaxError } from '../../src/graph/selection-errors.js';
import { exampleGraph, graphOf } from './synthetic-graph.js';

const graph = exampleGraph();

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('selectAssets', () => {
  it('selects every asset by default, in topological order with ties by key', () => {
    expect(selectAssets(graph)).toEqual([
      'audit_log',
      'posts',
      'users',
      'posts_enriched',
      'user_stats',
      'summary',
      'top_authors',
      'weekly_digest',
    ]);
  });

  it('returns the selection in topological order, upstream first', () => {
    expect(selectAssets(graph, { select: 'top_authors or +top_authors' })).toEqual(['posts', 'users', 'user_stats', 'top_authors']);
  });

  it('subtracts the exclude expression', () => {
    expect(selectAssets(graph, { select: '+top_authors', exclude: 'group:sources' })).toEqual(['user_stats', 'top_authors']);
    expect(selectAssets(graph, { exclude: 'kind:csv or audit_log' })).toEqual(['user_stats', 'weekly_digest']);
  });

  it('rejects an unknown key in the exclude expression', () => {
    const error = thrown(() => selectAssets(graph, { select: '*', exclude: 'post' }));
    expect(error).toBeInstanceOf(UnknownAssetError);
    expect(error).toMatchObject({ message: 'Unknown asset "post".' });
  });

  it('reports a syntax error in the exclude expression against that expression', () => {
    const error = thrown(() => selectAssets(graph, { select: 'users', exclude: 'posts and' })) as SelectionSyntaxError;
    expect(error).toBeInstanceOf(SelectionSyntaxError);
    expect(error.expression).toBe('posts and');
    expect(error.column).toBe(10);
  });

  it('rejects legacy forms in either expression', () => {
    expect(thrown(() => selectAssets(graph, { select: 'users*' }))).toBeInstanceOf(LegacySelectionError);
    expect(thrown(() => selectAssets(graph, { exclude: '++summary' }))).toBeInstanceOf(LegacySelectionError);
  });

  it('rejects a selection that selects nothing, listing the known tags', () => {
    const error = thrown(() => selectAssets(graph, { select: 'tag:nope' })) as EmptySelectionError;
    expect(error).toBeInstanceOf(EmptySelectionError);
    expect(error.code).toBe('STRATA_SELECTION_EMPTY');
    expect(error.message).toBe('Selection "tag:nope" selects no assets.');
    expect(error.hint).toBe('Known tags: api, daily, pii, report.');
    expect(error.select).toBe('tag:nope');
    expect(error.exclude).toBeUndefined();
  });

  it('lists the known values of every attribute the expressions used', () => {
    const error = thrown(() => selectAssets(graph, { select: 'group:nope and kind:csv' })) as EmptySelectionError;
    expect(error.hint).toBe('Known groups: analytics, ops, reports, sources, transforms. Known kinds: csv, memory.');
  });

  it('points at the asset list when no attribute was used', () => {
    const error = thrown(() => selectAssets(graph, { select: 'users and posts' })) as EmptySelectionError;
    expect(error.message).toBe('Selection "users and posts" selects no assets.');
    expect(error.hint).toBe('Run `assets list` to see every asset key.');
  });

  it('names both expressions when the exclusion removes everything', () => {
    const error = thrown(() => selectAssets(graph, { select: 'group:sources', exclude: 'tag:api' })) as EmptySelectionError;
    expect(error.message).toBe('Selection "group:sources" excluding "tag:api" selects no assets: the exclusion removes all 2 selected.');
    expect(error.hint).toBe('Known tags: api, daily, pii, report. Known groups: analytics, ops, reports, sources, transforms.');
    expect(error).toMatchObject({ select: 'group:sources', exclude: 'tag:api' });
  });

  it('says "the only asset" when the exclusion removes the one asset selected', () => {
    const error = thrown(() => selectAssets(graph, { select: 'users', exclude: 'tag:api' })) as EmptySelectionError;
    expect(error.message).toBe('Selection "users" excluding "tag:api" selects no assets: the exclusion removes the only asset selected.');
  });

  it('names both expressions when the selection was empty before excluding', () => {
    const error = thrown(() => selectAssets(graph, { select: 'nothing_*', exclude: 'users' })) as EmptySelectionError;
    expect(error.message).toBe('Selection "nothing_*" selects no assets (before excluding "users").');
  });

  it('says so when the definitions declare no assets', () => {
    const error = thrown(() => selectAssets(graphOf([]))) as EmptySelectionError;
    expect(error.message).toBe('Selection "*" selects no assets.');
    expect(error.hint).toBe('The definitions declare no assets.');
  });
});
