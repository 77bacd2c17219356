import { describe, expect, it } from 'vitest';
import { Table } from '../../src/index.js';
import type { PostRow } from '../../src/assets/post-rows.js';
import { rowOfId } from '../../src/assets/row-of-id.js';
import { computeSummary } from '../../src/assets/summary-row.js';
import { computeUserStats } from '../../src/assets/user-stats-rows.js';
import type { UserRow } from '../../src/assets/user-rows.js';

const userTable = (ids: readonly number[]): Table<UserRow> =>
  Table.fromRows(
    ids.map((id) => ({ id, name: `name ${id}`, username: `user${id}`, email: `${id}@example.com`, phone: '', website: '', city: '', zipcode: '', lat: 0, lng: 0, company_name: '' })),
    ['id', 'name', 'username', 'email', 'phone', 'website', 'city', 'zipcode', 'lat', 'lng', 'company_name'],
  );

/** Posts from [id, user_id, word_count, title_length]. */
const postTable = (posts: readonly (readonly [number, number, number, number?])[]): Table<PostRow> =>
  Table.fromRows(
    posts.map(([id, userId, words, titleLength = 0]) => ({ id, user_id: userId, title: '', body: '', title_length: titleLength, body_length: 0, word_count: words })),
    ['id', 'user_id', 'title', 'body', 'title_length', 'body_length', 'word_count'],
  );

// Ids far apart (past the dense index's reach) take the Map; the same answers are expected either way.
const SPARSE = 1_000_000_000;

describe('rowOfId', () => {
  it.each([
    ['dense ids', [3, 5, 8]],
    ['sparse ids', [3, SPARSE, 8]],
    ['a negative id', [3, -5, 8]],
  ])('finds each id at its row and -1 for any other number (%s)', (_, ids) => {
    const rowOf = rowOfId(ids);
    ids.forEach((id, row) => expect(rowOf(id)).toBe(row));
    for (const absent of [0, 4, 9, 2 * SPARSE, -1, 3.5, Number.NaN]) expect(rowOf(absent)).toBe(-1);
  });

  it('finds nothing among no ids', () => {
    expect(rowOfId([])(0)).toBe(-1);
  });
});

describe('computeSummary', () => {
  it('counts users without posts and orphan posts, and averages to 2 decimals', () => {
    // Users 1, 2, 3. Posts 10, 11 by user 1, 12 by user 3, 13 by user 99 (no such user): user 2 has none.
    // 4 posts / 3 users = 1.333..; (5 + 7 + 7 + 2) / 4 = 5.25 words; 7 words twice, on posts 11 and 12: the smaller id.
    const summary = computeSummary(userTable([1, 2, 3]), postTable([[10, 1, 5], [11, 1, 7], [12, 3, 7], [13, 99, 2]]));
    expect(summary).toEqual({ total_users: 3, total_posts: 4, avg_posts_per_user: 1.33, avg_words_per_post: 5.25, max_words_post_id: 11, users_without_posts: 1, orphan_posts: 1 });
  });

  it('gives the longest post with the smallest id among ties, whatever the rows order', () => {
    expect(computeSummary(userTable([1]), postTable([[9, 1, 4], [5, 1, 6], [3, 1, 6], [7, 1, 6]])).max_words_post_id).toBe(3);
  });

  it('gives the longest post when every post has no words', () => {
    expect(computeSummary(userTable([1]), postTable([[4, 1, 0], [2, 1, 0]])).max_words_post_id).toBe(2);
  });

  it('reports no posts at all as zeros and no longest post', () => {
    expect(computeSummary(userTable([1, 2]), postTable([]))).toEqual({
      total_users: 2, total_posts: 0, avg_posts_per_user: 0, avg_words_per_post: 0, max_words_post_id: null, users_without_posts: 2, orphan_posts: 0,
    });
  });

  it('counts every post as an orphan when there are no users', () => {
    expect(computeSummary(userTable([]), postTable([[1, 1, 3], [2, 2, 4]]))).toEqual({
      total_users: 0, total_posts: 2, avg_posts_per_user: 0, avg_words_per_post: 3.5, max_words_post_id: 2, users_without_posts: 0, orphan_posts: 2,
    });
  });

  it('matches posts to users with sparse ids', () => {
    // User SPARSE has posts 1 and 3; user 2 none; post 2's user SPARSE + 1 does not exist.
    const summary = computeSummary(userTable([2, SPARSE]), postTable([[1, SPARSE, 1], [2, SPARSE + 1, 1], [3, SPARSE, 1]]));
    expect(summary).toMatchObject({ users_without_posts: 1, orphan_posts: 1 });
  });
});

describe('computeUserStats', () => {
  it.each([
    ['dense ids', [1, 2, 3]],
    ['sparse ids', [1, 2, SPARSE]],
  ])('sums each user\'s posts, zeros for a user without posts, and leaves orphan posts out (%s)', (_, [first, second, third]) => {
    // first: 2 posts, 3 + 4 words, titles 10 + 5; second: none; third: 1 post of 9 words, title 7; user 99 does not exist.
    const posts = postTable([[1, first!, 3, 10], [2, third!, 9, 7], [3, first!, 4, 5], [4, 99, 100, 100]]);
    expect(computeUserStats(posts, userTable([first!, second!, third!]))).toEqual([
      { user_id: first, name: `name ${first}`, username: `user${first}`, post_count: 2, total_words: 7, avg_words_per_post: 3.5, avg_title_length: 7.5 },
      { user_id: second, name: `name ${second}`, username: `user${second}`, post_count: 0, total_words: 0, avg_words_per_post: 0, avg_title_length: 0 },
      { user_id: third, name: `name ${third}`, username: `user${third}`, post_count: 1, total_words: 9, avg_words_per_post: 9, avg_title_length: 7 },
    ]);
  });

  it('rounds averages to 2 decimals', () => {
    // 1 + 1 + 2 words over 3 posts = 1.333..; titles 2 + 2 + 1 = 5 / 3 = 1.666...
    expect(computeUserStats(postTable([[1, 1, 1, 2], [2, 1, 1, 2], [3, 1, 2, 1]]), userTable([1]))[0]).toMatchObject({ avg_words_per_post: 1.33, avg_title_length: 1.67 });
  });
});
