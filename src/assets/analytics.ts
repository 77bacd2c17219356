import { desc, op } from 'arquero';
import { z } from 'zod';
import { asArquero, asset, rowCount } from 'strata-assets';
import { posts, users } from './sources.js';
import { computeSummary, summaryColumns } from './summary-row.js';
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
  schema: summaryColumns,
  checks: [rowCount({ min: 1, max: 1, description: 'Exactly one row.' })],
  // The enriched posts are the posts (the blocking one_row_per_post check holds them to it), with the same columns.
  compute: ({ inputs }) => [computeSummary(inputs.users, inputs.posts_enriched)],
});
