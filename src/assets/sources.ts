import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { asset, configFromEnv, JsonSource, resource, Table } from '../index.js';
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
  observe: ({ resources, signal }) => resources.api.version('users', { signal }),
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
  observe: ({ resources, signal }) => resources.api.version('posts', { signal }),
  // Millions of posts: each batch goes into columns as it arrives, so the parsed row objects die young.
  compute: async ({ resources, signal }) => {
    const columns = {
      id: [] as number[],
      user_id: [] as number[],
      title: [] as string[],
      body: [] as string[],
      title_length: [] as number[],
      body_length: [] as number[],
      word_count: [] as number[],
    };
    for await (const batch of resources.api.readBatches('posts', postPayload, { signal })) {
      for (const post of batch) {
        const title = cleanText(post.title);
        const body = cleanText(post.body);
        columns.id.push(post.id);
        columns.user_id.push(post.userId);
        columns.title.push(title);
        columns.body.push(body);
        columns.title_length.push(codePointLength(title));
        columns.body_length.push(codePointLength(body));
        columns.word_count.push(wordCount(body));
      }
    }
    const table = Table.fromColumns(columns);
    const kept = firstOfEachIdInOrder(columns.id);
    return kept === undefined ? table : pickRows(table, kept);
  },
});
