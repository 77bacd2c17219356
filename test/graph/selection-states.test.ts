import { describe, expect, it } from 'vitest';
import { resolveSelection, selectAssetsWithWarnings, selectionWarnings } from '../../src/graph/resolve-selection.js';
import type { SelectionNode } from '../../src/graph/selection-ast.js';
import { EmptySelectionError, SelectionSyntaxError, StateUnavailableError } from '../../src/graph/selection-errors.js';
import { formatSelection } from '../../src/graph/selection-format.js';
import { parseSelection } from '../../src/graph/selection-parser.js';
import { type SelectionStates, stateAtoms } from '../../src/graph/selection-states.js';
import { exampleGraph } from './synthetic-graph.js';

const graph = exampleGraph();

/**
 * The example graph (users, posts -> posts_enriched -> summary -> weekly_digest;
 * users, posts -> user_stats -> top_authors -> weekly_digest; audit_log) with
 * posts stale, user_stats' last attempt failed, audit_log never materialized.
 */
const STATUSES: Readonly<Record<'fresh' | 'stale' | 'missing' | 'failed', readonly string[]>> = {
  fresh: ['users', 'posts_enriched', 'summary', 'top_authors', 'weekly_digest'],
  stale: ['posts', 'user_stats'],
  missing: ['audit_log'],
  failed: ['user_stats', 'an_asset_the_definitions_dropped'],
};
/** users failed a check of severity error; posts warned. */
const CHECKS: Readonly<Record<'failed' | 'warned', readonly string[]>> = { failed: ['users'], warned: ['posts'] };
const asked: string[] = [];
const states: SelectionStates = {
  status(value) {
    asked.push(value);
    return new Set(STATUSES[value]);
  },
  check(value) {
    asked.push(`check:${value}`);
    return new Set(CHECKS[value]);
  },
};

function select(text: string): string[] {
  return [...resolveSelection(graph, parseSelection(text), states)].sort();
}

function syntaxError(text: string): SelectionSyntaxError {
  try {
    parseSelection(text);
  } catch (error) {
    if (error instanceof SelectionSyntaxError) return error;
    throw error;
  }
  throw new Error(`"${text}" parsed without error`);
}

describe('state atoms: parsing', () => {
  it('reads status:<state> as a state atom that prints back the same', () => {
    for (const value of ['fresh', 'stale', 'missing', 'failed'] as const) {
      const tree = parseSelection(`status:${value}`);
      expect(tree).toEqual({ type: 'state', attribute: 'status', value });
      expect(formatSelection(tree)).toBe(`status:${value}`);
    }
  });

  it('combines with the graph operators and the keywords', () => {
    const stale: SelectionNode = { type: 'state', attribute: 'status', value: 'stale' };
    expect(parseSelection('status:stale+')).toEqual({ type: 'graph', operand: stale, upstream: 0, downstream: Infinity });
    expect(formatSelection(parseSelection('+status:failed  and  group:analytics'))).toBe('+status:failed and group:analytics');
    expect(formatSelection(parseSelection('not (status:fresh, status:missing)'))).toBe('not (status:fresh or status:missing)');
  });

  it('rejects an unknown state at the column of its value, with did-you-mean', () => {
    const error = syntaxError('group:analytics and status:stael+');
    expect(error.column).toBe(28);
    expect(error.message).toContain('unknown status "stael"; did you mean "status:stale"?');
    expect(error.message).toContain('\n  group:analytics and status:stael+\n                             ^');
    expect(error.hint).toBe('A status is one of fresh, stale, missing or failed, e.g. "status:stale".');
  });

  it('rejects a state glob: states are a fixed few, not patterns', () => {
    expect(syntaxError('status:st*').message).toContain('unknown status "st*"');
  });

  it('says what a status can be when the value is missing', () => {
    const error = syntaxError('status:');
    expect(error.column).toBe(8);
    expect(error.hint).toContain('fresh, stale, missing or failed');
  });

  it('names status: among the attributes of an unknown one', () => {
    expect(syntaxError('state:stale').message).toContain('use tag:, group:, kind:, key:, status: or check:');
  });

  it('reads check:failed and check:warned, and suggests the value of a misspelt one', () => {
    expect(formatSelection(parseSelection('check:failed+'))).toBe('check:failed+');
    expect(syntaxError('check:fail').message).toContain('unknown check "fail"; did you mean "check:failed"?');
  });
});

