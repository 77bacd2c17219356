import { desc, op } from 'arquero';
import { z } from 'zod';
import { asArquero, asset, rowCount } from 'strata-assets';
import { round2 } from './clean-text.js';
import { posts, users } from './sources.js';
import { postsEnriched } from './transforms.js';
import { computeUserStats, userStatsColumns } from './user-stats-rows.js';

export const userStats = asset({
  key: 'user_stats',
  group: 'analytics',
  description: 'Post counts and averages per user, including users without posts.',
  deps: [posts, users],
  schema: userStatsColumns,
  compute: ({ inputs }) => computeUserStats(inputs.posts, inputs.users),
});

export const topAuthors = asset({
  key: 'top_authors',
  group: 'analytics',
  description: 'The five users with the most posts (then most words, then lowest id).',
  deps: [userStats],
  schema: z.object({
    rank: z.int(),
    user_id: z.int(),
    name: z.string(),
    username: z.string(),
    post_count: z.int(),
    total_words: z.int(),
    avg_words_per_post: z.number(),
  }),
  checks: [rowCount({ max: 5 })],
  // Ties on posts and words go to the lowest id: the order names all three, so the ranking is total.
  compute: ({ inputs }) =>
    asArquero(inputs.user_stats)
      .filter((stats) => stats.post_count > 0)
      .orderby(desc('post_count'), desc('total_words'), 'user_id')
      .slice(0, 5)
      .derive({ rank: () => op.row_number() }),
});

export const summary = asset({
  key: 'summary',
  group: 'analytics',
  description: 'One row of totals and averages over users and posts.',
  deps: [users, posts, postsEnriched],
  schema: z.object({
    total_users: z.int(),
    total_posts: z.int(),
    avg_posts_per_user: z.number(),
    avg_words_per_post: z.number(),
    max_words_post_id: z.int().nullable(),
    users_without_posts: z.int(),
    orphan_posts: z.int(),
  }),
  checks: [rowCount({ min: 1, max: 1, description: 'Exactly one row.' })],
  compute: ({ inputs }) => {
    const users = asArquero(inputs.users);
    const posts = asArquero(inputs.posts);
    const enriched = asArquero(inputs.posts_enriched);
    const totals = posts.rollup({ total_posts: op.count(), total_words: op.sum('word_count'), max_words: op.max('word_count') });
    const { total_posts: totalPosts, total_words: totalWords } = totals.object() as { total_posts: number; total_words: number };
    // Posts are sorted by id, so the first of the longest posts has the smallest id (a semijoin: sorting 1M posts by words costs 8x more).
    const longest = posts.semijoin(totals, ['word_count', 'max_words']).slice(0, 1);
    const totalUsers = users.numRows();
    return [
      {
        total_users: totalUsers,
        total_posts: totalPosts,
        avg_posts_per_user: totalUsers === 0 ? 0 : round2(totalPosts / totalUsers),
        avg_words_per_post: totalPosts === 0 ? 0 : round2(totalWords / totalPosts),
        max_words_post_id: longest.numRows() === 0 ? null : (longest.get('id') as number),
        users_without_posts: users.antijoin(enriched, ['id', 'user_id']).numRows(),
        orphan_posts: enriched.antijoin(users, ['user_id', 'id']).numRows(),
      },
    ];
  },
});
