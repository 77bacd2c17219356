import { describe, expect, it } from 'vitest';
import { StrataError } from '../../src/core/errors.js';
import { compileGlob } from '../../src/sensors/glob.js';

describe('compileGlob', () => {
  it('matches * within one path segment only', () => {
    const glob = compileGlob('*.json');
    expect(glob.matches('users.json')).toBe(true);
    expect(glob.matches('snapshots/users.json')).toBe(false);
    expect(glob.matches('users.json.tmp')).toBe(false);
    expect(glob.maxDepth).toBe(1);
  });

  it('matches a new snapshot folder with a wildcard segment', () => {
    const glob = compileGlob('snapshots/*/users.json');
    expect(glob.matches('snapshots/2026-01-05/users.json')).toBe(true);
    expect(glob.matches('snapshots/users.json')).toBe(false);
    expect(glob.matches('snapshots/a/b/users.json')).toBe(false);
    expect(glob.maxDepth).toBe(3);
  });

  it('matches ** as any number of segments, none included', () => {
    const glob = compileGlob('**/*.csv');
    expect(glob.matches('a.csv')).toBe(true);
    expect(glob.matches('x/y/z/a.csv')).toBe(true);
    expect(glob.matches('x/a.json')).toBe(false);
    expect(glob.maxDepth).toBe(Infinity);
    expect(compileGlob('data/**').matches('data/a/b.txt')).toBe(true);
    expect(compileGlob('data/**').matches('data')).toBe(false);
  });

  it('supports ?, character classes, negated classes and alternatives', () => {
    expect(compileGlob('day-?.json').matches('day-7.json')).toBe(true);
    expect(compileGlob('day-?.json').matches('day-17.json')).toBe(false);
    expect(compileGlob('[a-c]*.json').matches('b.json')).toBe(true);
    expect(compileGlob('[a-c]*.json').matches('d.json')).toBe(false);
    expect(compileGlob('[!a]*.json').matches('a.json')).toBe(false);
    expect(compileGlob('[!a]*.json').matches('b.json')).toBe(true);
    expect(compileGlob('*.{json,csv}').matches('x.csv')).toBe(true);
    expect(compileGlob('*.{json,csv}').matches('x.txt')).toBe(false);
  });

  it('treats regex characters in names literally', () => {
    expect(compileGlob('a+b (1).json').matches('a+b (1).json')).toBe(true);
    expect(compileGlob('a.json').matches('abjson')).toBe(false);
  });

  it('leaves out dot files unless the pattern names the dot', () => {
    expect(compileGlob('*.json').matches('.users.json')).toBe(false);
    expect(compileGlob('**/*.json').matches('.cache/users.json')).toBe(false);
    expect(compileGlob('.*.json').matches('.users.json')).toBe(true);
  });

  it.each(['', '/etc/*.json', '../*.json', 'a/[bc.json', 'a/{b,c.json'])('rejects %j with STRATA_INVALID_GLOB', (pattern) => {
    let caught: unknown;
    try {
      compileGlob(pattern);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StrataError);
    expect((caught as StrataError).code).toBe('STRATA_INVALID_GLOB');
    expect((caught as StrataError).hint).toBeTruthy();
  });
});
