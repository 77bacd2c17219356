import { describe, expect, it } from 'vitest';
import { StrataError } from '../../src/core/errors.js';
import type { SelectionNode } from '../../src/graph/selection-ast.js';
import { LegacySelectionError, SelectionSyntaxError } from '../../src/graph/selection-errors.js';
import { parseSelection } from '../../src/graph/selection-parser.js';

const key = (name: string): SelectionNode => ({ type: 'key', key: name });
const or = (left: SelectionNode, right: SelectionNode): SelectionNode => ({ type: 'or', left, right });
const and = (left: SelectionNode, right: SelectionNode): SelectionNode => ({ type: 'and', left, right });
const not = (operand: SelectionNode): SelectionNode => ({ type: 'not', operand });
const graph = (operand: SelectionNode, upstream: number, downstream: number): SelectionNode => ({
  type: 'graph',
  operand,
  upstream,
  downstream,
});

function syntaxError(text: string): SelectionSyntaxError {
  try {
    parseSelection(text);
  } catch (error) {
    if (error instanceof SelectionSyntaxError) return error;
    throw error;
  }
  throw new Error(`"${text}" parsed without error`);
}

function legacyError(text: string): LegacySelectionError {
  try {
    parseSelection(text);
  } catch (error) {
    if (error instanceof LegacySelectionError) return error;
    throw error;
  }
  throw new Error(`"${text}" parsed without error`);
}

describe('parseSelection: operands', () => {
  it('reads a plain word as an asset key', () => {
    expect(parseSelection('top_authors')).toEqual(key('top_authors'));
  });

  it('reads words with * or ? as key globs', () => {
    expect(parseSelection('*')).toEqual({ type: 'glob', pattern: '*' });
    expect(parseSelection('user_*')).toEqual({ type: 'glob', pattern: 'user_*' });
    expect(parseSelection('po?ts')).toEqual({ type: 'glob', pattern: 'po?ts' });
  });

  it('reads tag:, group:, kind: and key: attributes, whose values may be globs', () => {
    expect(parseSelection('tag:api')).toEqual({ type: 'attribute', attribute: 'tag', pattern: 'api' });
    expect(parseSelection('group:sources')).toEqual({ type: 'attribute', attribute: 'group', pattern: 'sources' });
    expect(parseSelection('kind:csv')).toEqual({ type: 'attribute', attribute: 'kind', pattern: 'csv' });
    expect(parseSelection('key:user_*')).toEqual({ type: 'attribute', attribute: 'key', pattern: 'user_*' });
    expect(parseSelection('group:analy*')).toEqual({ type: 'attribute', attribute: 'group', pattern: 'analy*' });
  });

  it('accepts free-form tag characters such as "-", "." and "/" in attribute values', () => {
    expect(parseSelection('tag:needs-review/v1.2')).toEqual({ type: 'attribute', attribute: 'tag', pattern: 'needs-review/v1.2' });
  });

  it('reads "and", "or" and "not" inside longer words as keys or globs', () => {
    expect(parseSelection('android')).toEqual(key('android'));
    expect(parseSelection('not_*')).toEqual({ type: 'glob', pattern: 'not_*' });
    expect(parseSelection('key:and')).toEqual({ type: 'attribute', attribute: 'key', pattern: 'and' });
  });
});

describe('parseSelection: graph operators', () => {
  it('reads +x as all ancestors and x+ as all descendants', () => {
    expect(parseSelection('+users')).toEqual(graph(key('users'), Infinity, 0));
    expect(parseSelection('users+')).toEqual(graph(key('users'), 0, Infinity));
  });

  it('reads 2+x and x+1 as depth-limited walks', () => {
    expect(parseSelection('2+users')).toEqual(graph(key('users'), 2, 0));
    expect(parseSelection('users+1')).toEqual(graph(key('users'), 0, 1));
  });

  it('reads +x+ and 2+x+3 as both directions at once', () => {
    expect(parseSelection('+users+')).toEqual(graph(key('users'), Infinity, Infinity));
    expect(parseSelection('2+users+3')).toEqual(graph(key('users'), 2, 3));
    expect(parseSelection('+users+3')).toEqual(graph(key('users'), Infinity, 3));
  });

  it('applies graph operators to globs, attributes and parenthesised expressions', () => {
    expect(parseSelection('+user_*')).toEqual(graph({ type: 'glob', pattern: 'user_*' }, Infinity, 0));
    expect(parseSelection('2+tag:api')).toEqual(graph({ type: 'attribute', attribute: 'tag', pattern: 'api' }, 2, 0));
    expect(parseSelection('+(group:analytics)')).toEqual(graph({ type: 'attribute', attribute: 'group', pattern: 'analytics' }, Infinity, 0));
    expect(parseSelection('(users or posts)+1')).toEqual(graph(or(key('users'), key('posts')), 0, 1));
  });

  it('ignores whitespace between a depth, its "+" and the operand', () => {
    expect(parseSelection(' 2 + users + 1 ')).toEqual(graph(key('users'), 2, 1));
  });
});

