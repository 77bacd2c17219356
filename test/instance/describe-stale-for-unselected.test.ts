import { describe, expect, it } from 'vitest';
import { describeHeldBack, describeUpstreams } from '../../src/instance/describe-stale-for-unselected.js';

describe('naming the upstreams that keep an asset stale', () => {
  it('names a partitioned upstream with its stale partitions and an unpartitioned one alone', () => {
    expect(describeUpstreams(['orders_daily', 'rates'], { orders_daily: ['2026-01-05', '2026-01-06'] })).toBe('orders_daily [2026-01-05, 2026-01-06], rates');
    expect(describeHeldBack(['orders_daily'], { orders_daily: ['2026-01-06'] })).toBe('its upstream orders_daily [2026-01-06] is not up to date, and not selected');
  });

  it('names the first three stale partitions of an upstream and counts the rest', () => {
    const days = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'];
    expect(describeUpstreams(['orders_daily'], { orders_daily: days })).toBe('orders_daily [2026-01-01, 2026-01-02, 2026-01-03, ... 2 more]');
  });
});
