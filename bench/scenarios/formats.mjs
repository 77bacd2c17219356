import { mkdtemp, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes, formatCount } from '../lib/format.mjs';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_DIR, BENCH_TMP, BIN } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';
import { maxOf, summarize } from '../lib/stats.mjs';
import { sizeSnapshot } from './pipeline.mjs';

const DEFINITIONS = path.join(BENCH_DIR, 'formats', 'definitions.mjs');
const READ_POSTS = path.join(BENCH_DIR, 'formats', 'read-posts.mjs');
const FORMATS = ['csv', 'parquet', 'arrow'];

/**
 * The example pipeline with its six outputs in CSV, Parquet and Arrow
 * (bench/formats/definitions.mjs): `assets materialize --force` on the size's
 * snapshot, wall time and peak RSS, the bytes on disk; then, in a process of
 * its own, loading `posts` back through the same IO manager (what every
 * downstream step pays). Each run gets a fresh instance and output folder.
 */
export async function run(ctx) {
  const snapshot = await sizeSnapshot(ctx);
  const rows = [];
  const details = {};
  for (const format of FORMATS) {
    const runs = [];
    for (let attempt = 1; attempt <= ctx.runs; attempt++) {
      const work = await mkdtemp(path.join(BENCH_TMP, `formats-${format}-`));
      ctx.cleanup.push(work);
      const env = { ...process.env, STRATA_SOURCE_URL: snapshot.dir, STRATA_OUTPUT_DIR: path.join(work, 'output'), STRATA_HOME: path.join(work, 'home'), STRATA_BENCH_FORMAT: format, NO_COLOR: '1' };
      ctx.log(`formats: ${format} run ${attempt}/${ctx.runs}`);
      const pipeline = await measureOk(`assets materialize (${format})`, process.execPath, [BIN, 'materialize', '--force', '--json', '--definitions', DEFINITIONS], { method: ctx.method, env, cwd: work });
      const result = JSON.parse(pipeline.stdout);
      if (result.status !== 'success') throw new Error(`assets materialize (${format}) ended "${result.status}"`);
      const files = await readdir(env.STRATA_OUTPUT_DIR);
      const sizes = Object.fromEntries(await Promise.all(files.map(async (file) => [file, (await stat(path.join(env.STRATA_OUTPUT_DIR, file))).size])));
      const read = await measureOk(`load posts (${format})`, process.execPath, [READ_POSTS], { method: ctx.method, env, cwd: work });
      runs.push({
        wallMs: pipeline.wallMs,
        peakRssBytes: pipeline.peakRssBytes,
        bytes: Object.values(sizes).reduce((sum, size) => sum + size, 0),
        sizes,
        read: { wallMs: read.wallMs, peakRssBytes: read.peakRssBytes, ...JSON.parse(read.stdout) },
      });
    }
    details[format] = runs;
    // The dataframes scenario sets the conversion's cost against this when the pipeline scenario did not run.
    if (format === 'csv') ctx.shared.formatsCsvMs = runs.map((r) => r.wallMs);
    const postsFile = Object.keys(runs[0].sizes).find((file) => file.startsWith('posts.'));
    rows.push(
      row('formats', `${format}: materialize --force, ${formatCount(ctx.size.users)} users / ${formatCount(ctx.size.posts)} posts`, {
        times: runs.map((r) => r.wallMs),
        peakRssBytes: maxOf(runs.map((r) => r.peakRssBytes)),
        note: `${formatBytes(summarize(runs.map((r) => r.bytes)).median)} on disk (${postsFile} ${formatBytes(runs[0].sizes[postsFile])})`,
      }),
      row('formats', `${format}: load posts back (process)`, {
        times: runs.map((r) => r.read.wallMs),
        peakRssBytes: maxOf(runs.map((r) => r.read.peakRssBytes)),
        throughput: { value: runs[0].read.rows / (summarize(runs.map((r) => r.read.loadMs)).median / 1000), unit: 'rows' },
        note: `load alone ${Math.round(summarize(runs.map((r) => r.read.loadMs)).median)} ms`,
      }),
    );
  }
  return { rows, details };
}
