/**
 * The example pipeline in DuckDB (through `@duckdb/node-api`, a dev
 * dependency for the bench only): the reference point for the large
 * snapshot.
 *
 *   node bench/duckdb_pipeline.mjs <snapshot folder> <output folder>
 *
 * Same semantics as bench/pandas_pipeline.py and DESIGN.md "The example
 * pipeline", in SQL: text cleaned with JavaScript's whitespace set, lengths
 * in code points (DuckDB's `length`), duplicate ids keep the first row in file
 * order, every table sorted by its first column, averages rounded with
 * DuckDB's `round(x, 2)` (half away from zero on x * 100, which agrees with
 * `toFixed(2)` except where that product itself rounds onto a tie: the
 * table check would show such a row). DuckDB uses every core, as it would for
 * any user. Prints one JSON document on stdout: seconds per step.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [snapshot, out] = process.argv.slice(2);
if (snapshot === undefined || out === undefined) {
  process.stderr.write('usage: node bench/duckdb_pipeline.mjs <snapshot folder> <output folder>\n');
  process.exit(2);
}
await mkdir(out, { recursive: true });

/** A SQL string literal. */
const literal = (text) => `'${text.replaceAll("'", "''")}'`;
const source = (name) => literal(path.join(snapshot, `${name}.json`));
const target = (name) => literal(path.join(out, `${name}.csv`));

// JavaScript's \s, as an RE2 class: DuckDB's own \s is ASCII only.
const WHITESPACE_RUN = '[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]+';

const steps = [
  ['setup', `CREATE MACRO clean(t) AS trim(regexp_replace(t, ${literal(WHITESPACE_RUN)}, ' ', 'g'), ' ')`],
  [
    'users',
    `CREATE TABLE users AS
     WITH raw AS (
       SELECT *, row_number() OVER () AS ordinal
       FROM read_json(${source('users')}, format = 'array', columns = {
         id: 'BIGINT', name: 'VARCHAR', username: 'VARCHAR', email: 'VARCHAR', phone: 'VARCHAR', website: 'VARCHAR',
         address: 'STRUCT(city VARCHAR, zipcode VARCHAR, geo STRUCT(lat VARCHAR, lng VARCHAR))',
         company: 'STRUCT(name VARCHAR)'
       })
     )
     SELECT id, clean(name) AS name, clean(username) AS username, lower(clean(email)) AS email, clean(phone) AS phone,
            clean(website) AS website, clean(address.city) AS city, clean(address.zipcode) AS zipcode,
            CAST(trim(address.geo.lat) AS DOUBLE) AS lat, CAST(trim(address.geo.lng) AS DOUBLE) AS lng,
            clean(company.name) AS company_name
     FROM raw
     QUALIFY row_number() OVER (PARTITION BY id ORDER BY ordinal) = 1
     ORDER BY id`,
  ],
  ['users.csv', `COPY users TO ${target('users')} (HEADER, DELIMITER ',')`],
  [
    'posts',
    `CREATE TABLE posts AS
     WITH raw AS (
       SELECT id, userId AS user_id, title, body, row_number() OVER () AS ordinal
       FROM read_json(${source('posts')}, format = 'array', columns = { userId: 'BIGINT', id: 'BIGINT', title: 'VARCHAR', body: 'VARCHAR' })
     ),
     cleaned AS (
       SELECT id, user_id, clean(title) AS title, clean(body) AS body
       FROM raw
       QUALIFY row_number() OVER (PARTITION BY id ORDER BY ordinal) = 1
     )
     SELECT id, user_id, title, body, length(title) AS title_length, length(body) AS body_length,
            CASE WHEN body = '' THEN 0 ELSE length(body) - length(replace(body, ' ', '')) + 1 END AS word_count
     FROM cleaned
     ORDER BY id`,
  ],
  ['posts.csv', `COPY posts TO ${target('posts')} (HEADER, DELIMITER ',')`],
  [
    'posts_enriched.csv',
    `COPY (
       SELECT p.*, coalesce(u.name, '') AS author_name, coalesce(u.username, '') AS author_username,
              coalesce(u.email, '') AS author_email, coalesce(u.company_name, '') AS company_name
       FROM posts p LEFT JOIN users u ON u.id = p.user_id
       ORDER BY p.id
     ) TO ${target('posts_enriched')} (HEADER, DELIMITER ',')`,
  ],
  [
    'user_stats',
    `CREATE TABLE user_stats AS
     SELECT u.id AS user_id, u.name, u.username,
            coalesce(s.post_count, 0) AS post_count, CAST(coalesce(s.total_words, 0) AS BIGINT) AS total_words,
            CASE WHEN s.post_count IS NULL THEN 0 ELSE round(CAST(s.total_words AS DOUBLE) / s.post_count, 2) END AS avg_words_per_post,
            CASE WHEN s.post_count IS NULL THEN 0 ELSE round(CAST(s.title_total AS DOUBLE) / s.post_count, 2) END AS avg_title_length
     FROM users u
     LEFT JOIN (SELECT user_id, count(*) AS post_count, sum(word_count) AS total_words, sum(title_length) AS title_total FROM posts GROUP BY user_id) s
       ON s.user_id = u.id
     ORDER BY u.id`,
  ],
  ['user_stats.csv', `COPY user_stats TO ${target('user_stats')} (HEADER, DELIMITER ',')`],
  [
    'top_authors.csv',
    `COPY (
       SELECT row_number() OVER (ORDER BY post_count DESC, total_words DESC, user_id) AS rank,
              user_id, name, username, post_count, total_words, avg_words_per_post
       FROM user_stats WHERE post_count > 0
       ORDER BY rank LIMIT 5
     ) TO ${target('top_authors')} (HEADER, DELIMITER ',')`,
  ],
  [
    'summary.csv',
    `COPY (
       WITH counts AS (
         SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM posts) AS posts,
                (SELECT coalesce(sum(word_count), 0) FROM posts) AS words
       )
       SELECT users AS total_users, posts AS total_posts,
              CASE WHEN users = 0 THEN 0 ELSE round(CAST(posts AS DOUBLE) / users, 2) END AS avg_posts_per_user,
              CASE WHEN posts = 0 THEN 0 ELSE round(CAST(words AS DOUBLE) / posts, 2) END AS avg_words_per_post,
              (SELECT id FROM posts ORDER BY word_count DESC, id LIMIT 1) AS max_words_post_id,
              (SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.user_id = u.id)) AS users_without_posts,
              (SELECT count(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.user_id)) AS orphan_posts
       FROM counts
     ) TO ${target('summary')} (HEADER, DELIMITER ',')`,
  ],
];

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const seconds = {};
let clock = performance.now();
for (const [name, sql] of steps) {
  await connection.run(sql);
  const now = performance.now();
  seconds[name] = Number(((now - clock) / 1000).toFixed(3));
  clock = now;
}
const version = (await connection.runAndReadAll('SELECT version() AS version')).getRowObjects()[0].version;
process.stdout.write(`${JSON.stringify({ duckdb: version, steps: seconds })}\n`);
