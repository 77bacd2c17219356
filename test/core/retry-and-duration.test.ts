import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/core/duration.js';
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
