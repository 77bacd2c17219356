import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/cli/format.js';

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
