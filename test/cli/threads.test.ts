import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from './run-cli.js';

/**
 * A cgroup v1 `cpu` hierarchy this process may make cgroups in (as root),
 * or undefined: there a test can give a run one CPU's quota, as `docker
 * --cpus 1` does.
 */
const CPU_HIERARCHY = process.getuid?.() === 0 ? ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'].find((dir) => existsSync(path.join(dir, 'cpu.cfs_quota_us'))) : undefined;

/**
 * The example pipeline run on one thread (`--concurrency 1`, or one CPU) and with two
 * (`--concurrency 2`: the posts JSON parsed in a worker, large CSV files
 * hashed and written in one) must store the same bytes. The snapshot has
 * 100,000 posts, so posts.json (34 MB) and posts_enriched (1.1M cells) are
 * past the sizes from which those workers are used.
 */
describe('materialize on one thread and on several', () => {
  let dir: string;
  let source: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-threads-'));
    source = path.join(dir, 'source');
    const generated = await runCli(['sample', 'generate', '--users', '1000', '--posts', '100000', '--seed', '1', '--out', source], { cwd: dir });
    expect(generated.code, generated.stderr).toBe(0);
  }, 60_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  /**
   * `assets materialize --force --json --concurrency N` in a fresh instance and
   * output folder. `threads`: the threads that ran JavaScript, one CPU profile each.
   */
  async function materialize(name: string, flags: readonly string[], command: readonly string[] = []): Promise<{ output: string; versions: Record<string, string | null>; threads: number }> {
    const home = path.join(dir, `run-${name}`);
    const output = path.join(home, 'output');
    const profiles = path.join(home, 'profiles');
    const versions: Record<string, string | null> = {};
    // Each thread that runs JavaScript writes a CPU profile of its own when it ends.
    const node = [process.execPath, '--cpu-prof', `--cpu-prof-dir=${profiles}`, BIN, 'materialize', '--force', '--json', ...flags];
    const [program, ...args] = [...command, ...node];
    const run = spawnSync(program!, args, {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', STRATA_SOURCE_URL: source, STRATA_OUTPUT_DIR: output, STRATA_HOME: path.join(home, '.strata') },
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      // spawnSync blocks the test's own timeout: a run that hangs is killed here and fails on its status.
      timeout: 100_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; assets: { key: string; dataVersion: string | null }[] };
    expect(result.status).toBe('success');
    for (const asset of result.assets) versions[asset.key] = asset.dataVersion;
    // One profile from the main thread, and one per worker thread.
    return { output, versions, threads: (await readdir(profiles)).length };
  }

  it('writes byte-identical CSV files and records the same data versions with --concurrency 1 and 2', async () => {
    const one = await materialize('one', ['--concurrency', '1']);
    const two = await materialize('two', ['--concurrency', '2']);
    // Only the main thread ran on one; on two, at least the JSON parser and a hashing writer as well.
    expect(one.threads).toBe(1);
    expect(two.threads).toBeGreaterThanOrEqual(3);

    expect(two.versions).toEqual(one.versions);
    const files = (await readdir(one.output, { recursive: true })).filter((name) => name.endsWith('.csv')).sort();
    expect(files).toContain('posts.csv');
    expect(files).toContain('posts_enriched.csv');
    expect((await readdir(two.output, { recursive: true })).filter((name) => name.endsWith('.csv')).sort()).toEqual(files);
    for (const file of files) {
      const [left, right] = await Promise.all([readFile(path.join(one.output, file)), readFile(path.join(two.output, file))]);
      expect(right.equals(left), `${file} differs`).toBe(true);
    }
  }, 120_000);

  /** A run kept to one CPU by `command` uses one thread, and stores what a run on two threads stores. */
  async function expectOneThreadAndTheSameBytes(name: string, command: readonly string[]): Promise<void> {
    const limited = await materialize(name, [], command);
    const two = await materialize(`${name}-beside`, ['--concurrency', '2']);
    expect(limited.threads).toBe(1);
    expect(two.threads).toBeGreaterThanOrEqual(3);
    expect(limited.versions).toEqual(two.versions);
    for (const file of ['posts.csv', 'posts_enriched.csv', 'users.csv']) {
      const [left, right] = await Promise.all([readFile(path.join(limited.output, file)), readFile(path.join(two.output, file))]);
      expect(right.equals(left), `${file} differs`).toBe(true);
    }
  }

  // taskset pins the process to one CPU, which os.availableParallelism() reports, as a cpuset cgroup (docker --cpuset-cpus 0) would.
  it.runIf(existsSync('/usr/bin/taskset'))('runs on one thread on a machine with one CPU, writing the same bytes', async () => {
    await expectOneThreadAndTheSameBytes('pinned', ['/usr/bin/taskset', '-c', '0']);
  }, 120_000);

  // A quota leaves os.availableParallelism() at the host's CPUs: Strata reads the cgroup's quota itself.
  it.runIf(CPU_HIERARCHY !== undefined)('runs on one thread in a cgroup allowed one CPU of the machine, writing the same bytes', async () => {
    const cgroup = path.join(CPU_HIERARCHY!, `strata-test-${process.pid}`);
    await mkdir(cgroup);
    try {
      await writeFile(path.join(cgroup, 'cpu.cfs_period_us'), '100000');
      await writeFile(path.join(cgroup, 'cpu.cfs_quota_us'), '100000');
      // The shell moves itself into the cgroup, then becomes node there.
      await expectOneThreadAndTheSameBytes('one-cpu-quota', ['/bin/sh', '-c', `echo $$ > ${cgroup}/cgroup.procs && exec "$@"`, 'sh']);
    } finally {
      // A cgroup is removed as a folder, once no process is left in it.
      await rmdir(cgroup);
    }
  }, 120_000);
});