describe('parseSelection: boolean operators and precedence', () => {
  it('reads "a, b" and "a or b" as the same union', () => {
    expect(parseSelection('users, posts')).toEqual(or(key('users'), key('posts')));
    expect(parseSelection('users or posts')).toEqual(parseSelection('users, posts'));
  });

  it('reads and, not and parentheses', () => {
    expect(parseSelection('users and posts')).toEqual(and(key('users'), key('posts')));
    expect(parseSelection('not users')).toEqual(not(key('users')));
    expect(parseSelection('(users)')).toEqual(key('users'));
  });

  it('binds not tighter than and: "not a and b" is "(not a) and b"', () => {
    expect(parseSelection('not a and b')).toEqual(and(not(key('a')), key('b')));
  });

  it('binds and tighter than or and ",": "a or b and c" is "a or (b and c)"', () => {
    expect(parseSelection('a or b and c')).toEqual(or(key('a'), and(key('b'), key('c'))));
    expect(parseSelection('a and b or c')).toEqual(or(and(key('a'), key('b')), key('c')));
    expect(parseSelection('a, b and c')).toEqual(or(key('a'), and(key('b'), key('c'))));
  });

  it('binds graph operators tighter than not: "not +x" is "not (+x)"', () => {
    expect(parseSelection('not +x')).toEqual(not(graph(key('x'), Infinity, 0)));
    expect(parseSelection('not x+1')).toEqual(not(graph(key('x'), 0, 1)));
  });

  it('treats "or" and "," as one left-associative level', () => {
    expect(parseSelection('a or b, c')).toEqual(or(or(key('a'), key('b')), key('c')));
    expect(parseSelection('a and b and c')).toEqual(and(and(key('a'), key('b')), key('c')));
  });

  it('lets parentheses override precedence', () => {
    expect(parseSelection('(a or b) and c')).toEqual(and(or(key('a'), key('b')), key('c')));
    expect(parseSelection('not (a and b)')).toEqual(not(and(key('a'), key('b'))));
    expect(parseSelection('a or (b or c)')).toEqual(or(key('a'), or(key('b'), key('c'))));
  });

  it('stacks not', () => {
    expect(parseSelection('not not a')).toEqual(not(not(key('a'))));
  });
});

