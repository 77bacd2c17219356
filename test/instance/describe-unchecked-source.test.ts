import { describe, expect, it } from 'vitest';
import { describeUncheckedSource } from '../../src/instance/describe-reason.js';

describe('describeUncheckedSource', () => {
  it('names where the asset reads from when the source says', () => {
    expect(describeUncheckedSource('rates', 'fx', { location: 'https://fx.example/rates', checked: false, note: 'no ETag' })).toBe(
      'rates reads from https://fx.example/rates, which cannot be checked for changes without fetching it (no ETag): it is assumed unchanged. Fetch it anyway with `assets materialize --refresh rates` (or `--refresh group:fx`).',
    );
  });

  it('reads as a sentence when the source names no location', () => {
    expect(describeUncheckedSource('rates', 'fx', { location: undefined, checked: false, note: undefined })).toBe(
      'rates reads a source, which cannot be checked for changes without fetching it: it is assumed unchanged. Fetch it anyway with `assets materialize --refresh rates` (or `--refresh group:fx`).',
    );
  });
});
