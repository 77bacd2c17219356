import { z } from 'zod';
import { Table } from 'strata-assets';
import { firstOfEachIdInOrder, pickRows } from './by-id.js';
import { cleanText, codePointLength, wordCount } from './clean-text.js';

/** A post as a JSONPlaceholder-shaped source sends it. */
export const postPayload = z.object({
  id: z.int(),
  userId: z.int(),
  title: z.string(),
  body: z.string(),
});

export type PostPayload = z.infer<typeof postPayload>;

/** The columns of a cleaned posts table (`posts`, and each partition of `posts_daily`). */
export const postColumns = z.object({
  id: z.int(),
  user_id: z.int(),
  title: z.string(),
  body: z.string(),
  title_length: z.int(),
  body_length: z.int(),
  word_count: z.int(),
});

export type PostRow = z.infer<typeof postColumns>;

type PostColumns = { [K in keyof PostRow]: PostRow[K][] };

/**
 * Cleans posts as they arrive: text trimmed and collapsed, lengths in code
 * points, words counted; the first of duplicate ids kept; sorted by id.
 *
 * Millions of posts: each batch becomes columns as it arrives, so the parsed
 * row objects die young; the batches' columns are joined once at the end
 * (arrays of the right size filled by index: pushing onto growing arrays
 * cost several times as much).
 */
export async function cleanPostBatches(batches: AsyncIterable<readonly PostPayload[]>): Promise<Table<PostRow>> {
  const parts: PostColumns[] = [];
  for await (const batch of batches) {
    const part = emptyPostColumns(batch.length);
    for (let row = 0; row < batch.length; row++) {
      const post = batch[row]!;
      const title = cleanText(post.title);
      const body = cleanText(post.body);
      part.id[row] = post.id;
      part.user_id[row] = post.userId;
      part.title[row] = title;
      part.body[row] = body;
      part.title_length[row] = codePointLength(title);
      part.body_length[row] = codePointLength(body);
      part.word_count[row] = wordCount(body);
    }
    parts.push(part);
  }
  const join = <K extends keyof PostColumns>(name: K): PostColumns[K] => {
    const joined = ([] as PostColumns[K][number][]).concat(...parts.map((part) => part[name])) as PostColumns[K];
    // Each batch's piece of a column is let go once joined: holding every
    // piece until the last column was joined cost 280 MB more at 5M posts.
    for (const part of parts) delete (part as Partial<PostColumns>)[name];
    return joined;
  };
  const columns: PostColumns = {
    id: join('id'),
    user_id: join('user_id'),
    title: join('title'),
    body: join('body'),
    title_length: join('title_length'),
    body_length: join('body_length'),
    word_count: join('word_count'),
  };
  const table = Table.fromColumns(columns);
  const kept = firstOfEachIdInOrder(columns.id);
  return kept === undefined ? table : pickRows(table, kept);
}

function emptyPostColumns(rows: number): PostColumns {
  return {
    id: new Array<number>(rows),
    user_id: new Array<number>(rows),
    title: new Array<string>(rows),
    body: new Array<string>(rows),
    title_length: new Array<number>(rows),
    body_length: new Array<number>(rows),
    word_count: new Array<number>(rows),
  };
}
