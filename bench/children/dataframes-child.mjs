/**
 * The dataframes scenario's measurements, in a process of its own:
 *   node bench/children/dataframes-child.mjs <snapshot folder>
 * Builds the example's posts, users and posts_enriched from the snapshot in
 * memory, then times (median of 5, after a warm-up):
 * - user_stats as the example computes it (a loop over columns, rows out) and
 *   as arquero would (groupby/rollup, join_left, derive), each through to a
 *   Table, after checking both give the same cells;
 * - the conversion itself: asArquero + fromArquero of posts_enriched (1M rows
 *   at medium), which is what wrapping inputs and returning a dataframe add.
 * Prints one JSON line.
 */
import { escape, op } from 'arquero';
import { userStats } from '../../dist/assets/analytics.js';
import { definitions } from '../../dist/assets/definitions.js';
import { asArquero, fromArquero, materializeInMemory, Table } from '../../dist/index.js';

const [snapshot] = process.argv.slice(2);
const run = await materializeInMemory(definitions, { select: 'users, posts, posts_enriched', env: { STRATA_SOURCE_URL: snapshot } });
const posts = run.table('posts');
const users = run.table('users');
const enriched = run.table('posts_enriched');
const names = definitions.asset('user_stats').columns.map((column) => column.name);

const round2 = (value) => Number(value.toFixed(2));
const loop = () => Table.fromRows(userStats.compute({ inputs: { posts, users } }), names);
const arquero = () => {
  const totals = asArquero(posts).groupby('user_id').rollup({ post_count: op.count(), total_words: op.sum('word_count'), title_length: op.sum('title_length') });
  const stats = asArquero(users)
    .select({ id: 'user_id', name: 'name', username: 'username' })
    .join_left(totals, 'user_id')
    .derive({
      post_count: (d) => d.post_count || 0,
      total_words: (d) => d.total_words || 0,
      avg_words_per_post: escape((d) => (d.post_count ? round2(d.total_words / d.post_count) : 0)),
      avg_title_length: escape((d) => (d.post_count ? round2(d.title_length / d.post_count) : 0)),
    })
    .orderby('user_id');
  return fromArquero(stats, names);
};
const roundTrip = () => fromArquero(asArquero(enriched));

const expected = loop();
const actual = arquero();
for (const name of names) {
  if (JSON.stringify(expected.column(name)) !== JSON.stringify(actual.column(name))) throw new Error(`arquero's user_stats differs in column ${name}`);
}

function median(fn) {
  fn();
  const times = [];
  for (let index = 0; index < 5; index++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2];
}

process.stdout.write(
  `${JSON.stringify({ posts: posts.numRows, users: users.numRows, userStatsLoopMs: median(loop), userStatsArqueroMs: median(arquero), roundTripMs: median(roundTrip), roundTripRows: enriched.numRows })}\n`,
);