describe('state atoms: resolving', () => {
  it('selects the assets in that state', () => {
    expect(select('status:stale')).toEqual(['posts', 'user_stats']);
    expect(select('status:missing')).toEqual(['audit_log']);
  });

  it('selects by the checks\' latest results, combined like any operand', () => {
    expect(select('check:failed+1')).toEqual(['posts_enriched', 'user_stats', 'users']);
    expect(select('check:warned or check:failed')).toEqual(['posts', 'users']);
    expect(select('status:fresh and not check:failed')).toEqual(['posts_enriched', 'summary', 'top_authors', 'weekly_digest']);
  });

  it('leaves out keys the states name that the graph does not have', () => {
    expect(select('status:failed')).toEqual(['user_stats']);
  });

  it('expands a state with + like any operand', () => {
    expect(select('status:stale+')).toEqual(['posts', 'posts_enriched', 'summary', 'top_authors', 'user_stats', 'weekly_digest']);
    expect(select('+status:failed and group:analytics')).toEqual(['user_stats']);
    expect(select('status:stale+1 and not status:stale')).toEqual(['posts_enriched', 'top_authors']);
  });

  it('throws StateUnavailableError when no states are given', () => {
    expect(() => resolveSelection(graph, parseSelection('users or status:stale'))).toThrow(StateUnavailableError);
    expect(() => resolveSelection(graph, parseSelection('users or status:stale'))).toThrow('Selection "status:stale" selects by the instance\'s state');
  });

  it('lets a state selection select nothing, but not a selection without one', () => {
    const none: SelectionStates = { status: () => new Set(), check: () => new Set() };
    expect(selectAssetsWithWarnings(graph, { select: 'status:failed', states: none })).toEqual({ keys: [], warnings: [] });
    expect(selectAssetsWithWarnings(graph, { select: '*', exclude: 'not status:failed', states: none }).keys).toEqual([]);
    expect(() => selectAssetsWithWarnings(graph, { select: 'group:nope', states: none })).toThrow(EmptySelectionError);
  });

  it('does not warn about a union part that selects nothing because of a state', () => {
    const none: SelectionStates = { status: () => new Set(), check: () => new Set() };
    expect(selectAssetsWithWarnings(graph, { select: 'users, status:failed', states: none }).warnings).toEqual([]);
    const typo = selectAssetsWithWarnings(graph, { select: 'status:stale, group:analytcs', states }).warnings;
    expect(typo.map((warning) => warning.part)).toEqual(['group:analytcs']);
  });

  it('finds the union typos of a state selection before its states are read', () => {
    expect(selectionWarnings(graph.definitions, { select: 'status:stale or group:analytcs' }).map((warning) => warning.part)).toEqual(['group:analytcs']);
  });
});

describe('stateAtoms', () => {
  it('lists each state atom of the expressions once, in reading order', () => {
    const atoms = stateAtoms([parseSelection('+status:failed and (status:stale or not status:failed)'), undefined, parseSelection('status:missing')]);
    expect(atoms.map(formatSelection)).toEqual(['status:failed', 'status:stale', 'status:missing']);
    expect(stateAtoms([parseSelection('+top_authors and group:analytics')])).toEqual([]);
  });

  it('asks the states only for the values the expression uses', () => {
    asked.length = 0;
    select('status:stale+ or status:stale');
    expect([...new Set(asked)]).toEqual(['stale']);
  });
});
