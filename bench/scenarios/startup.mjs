import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { measureOk } from '../lib/measure.mjs';
import { BENCH_TMP, BIN } from '../lib/paths.mjs';
import { row } from '../lib/row.mjs';
import { maxOf, summarize } from '../lib/stats.mjs';

/** Start-up times are short and noisy: at least this many runs, whatever --runs says. */
const MIN_RUNS = 10;

/**
 * How long the CLI takes to start, against a bare `node -e 0`: `--version`,
 * `list` (or `status` while there is no `list` command), and a no-op
 * `materialize` on the example (bundled sample, run once first so everything
 * is fresh). The commands take turns, round after round, so a noisy moment
 * hits all of them alike; one unmeasured round warms the file cache.
 */
export async function run(ctx) {
  const work = await mkdtemp(path.join(BENCH_TMP, 'startup-'));
  ctx.cleanup.push(work);
  const env = { ...process.env, STRATA_HOME: path.join(work, 'home'), STRATA_OUTPUT_DIR: path.join(work, 'output'), NO_COLOR: '1' };
  // The example's default source: the bundled sample, whatever the caller's shell says.
  delete env.STRATA_SOURCE_URL;

  const hasList = spawnSync(process.execPath, [BIN, 'list', '--help'], { env, cwd: work }).status === 0;
  const prepare = spawnSync(process.execPath, [BIN, 'materialize', '--json'], { env, cwd: work, encoding: 'utf8' });
  if (prepare.status !== 0) throw new Error(`preparing the start-up workspace failed:\n${prepare.stderr}`);
  const check = spawnSync(process.execPath, [BIN, 'materialize', '--json'], { env, cwd: work, encoding: 'utf8' });
  const status = check.status === 0 ? JSON.parse(check.stdout).status : `exit ${check.status}`;
  if (status !== 'nothing-to-do') throw new Error(`a second materialize should do nothing, but it ended "${status}"`);

  const commands = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'assets --version', args: [BIN, '--version'] },
    hasList ? { name: 'assets list', args: [BIN, 'list'] } : { name: 'assets status (no `list` command yet)', args: [BIN, 'status'] },
    { name: 'assets materialize (no-op)', args: [BIN, 'materialize'] },
  ];
  const runs = Math.max(MIN_RUNS, ctx.runs);
  const measured = commands.map(() => []);
  for (let round = 0; round <= runs; round++) {
    if (round > 0) ctx.log(`start-up round ${round}/${runs}`);
    for (const [index, command] of commands.entries()) {
      const result = await measureOk(command.name, process.execPath, command.args, { method: ctx.method, env, cwd: work });
      if (round > 0) measured[index].push(result);
    }
  }

  const baseline = summarize(measured[0].map((r) => r.wallMs)).median;
  const rows = commands.map((command, index) => {
    const times = measured[index].map((r) => r.wallMs);
    const median = summarize(times).median;
    let target = null;
    if (index === 1) target = { goal: '<= node -e 0 + 50 ms', met: median - baseline <= 50 };
    if (index === 2) target = { goal: '< 250 ms', met: median < 250 };
    return row('startup', command.name, {
      times,
      peakRssBytes: maxOf(measured[index].map((r) => r.peakRssBytes)),
      target,
      note: index === 0 ? `${runs} runs each` : `+${Math.round(median - baseline)} ms over node -e 0`,
    });
  });
  return { rows, details: { runs, hasList, baselineMs: baseline, commands: commands.map((c, i) => ({ name: c.name, times: measured[i].map((r) => r.wallMs), peakRssBytes: measured[i].map((r) => r.peakRssBytes) })) } };
}
