/**
 * The example pipeline with its outputs in the format `STRATA_BENCH_FORMAT`
 * names (csv, parquet or arrow), for `assets materialize --definitions` in the
 * formats scenario; `STRATA_OUTPUT_DIR` says where, as for the example.
 * Imports the built example and framework (dist/), as the bench always does.
 */
import { summary, topAuthors, userStats } from '../../dist/assets/analytics.js';
import { posts, users } from '../../dist/assets/sources.js';
import { postsEnriched } from '../../dist/assets/transforms.js';
import { ArrowIOManager, CsvIOManager, defineDefinitions, ParquetIOManager } from '../../dist/index.js';

export const FORMATS = { csv: () => new CsvIOManager(), parquet: () => new ParquetIOManager(), arrow: () => new ArrowIOManager() };

const format = process.env.STRATA_BENCH_FORMAT ?? 'csv';
if (!(format in FORMATS)) throw new Error(`STRATA_BENCH_FORMAT must be one of ${Object.keys(FORMATS).join(', ')}, got "${format}"`);

export default defineDefinitions({
  assets: [users, posts, postsEnriched, userStats, topAuthors, summary],
  ioManagers: { default: FORMATS[format]() },
});
