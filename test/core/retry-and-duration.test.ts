import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { retryDelayMs } from '../../src/core/retry-policy.js';

describe('retryDelayMs', () => {
  it('waits the same delay each time with fixed backoff', () => {
    expect([1, 2, 3].map((retry) => retryDelayMs({ maxRetries: 3, delayMs: 500 }, retry))).toEqual([500, 500, 500]);
  });

  it('grows the delay with linear and exponential backoff', () => {
    expect([1, 2, 3].map((retry) => retryDelayMs({ maxRetries: 3, delayMs: 100, backoff: 'linear' }, retry))).toEqual([100, 200, 300]);
    expect([1, 2, 3, 4].map((retry) => retryDelayMs({ maxRetries: 4, delayMs: 100, backoff: 'exponential' }, retry))).toEqual([100, 200, 400, 800]);
  });

  it('adds up to the jitter fraction at random', () => {
    const policy = { maxRetries: 1, delayMs: 1000, jitter: 0.5 };
    expect(retryDelayMs(policy, 1, () => 0)).toBe(1000);
    expect(retryDelayMs(policy, 1, () => 0.999)).toBe(1500);
  });
});

describe('parseDuration', () => {
  it('reads milliseconds and unit strings', () => {
    expect(parseDuration(250, 'x')).toBe(250);
    expect(parseDuration('90s', 'x')).toBe(90_000);
    expect(parseDuration('1h30m', 'x')).toBe(5_400_000);
    expect(parseDuration('1d', 'x')).toBe(86_400_000);
  });

  it('rejects anything else, naming where it was found', () => {
    expect(() => parseDuration('6 hours', 'asset "a": freshness.maxAge')).toThrow('asset "a": freshness.maxAge: "6 hours" is not a duration.');
    expect(() => parseDuration(-1, 'x')).toThrow(/is not a duration/);
    expect(() => parseDuration('', 'x')).toThrow(/is not a duration/);
  });
});

describe('formatDuration', () => {
  it('shows each size in its own units', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(4_200)).toBe('4.2s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(7_500_000)).toBe('2h 05m');
    expect(formatDuration(100_800_000)).toBe('1d 04h');
  });

  it('rounds before it chooses the unit, so no unit shows its own limit', () => {
    expect(formatDuration(999.6)).toBe('1.0s');
    expect(formatDuration(59_960)).toBe('1m 00s');
    expect(formatDuration(119_600)).toBe('2m 00s');
    expect(formatDuration(3_599_700)).toBe('1h 00m');
    expect(formatDuration(86_399_000)).toBe('1d 00h');
  });

  it('reads a maxAge of a day as a day', () => {
    expect(formatDuration(parseDuration('1d', 'x'))).toBe('1d 00h');
    expect(formatDuration(parseDuration('6h', 'x'))).toBe('6h 00m');
  });
});
