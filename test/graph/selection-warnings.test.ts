import { describe, expect, it } from 'vitest';
import { defineDefinitions } from '../../src/core/definitions.js';
import { EmptySelectionError } from '../../src/graph/selection-errors.js';
import { selectAssetsWithWarnings, selectionWarnings } from '../../src/graph/resolve-selection.js';
import { exampleGraph } from './synthetic-graph.js';

const graph = exampleGraph();
const parts = (select: string, exclude?: string) =>
  selectAssetsWithWarnings(graph, { select, ...(exclude === undefined ? {} : { exclude }) }).warnings.map((warning) => `${warning.option}: ${warning.part}`);

describe('selectAssetsWithWarnings', () => {
  it('warns about a union part that selects nothing, naming it in the selection syntax, with the known values', () => {
    const { keys, warnings } = selectAssetsWithWarnings(graph, { select: 'users, tag:dialy' });
    expect(keys).toEqual(['users']);
    expect(warnings).toEqual([
      {
        code: 'STRATA_SELECTION_PART_EMPTY',
        option: 'select',
        expression: 'users, tag:dialy',
        part: 'tag:dialy',
        message: '"tag:dialy" in "users, tag:dialy" selects no assets; the rest of the selection does.',
        hint: 'Known tags: api, daily, pii, report.',
      },
    ]);
  });

  it('gives no warning when every part of a union selects something', () => {
    expect(parts('users or tag:daily')).toEqual([]);
    expect(parts('*')).toEqual([]);
    expect(parts('users and tag:api')).toEqual([]);
  });

  it('names each empty part once, in reading order, as printed back by the formatter', () => {
    expect(parts('nothing_* or users or +group:nope or (key:x_* and users)')).toEqual(['select: nothing_*', 'select: +group:nope', 'select: key:x_* and users']);
    expect(parts('(tag:nope or users) and (tag:nope or users+)')).toEqual(['select: tag:nope']);
  });

  it('names the members of a parenthesized union, not the union', () => {
    expect(parts('users or (tag:nope or group:nope)')).toEqual(['select: tag:nope', 'select: group:nope']);
  });

  it('warns about an empty union part of the exclusion when the exclusion removes something', () => {
    const { keys, warnings } = selectAssetsWithWarnings(graph, { select: 'group:sources', exclude: 'users, tag:nope' });
    expect(keys).toEqual(['posts']);
    expect(warnings.map((warning) => warning.message)).toEqual(['"tag:nope" in the exclusion "users, tag:nope" selects no assets; the rest of the exclusion does.']);
  });

  it('keeps a selection that selects nothing as a whole an error, not a warning', () => {
    expect(() => selectAssetsWithWarnings(graph, { select: 'tag:nope, nothing_*' })).toThrow(EmptySelectionError);
  });
});

describe('selectionWarnings', () => {
  const definitions = graph.definitions;

  it('returns the same warnings, without keys', () => {
    expect(selectionWarnings(definitions, { select: 'users, tag:dialy' }).map((warning) => warning.part)).toEqual(['tag:dialy']);
  });

  it('returns none for an expression without a union, or one that selects nothing as a whole (the planner reports that)', () => {
    expect(selectionWarnings(definitions, { select: 'tag:nope' })).toEqual([]);
    expect(selectionWarnings(definitions, { select: 'tag:nope or group:nope' })).toEqual([]);
    expect(selectionWarnings(defineDefinitions({ assets: [] }), { select: 'a_* or b_*' })).toEqual([]);
  });
});
