import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/ui/client/format.js';

describe("the page's formatDuration", () => {
  it('spells each size out in its own units, and a missing duration as a dash', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4_200)).toBe('4.2 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(7_500_000)).toBe('2 h 5 min');
    expect(formatDuration(100_800_000)).toBe('1 d 4 h');
    expect(formatDuration(null)).toBe('—');
  });

  it('rounds before it chooses the unit, so no unit shows its own limit', () => {
    expect(formatDuration(999.6)).toBe('1.0 s');
    expect(formatDuration(59_960)).toBe('1 min 0 s');
    expect(formatDuration(119_600)).toBe('2 min 0 s');
    expect(formatDuration(3_599_700)).toBe('1 h 0 min');
  });
});
