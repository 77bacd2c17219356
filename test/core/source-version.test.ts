import { describe, expect, it } from 'vitest';
import { sourceVersionOf } from '../../src/core/source-version.js';

describe('sourceVersionOf', () => {
  const factory = (factor: number) => (value: number) => value * factor;

  it('gives closures with the same source the same version, whichever was seen first', () => {
    const doubled = factory(2);
    const tripled = factory(3);
    expect(doubled).not.toBe(tripled);
    expect(sourceVersionOf(tripled)).toBe(sourceVersionOf(doubled));
    expect(sourceVersionOf(doubled)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives a function whose source differs by one character another version', () => {
    const added = (value: number) => value + 1;
    const subtracted = (value: number) => value - 1;
    expect(sourceVersionOf(added)).not.toBe(sourceVersionOf(subtracted));
    expect(sourceVersionOf(added)).not.toBe(sourceVersionOf(factory(2)));
  });
});
