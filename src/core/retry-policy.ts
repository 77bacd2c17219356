/** How the executor retries a step whose failure is retryable (network errors, HTTP 5xx/429). */
export interface RetryPolicy {
  /** Attempts after the first; 0 disables retries. */
  readonly maxRetries: number;
  /** Wait before the first retry, in milliseconds. */
  readonly delayMs: number;
  /** How the wait grows: the same each time, delay × attempt, or delay × 2^(attempt-1). Default `fixed`. */
  readonly backoff?: 'fixed' | 'linear' | 'exponential';
  /** Adds up to this fraction of the wait at random (0.2 = up to +20%), so retries of many runs spread out. */
  readonly jitter?: number;
}

export const NO_RETRIES: RetryPolicy = Object.freeze({ maxRetries: 0, delayMs: 0 });

/** Milliseconds to wait before retry number `retry` (1-based). `random` is injectable for tests. */
export function retryDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const base =
    policy.backoff === 'linear'
      ? policy.delayMs * retry
      : policy.backoff === 'exponential'
        ? policy.delayMs * 2 ** (retry - 1)
        : policy.delayMs;
  return Math.round(base * (1 + (policy.jitter ?? 0) * random()));
}