describe('parseSelection: syntax errors', () => {
  it('points a caret after a dangling "and"', () => {
    const error = syntaxError('+users and');
    expect(error.message).toBe(
      'Invalid selection: expected an asset key, tag:, group:, kind:, key:, status:, check: or "(" after "and"\n' +
        '  +users and\n' +
        '            ^',
    );
    expect(error.column).toBe(11);
    expect(error.code).toBe('STRATA_SELECTION_SYNTAX');
    expect(error).toBeInstanceOf(StrataError);
    expect(error.hint).toContain('"+orders and group:analytics"');
  });

  it('reports an empty expression at column 1', () => {
    for (const text of ['', '   ']) {
      const error = syntaxError(text);
      expect(error.message).toContain('Invalid selection: the expression is empty');
      expect(error.column).toBe(1);
      expect(error.hint).toContain('"orders"');
    }
  });

  it('reports each dangling operator after the operator, naming what came instead', () => {
    expect(syntaxError('users or').message).toContain('after "or"');
    expect(syntaxError('users,').message).toContain('after ","');
    expect(syntaxError('not').message).toContain('after "not"');
    expect(syntaxError('users or +').message).toContain('after "+"');
    expect(syntaxError('2+').message).toContain('after "2+"');
    const leading = syntaxError('and users');
    expect(leading.message).toContain('expected an asset key, tag:, group:, kind:, key:, status:, check: or "(" at the start, found "and"');
    expect(leading.column).toBe(1);
    const empty = syntaxError('users and ()');
    expect(empty.message).toContain('after "(", found ")"');
    expect(empty.column).toBe(12);
  });

  it('puts the caret right after the last token when the text ends with spaces', () => {
    expect(syntaxError('users and   ').column).toBe(10);
  });

  it('points at the "(" that is never closed', () => {
    const error = syntaxError('tag:api and (users or posts');
    expect(error.message).toBe(
      'Invalid selection: "(" at column 13 is never closed\n' + '  tag:api and (users or posts\n' + '              ^',
    );
    expect(error.hint).toContain('")"');
  });

  it('points at a ")" that closes nothing', () => {
    const error = syntaxError('users or posts)');
    expect(error.message).toContain('unexpected ")" with no "(" to close');
    expect(error.column).toBe(15);
  });

  it('points at the second of two operands without an operator', () => {
    const error = syntaxError('users posts');
    expect(error.message).toBe('Invalid selection: expected "and", "or" or "," before "posts"\n  users posts\n        ^');
    expect(error.hint).toContain('"orders or customers"');
  });

  it('also offers ")" as the missing operator inside parentheses', () => {
    const error = syntaxError('(users posts)');
    expect(error.message).toContain('expected "and", "or", "," or ")" before "posts"');
    expect(error.column).toBe(8);
  });

  it('says keywords are lowercase when an operator is written in capitals', () => {
    const error = syntaxError('users AND posts');
    expect(error.column).toBe(7);
    expect(error.hint).toBe('Keywords are lowercase: write "and".');
  });

  it('explains that not needs and between two operands', () => {
    expect(syntaxError('users not posts').hint).toContain('"a and not b"');
  });

  it('rejects an unknown attribute prefix', () => {
    const error = syntaxError('users or color:red');
    expect(error.message).toBe(
      'Invalid selection: unknown attribute "color:"; use tag:, group:, kind:, key:, status: or check:\n  users or color:red\n           ^',
    );
    expect(error.hint).toContain('tag:api');
  });

  it('rejects an attribute without a value, pointing after the colon', () => {
    const error = syntaxError('group: sources');
    expect(error.message).toContain('expected a value after "group:"');
    expect(error.column).toBe(7);
    expect(error.hint).toContain('"group:sources"');
  });

  it('rejects a depth of 0', () => {
    const before = syntaxError('0+users');
    expect(before.message).toContain('a depth must be 1 or more, got 0');
    expect(before.column).toBe(1);
    const after = syntaxError('users+0');
    expect(after.message).toContain('a depth must be 1 or more, got 0');
    expect(after.column).toBe(7);
  });

  it('rejects a depth that is not a whole number', () => {
    const fraction = syntaxError('1.5+users');
    expect(fraction.message).toContain('invalid depth "1.5": a depth is a whole number of 1 or more');
    expect(fraction.column).toBe(1);
    const word = syntaxError('users+two');
    expect(word.message).toContain('expected a depth (a whole number) after "+", found "two"');
    expect(word.column).toBe(7);
    expect(word.hint).toContain('"x+ or y"');
  });

  it('rejects a depth that is not followed by "+"', () => {
    const error = syntaxError('2 users');
    expect(error.message).toContain('expected "+" after the depth "2"');
    expect(error.column).toBe(3);
  });

  it('rejects stray characters with a hint for the operator they resemble', () => {
    const ampersand = syntaxError('users & posts');
    expect(ampersand.message).toBe('Invalid selection: unexpected character "&"\n  users & posts\n        ^');
    expect(ampersand.hint).toContain('"and"');
    expect(syntaxError('users | posts').hint).toContain('"or"');
    expect(syntaxError('!users').hint).toContain('"not"');
    expect(syntaxError('user-stats').hint).toContain('"_"');
    expect(syntaxError('"users"').hint).toContain('without quotes');
  });

  it('names a stray non-ASCII character whole', () => {
    expect(syntaxError('users or 🙂').message).toContain('unexpected character "🙂"');
  });

  it('reports the leftmost of several mistakes', () => {
    expect(syntaxError('users posts &').column).toBe(7);
  });

  it('shows a multi-line expression on one line, caret aligned', () => {
    const error = syntaxError('users\nand\t');
    expect(error.message.split('\n').slice(1)).toEqual(['  users and ', '           ^']);
  });
});

describe('parseSelection: legacy ++ forms', () => {
  it('rejects ++x and names 2+x instead', () => {
    const error = legacyError('++users');
    expect(error).toBeInstanceOf(StrataError);
    expect(error.code).toBe('STRATA_SELECTION_LEGACY');
    expect(error.message).toBe(
      `Invalid selection: "++" is Dagster's legacy one-level-per-plus syntax, which Strata does not read\n  ++users\n  ^`,
    );
    expect(error.legacy).toBe('++');
    expect(error.replacement).toBe('2+');
    expect(error.column).toBe(1);
    expect(error.hint).toContain('Write "2+users"');
  });

  it('rejects x++ and names x+2 instead', () => {
    const error = legacyError('tag:api and users++');
    expect(error.replacement).toBe('+2');
    expect(error.column).toBe(18);
    expect(error.hint).toContain('Write "tag:api and users+2"');
  });

  it('counts every plus of a longer run', () => {
    expect(legacyError('+++users').replacement).toBe('3+');
    expect(legacyError('(users or posts)+++').hint).toContain('"(users or posts)+3"');
  });

  it('rejects ++ whatever follows, even a key that may not exist', () => {
    expect(legacyError('++no_such_asset').hint).toContain('"2+no_such_asset"');
  });

  it('reads separated pluses as ordinary syntax, not as the legacy form', () => {
    expect(syntaxError('+ +users').message).toContain('after "+", found "+"');
    expect(syntaxError('users+ +posts').message).toContain('before "+"');
  });
});
