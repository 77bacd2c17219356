import { z } from 'zod';
import { asset, Table } from '../index.js';
import { posts, users } from './sources.js';

export const postsEnriched = asset({
  key: 'posts_enriched',
  group: 'transforms',
  description: 'Every post with its author (empty when the post has no matching user).',
  deps: [posts, users],
  schema: posts.schema.extend({
    author_name: z.string(),
    author_username: z.string(),
    author_email: z.string(),
    company_name: z.string(),
  }),
  compute: ({ inputs }) => {
    const authorRow = new Map<number, number>();
    inputs.users.column('id').forEach((id, row) => authorRow.set(id, row));
    const users = {
      name: inputs.users.column('name'),
      username: inputs.users.column('username'),
      email: inputs.users.column('email'),
      company_name: inputs.users.column('company_name'),
    };
    const author = { name: [] as string[], username: [] as string[], email: [] as string[], company_name: [] as string[] };
    // One lookup per post fills the four author columns: millions of posts, so not one pass per column.
    for (const userId of inputs.posts.column('user_id')) {
      const row = authorRow.get(userId);
      author.name.push(row === undefined ? '' : users.name[row]!);
      author.username.push(row === undefined ? '' : users.username[row]!);
      author.email.push(row === undefined ? '' : users.email[row]!);
      author.company_name.push(row === undefined ? '' : users.company_name[row]!);
    }
    // Posts are already sorted by id; their columns are shared, not copied.
    return Table.fromColumns({
      id: inputs.posts.column('id'),
      user_id: inputs.posts.column('user_id'),
      title: inputs.posts.column('title'),
      body: inputs.posts.column('body'),
      title_length: inputs.posts.column('title_length'),
      body_length: inputs.posts.column('body_length'),
      word_count: inputs.posts.column('word_count'),
      author_name: author.name,
      author_username: author.username,
      author_email: author.email,
      company_name: author.company_name,
    });
  },
});
