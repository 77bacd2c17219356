import { z } from 'zod';
import { asset } from 'strata-assets';
import { round2 } from './clean-text.js';
import { posts, users } from './sources.js';
import { postsEnriched } from './transforms.js';

export const userStats = asset({
  key: 'user_stats',
  group: 'analytics',
  description: 'Post counts and averages per user, including users without posts.',
  deps: [posts, users],
  schema: z.object({
    user_id: z.int(),
    name: z.string(),
    username: z.string(),
    post_count: z.int(),
    total_words: z.int(),
    avg_words_per_post: z.number(),
    avg_title_length: z.number(),
  }),
  compute: ({ inputs }) => {
    const totals = new Map<number, { posts: number; words: number; titleLength: number }>();
    const userIds = inputs.posts.column('user_id');
    const words = inputs.posts.column('word_count');
    const titleLengths = inputs.posts.column('title_length');
    for (let row = 0; row < inputs.posts.numRows; row++) {
      const userId = userIds[row]!;
      let total = totals.get(userId);
      if (total === undefined) totals.set(userId, (total = { posts: 0, words: 0, titleLength: 0 }));
      total.posts++;
      total.words += words[row]!;
      total.titleLength += titleLengths[row]!;
    }
    // Users are sorted by id, so the stats come out sorted by user_id.
    return inputs.users.rows().map((user) => {
      const total = totals.get(user.id) ?? { posts: 0, words: 0, titleLength: 0 };
      return {
        user_id: user.id,
        name: user.name,
        username: user.username,
        post_count: total.posts,
        total_words: total.words,
        avg_words_per_post: total.posts === 0 ? 0 : round2(total.words / total.posts),
        avg_title_length: total.posts === 0 ? 0 : round2(total.titleLength / total.posts),
      };
    });
  },
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
  compute: ({ inputs }) =>
    inputs.user_stats
      .rows()
      .filter((stats) => stats.post_count > 0)
      .sort((a, b) => b.post_count - a.post_count || b.total_words - a.total_words || a.user_id - b.user_id)
      .slice(0, 5)
      .map((stats, index) => ({
        rank: index + 1,
        user_id: stats.user_id,
        name: stats.name,
        username: stats.username,
        post_count: stats.post_count,
        total_words: stats.total_words,
        avg_words_per_post: stats.avg_words_per_post,
      })),
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
  compute: ({ inputs }) => {
    const userIds = new Set(inputs.users.column('id'));
    const postIds = inputs.posts.column('id');
    const words = inputs.posts.column('word_count');
    let totalWords = 0;
    let maxWordsPostId: number | null = null;
    let maxWords = -1;
    // Posts are sorted by id, so the first post with the most words has the smallest id.
    for (let row = 0; row < inputs.posts.numRows; row++) {
      totalWords += words[row]!;
      if (words[row]! > maxWords) {
        maxWords = words[row]!;
        maxWordsPostId = postIds[row]!;
      }
    }
    const authors = new Set(inputs.posts_enriched.column('user_id'));
    const orphanPosts = inputs.posts_enriched.column('user_id').filter((userId) => !userIds.has(userId)).length;
    const totalUsers = inputs.users.numRows;
    const totalPosts = inputs.posts.numRows;
    return [
      {
        total_users: totalUsers,
        total_posts: totalPosts,
        avg_posts_per_user: totalUsers === 0 ? 0 : round2(totalPosts / totalUsers),
        avg_words_per_post: totalPosts === 0 ? 0 : round2(totalWords / totalPosts),
        max_words_post_id: maxWordsPostId,
        users_without_posts: [...userIds].filter((id) => !authors.has(id)).length,
        orphan_posts: orphanPosts,
      },
    ];
  },
});
