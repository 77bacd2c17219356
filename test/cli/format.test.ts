import { describe, expect, it } from 'vitest';
import { formatCount, plural, relativeTime } from '../../src/cli/format.js';

describe('formatCount', () => {
  it('groups thousands exactly as the en-US locale does', () => {
    const counts = [0, 7, 42, 999, 1000, 1001, 12_345, 999_999, 1_000_000, 1_234_567, 100_000_000, Number.MAX_SAFE_INTEGER];
    for (const count of counts) expect(formatCount(count)).toBe(count.toLocaleString('en-US'));
  });

  it('keeps the sign of negative counts', () => {
    expect(formatCount(-1)).toBe('-1');
    expect(formatCount(-1_234_567)).toBe('-1,234,567');
  });

  it('formats fractions and huge numbers with the en-US rules', () => {
    expect(formatCount(1234.5678)).toBe('1,234.568');
    expect(formatCount(2 ** 60)).toBe((2 ** 60).toLocaleString('en-US'));
  });
});

describe('plural', () => {
  it('uses the singular noun for exactly one, and the plural for everything else', () => {
    expect(plural(1, 'run')).toBe('1 run');
    expect(plural(0, 'run')).toBe('0 runs');
    expect(plural(2, 'materialization')).toBe('2 materializations');
    expect(plural(1_234, 'row')).toBe('1,234 rows');
    expect(plural(1, 'selected asset')).toBe('1 selected asset');
  });

  it('takes an irregular plural', () => {
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
  });
});

describe('relativeTime', () => {
  it('says "1 day ago", not "1 days ago"', () => {
    const now = new Date('2030-01-02T00:00:00Z');
    expect(relativeTime(new Date('2030-01-01T00:00:00Z'), now)).toBe('1 day ago');
    expect(relativeTime(new Date('2029-12-30T00:00:00Z'), now)).toBe('3 days ago');
  });
});
