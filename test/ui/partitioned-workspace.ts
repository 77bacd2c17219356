import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURES, runCli } from '../cli/run-cli.js';

/** Daily-partitioned assets over a folder of `<day>.json` files (see the fixture's header): sales_daily, totals_daily, weekly_totals. */
export const PARTITIONED = path.join(FIXTURES, 'partitioned-definitions.mjs');

/** The fixture's days: its partitions run from 2026-01-01 to 2026-01-07. */
export const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07'];

/** What the fixture reads besides a workspace's env: the folder of daily files under `dir`. */
export function partitionedEnv(dir: string): Record<string, string> {
  return { PARTITIONED_SOURCE: path.join(dir, 'days') };
}

/** Writes one day's sales (two, the first of `amount`) into the folder `partitionedEnv(dir)` names. */
export async function writeDay(dir: string, day: string, amount: number): Promise<void> {
  const folder = partitionedEnv(dir).PARTITIONED_SOURCE!;
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, `${day}.json`), JSON.stringify([{ id: 1, amount }, { id: 2, amount: 1.5 }]));
}

/**
 * The state the partitioned UI tests start from, made as a user would with
 * the built CLI: every day written, days 1 to 5 of sales_daily and
 * totals_daily materialized, then day 3's file edited. So totals_daily has
 * 4 fresh partitions, 1 stale (2026-01-03) and 2 missing (the 6th and 7th).
 */
export async function materializeFiveDaysAndEditThird(dir: string, env: Record<string, string>): Promise<void> {
  for (const [index, day] of DAYS.entries()) await writeDay(dir, day, index + 1);
  const run = await runCli(['materialize', '--definitions', PARTITIONED, '--select', 'sales_daily, totals_daily', '--partition-range', `${DAYS[0]}...${DAYS[4]}`], { cwd: dir, env });
  if (run.code !== 0) throw new Error(`materialize failed (${run.code}):\n${run.stderr}`);
  await writeDay(dir, DAYS[2]!, 99);
}
