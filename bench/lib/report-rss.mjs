/*
 * Preloaded with `node --import` into a measured child when /usr/bin/time is
 * missing: at exit the child writes its own peak RSS (kilobytes, as
 * process.resourceUsage() gives it) to STRATA_BENCH_RSS_FILE, so the figure is
 * the child's and not the harness's.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.STRATA_BENCH_RSS_FILE;
if (target !== undefined) {
  // Removed from the environment so grandchildren don't overwrite the report.
  delete process.env.STRATA_BENCH_RSS_FILE;
  process.on('exit', () => writeFileSync(target, `${process.resourceUsage().maxRSS}\n`));
}
