import { describe, expect, it } from 'vitest';
import type { SelectionNode } from '../../src/graph/selection-ast.js';
import { formatSelection } from '../../src/graph/selection-format.js';
import { parseSelection } from '../../src/graph/selection-parser.js';
import { printNoisily, randomSelection } from './selection-generators.js';
import { seededRandom } from './synthetic-graph.js';

const canonical = (text: string) => formatSelection(parseSelection(text));

describe('formatSelection', () => {
  it('prints operands as written', () => {
    expect(canonical('top_authors')).toBe('top_authors');
    expect(canonical('user_*')).toBe('user_*');
    expect(canonical('group:analy*')).toBe('group:analy*');
    expect(canonical('key:and')).toBe('key:and');
  });

  it('prints depths next to their "+" with no spaces', () => {
    expect(canonical(' 2 + users + 3 ')).toBe('2+users+3');
    expect(canonical('+users+')).toBe('+users+');
    expect(canonical('users+1')).toBe('users+1');
    expect(canonical('+(group:analytics)')).toBe('+group:analytics');
  });

  it('writes every union with "or"', () => {
    expect(canonical('users , posts,summary')).toBe('users or posts or summary');
  });

  it('keeps only the parentheses precedence needs', () => {
    expect(canonical('((users or posts)) and summary')).toBe('(users or posts) and summary');
    expect(canonical('users or (posts and summary)')).toBe('users or posts and summary');
    expect(canonical('(not users) and posts')).toBe('not users and posts');
    expect(canonical('not (users and posts)')).toBe('not (users and posts)');
    expect(canonical('not (+users)')).toBe('not +users');
    expect(canonical('(not not users)')).toBe('not not users');
    expect(canonical('+(users or posts)+1')).toBe('+(users or posts)+1');
    expect(canonical('+(not users)')).toBe('+(not users)');
  });

  it('parenthesises a right-nested chain so its shape survives', () => {
    expect(canonical('a or (b or c)')).toBe('a or (b or c)');
    expect(canonical('(a or b) or c')).toBe('a or b or c');
    expect(canonical('a and (b and c)')).toBe('a and (b and c)');
  });

  it('parenthesises a graph operator applied to another graph operator', () => {
    expect(canonical('+(users+)')).toBe('+(users+)');
    expect(parseSelection(canonical('2+(users+1)'))).toEqual(parseSelection('2+(users+1)'));
  });

  it('prints a chain of 20 000 operands and reads it back', () => {
    let node: SelectionNode = { type: 'key', key: 'k0' };
    for (let index = 1; index < 20_000; index++) node = { type: 'or', left: node, right: { type: 'key', key: `k${index}` } };
    const text = formatSelection(node);
    expect(text.startsWith('k0 or k1 or k2 or')).toBe(true);
    // Walked by hand: a deep-equality matcher would itself recurse 20 000 levels.
    const rights: string[] = [];
    let parsed = parseSelection(text);
    while (parsed.type === 'or') {
      rights.push(parsed.right.type === 'key' ? parsed.right.key : '?');
      parsed = parsed.left;
    }
    expect(parsed).toEqual({ type: 'key', key: 'k0' });
    expect(rights.reverse()).toEqual(Array.from({ length: 19_999 }, (_, index) => `k${index + 1}`));
  });
});

describe('formatSelection round trip (seeded property tests)', () => {
  it('prints 500 generated trees so that they parse back to equal trees', () => {
    const random = seededRandom(20240611);
    for (let run = 0; run < 500; run++) {
      const tree = randomSelection(random, 5);
      const text = formatSelection(tree);
      expect(parseSelection(text), text).toEqual(tree);
      expect(formatSelection(parseSelection(text))).toBe(text);
    }
  });

  it('reads 500 noisy spellings (extra parentheses, spaces, ",") as the tree they spell', () => {
    const random = seededRandom(7);
    for (let run = 0; run < 500; run++) {
      const tree = randomSelection(random, 5);
      const noisy = printNoisily(random, tree);
      const parsed = parseSelection(noisy);
      expect(parsed, noisy).toEqual(tree);
      expect(parseSelection(formatSelection(parsed))).toEqual(tree);
    }
  });
});
