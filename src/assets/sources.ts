import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { asset, configFromEnv, JsonSource, notNull, relationships, resource, Table, unique } from 'strata-assets';
import { firstOfEachIdInOrder, pickRows } from './by-id.js';
import { cleanText, codePointLength, wordCount } from './clean-text.js';

/** The bundled offline snapshot, used when STRATA_SOURCE_URL is unset (works from src/ and dist/). */
export const BUNDLED_SAMPLE = fileURLToPath(new URL('../../data/sample/', import.meta.url));

/**
 * The JSONPlaceholder-shaped API: `url` (`STRATA_SOURCE_URL`) is an http(s)
 * base URL or a folder / file: URL holding users.json and posts.json.
 */
export const placeholderApi = resource({
  key: 'placeholder_api',
  description: 'JSONPlaceholder-shaped API (STRATA_SOURCE_URL; default: the bundled sample)',
  config: z.object({ url: z.string().default(BUNDLED_SAMPLE) }),
  env: { url: 'STRATA_SOURCE_URL' },
  create: ({ config }) => new JsonSource({ url: config.url }),
});

/** The seed project retried its fetches 3 times, 5 s apart; tests shorten the wait with STRATA_SOURCE_RETRY_DELAY_MS. */
const sourceRetry = {
  maxRetries: 3,
  delayMs: configFromEnv(
    z.object({ delayMs: z.coerce.number().int().nonnegative().default(5_000) }),
    { delayMs: 'STRATA_SOURCE_RETRY_DELAY_MS' },
    process.env,
  ).delayMs,
  backoff: 'fixed',
} as const;

/** What both source assets share: their group and tag, the API they read, and the seed project's retries. */
const fromApi = { group: 'sources', tags: ['api'], resources: { api: placeholderApi }, retry: sourceRetry } as const;

/** A coordinate: JSONPlaceholder sends "-37.3159" as a string; numbers are accepted too. */
const coordinate = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/, 'a decimal number')]).transform(Number);

const userPayload = z.object({
  id: z.int(),
  name: z.string(),
  username: z.string(),
  email: z.string(),
  phone: z.string(),
  website: z.string(),
  address: z.object({
    city: z.string(),
    zipcode: z.string(),
    geo: z.object({ lat: coordinate, lng: coordinate }),
  }),
  company: z.object({ name: z.string() }),
});

const postPayload = z.object({
  id: z.int(),
  userId: z.int(),
  title: z.string(),
  body: z.string(),
});

export const users = asset({
  key: 'users',
  ...fromApi,
  description: 'Users from the API, text cleaned, address and company flattened.',
  schema: z.object({
    id: z.int(),
    name: z.string(),
    username: z.string(),
    email: z.string(),
    phone: z.string(),
    website: z.string(),
    city: z.string(),
    zipcode: z.string(),
    lat: z.number(),
    lng: z.number(),
    company_name: z.string(),
  }),
  checks: [unique('id'), notNull('id'), notNull('email')],
  observe: ({ resources, signal }) => resources.api.observe('users', { signal }),
  compute: async ({ resources, signal }) => {
    const payload = await resources.api.readRows('users', userPayload, { signal });
    const kept = firstOfEachIdInOrder(payload.map((user) => user.id))?.map((row) => payload[row]!) ?? payload;
    return kept.map((user) => ({
      id: user.id,
      name: cleanText(user.name),
      username: cleanText(user.username),
      email: cleanText(user.email).toLowerCase(),
      phone: cleanText(user.phone),
      website: cleanText(user.website),
      city: cleanText(user.address.city),
      zipcode: cleanText(user.address.zipcode),
      lat: user.address.geo.lat,
      lng: user.address.geo.lng,
      company_name: cleanText(user.company.name),
    }));
  },
});

export const posts = asset({
  key: 'posts',
  ...fromApi,
  description: 'Posts from the API, text cleaned, with title/body lengths and word counts.',
  schema: z.object({
    id: z.int(),
    user_id: z.int(),
    title: z.string(),
    body: z.string(),
    title_length: z.int(),
    body_length: z.int(),
    word_count: z.int(),
  }),
  checks: [
    unique('id'),
    // A warning: orphan posts exist on purpose, and the summary counts them.
    relationships('user_id', { to: users, field: 'id', severity: 'warn' }),
  ],
  observe: ({ resources, signal }) => resources.api.observe('posts', { signal }),
  // Millions of posts: each batch becomes columns as it arrives, so the parsed
  // row objects die young; the batches' columns are joined once at the end
  // (arrays of the right size filled by index: pushing onto growing arrays
  // cost several times as much).
  compute: async ({ resources, signal }) => {
    const batches: PostColumns[] = [];
    for await (const batch of resources.api.readBatches('posts', postPayload, { signal })) {
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
      batches.push(part);
    }
    const join = <T>(column: (part: PostColumns) => T[]): T[] => ([] as T[]).concat(...batches.map(column));
    const columns: PostColumns = {
      id: join((part) => part.id),
      user_id: join((part) => part.user_id),
      title: join((part) => part.title),
      body: join((part) => part.body),
      title_length: join((part) => part.title_length),
      body_length: join((part) => part.body_length),
      word_count: join((part) => part.word_count),
    };
    const table = Table.fromColumns(columns);
    const kept = firstOfEachIdInOrder(columns.id);
    return kept === undefined ? table : pickRows(table, kept);
  },
});

interface PostColumns {
  id: number[];
  user_id: number[];
  title: string[];
  body: string[];
  title_length: number[];
  body_length: number[];
  word_count: number[];
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
