import { describe, expect, it } from 'vitest';
import { suggestClosest } from '../../src/core/suggest.js';

const SCHEDULES = ['business-hours-refresh', 'daily-data-refresh', 'hourly-refresh', 'six-hourly-refresh'];

describe('suggestClosest', () => {
  it('prefers a candidate that holds every word typed, in order, over a closer edit', () => {
    expect(suggestClosest('daily-refresh', SCHEDULES)[0]).toBe('daily-data-refresh');
  });

  it('prefers a candidate that contains the input as a substring', () => {
    expect(suggestClosest('author', ['authors_x', 'author_stats', 'anchor'])).toEqual(['authors_x', 'author_stats', 'anchor']);
    expect(suggestClosest('post', ['posts_enriched', 'posts', 'host'])).toEqual(['posts', 'posts_enriched', 'host']);
  });

  it('still suggests near misspellings that contain nothing typed', () => {
    expect(suggestClosest('usres', ['users', 'posts'])).toEqual(['users']);
    expect(suggestClosest('materialise', ['materialize', 'status'])).toEqual(['materialize']);
  });

  it('does not take words out of order as containment', () => {
    expect(suggestClosest('refresh-daily', ['daily-data-refresh'])).toEqual([]);
  });

  it('suggests nothing when no candidate is close', () => {
    expect(suggestClosest('zzz', SCHEDULES)).toEqual([]);
  });
});
