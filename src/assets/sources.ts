import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { asset, configFromEnv, JsonSource, notNull, relationships, resource, unique } from 'strata-assets';
import { cleanPostBatches, postColumns, postPayload } from './post-rows.js';
import { cleanUsers, userColumns, userPayload } from './user-rows.js';

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
  create: ({ config }) => new JsonSource({ url: config.url, urlSetting: 'STRATA_SOURCE_URL' }),
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

export const users = asset({
  key: 'users',
  ...fromApi,
  description: 'Users from the API, text cleaned, address and company flattened.',
  schema: userColumns,
  checks: [unique('id'), notNull('id'), notNull('email')],
  observe: ({ resources, signal }) => resources.api.observe('users', { signal }),
  compute: async ({ resources, signal }) => cleanUsers(await resources.api.readRows('users', userPayload, { signal })),
});

export const posts = asset({
  key: 'posts',
  ...fromApi,
  description: 'Posts from the API, text cleaned, with title/body lengths and word counts.',
  schema: postColumns,
  checks: [
    unique('id'),
    // A warning: orphan posts exist on purpose, and the summary counts them.
    relationships('user_id', { to: users, field: 'id', severity: 'warn' }),
  ],
  observe: ({ resources, signal }) => resources.api.observe('posts', { signal }),
  compute: ({ resources, signal }) => cleanPostBatches(resources.api.readBatches('posts', postPayload, { signal })),
});
