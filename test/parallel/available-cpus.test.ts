import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cgroupCpuLimit, type CgroupFiles } from '../../src/parallel/available-cpus.js';

/**
 * `cgroupCpuLimit` reads the files Linux gives a process (its cgroups, the
 * mounts, the quota files); here they are real files in a temp folder laid
 * out the way a host, a Docker container or a Kubernetes pod shows them.
 */
describe('cgroupCpuLimit', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'strata-cgroup-'));
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  /** Writes /proc/self/cgroup and mountinfo (mount points as given, under `root`), returning where they are. */
  async function proc(cgroup: string[], mounts: string[]): Promise<CgroupFiles> {
    const files = { cgroup: path.join(root, 'cgroup'), mountinfo: path.join(root, 'mountinfo') };
    await writeFile(files.cgroup, cgroup.join('\n') + '\n');
    await writeFile(files.mountinfo, mounts.join('\n') + '\n');
    return files;
  }

  /** Writes the files of one cgroup folder (relative to `root`). */
  async function cgroupDir(relative: string, files: Record<string, string>): Promise<void> {
    const dir = path.join(root, relative);
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text + '\n');
  }

  const v1Mount = (mountRoot: string, mountPoint: string) => `31 30 0:28 ${mountRoot} ${path.join(root, mountPoint)} rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct`;
  const v2Mount = (mountRoot: string, mountPoint: string) => `40 30 0:37 ${mountRoot} ${path.join(root, mountPoint)} rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate`;

  it('reads a cgroup v1 quota (docker --cpus 1.5 on a host), rounded up', async () => {
    const files = await proc(['12:cpu,cpuacct:/docker/abc', '11:memory:/docker/abc', '0::/docker/abc'], [v1Mount('/', 'sys/fs/cgroup/cpu,cpuacct'), v2Mount('/', 'sys/fs/cgroup/unified')]);
    await cgroupDir('sys/fs/cgroup/cpu,cpuacct/docker/abc', { 'cpu.cfs_quota_us': '150000', 'cpu.cfs_period_us': '100000' });
    // The v2 hierarchy of a hybrid host holds no controller: its files are not read.
    await cgroupDir('sys/fs/cgroup/unified/docker/abc', { 'cpu.max': '50000 100000' });
    expect(cgroupCpuLimit(files)).toBe(2);
  });

  it('reads the quota inside a v1 container, whose mount shows only its own cgroup', async () => {
    const files = await proc(['4:cpu,cpuacct:/docker/abc'], [v1Mount('/docker/abc', 'sys/fs/cgroup/cpu,cpuacct')]);
    await cgroupDir('sys/fs/cgroup/cpu,cpuacct', { 'cpu.cfs_quota_us': '100000', 'cpu.cfs_period_us': '100000' });
    expect(cgroupCpuLimit(files)).toBe(1);
  });

  it('takes the smallest quota of the cgroup and those above it, and none when none is set', async () => {
    const files = await proc(['3:cpu:/pod/container'], [v1Mount('/', 'cpu')]);
    await cgroupDir('cpu', { 'cpu.cfs_quota_us': '-1', 'cpu.cfs_period_us': '100000' });
    await cgroupDir('cpu/pod', { 'cpu.cfs_quota_us': '250000', 'cpu.cfs_period_us': '100000' });
    await cgroupDir('cpu/pod/container', { 'cpu.cfs_quota_us': '-1', 'cpu.cfs_period_us': '100000' });
    expect(cgroupCpuLimit(files)).toBe(3);

    await cgroupDir('cpu/pod', { 'cpu.cfs_quota_us': '-1', 'cpu.cfs_period_us': '100000' });
    expect(cgroupCpuLimit(files)).toBeUndefined();
  });

  it('reads cgroup v2 cpu.max: "max" is no quota, and less than one CPU still allows one', async () => {
    const files = await proc(['0::/kubepods/pod1/c1'], [v2Mount('/', 'sys/fs/cgroup')]);
    await cgroupDir('sys/fs/cgroup/kubepods/pod1/c1', { 'cpu.max': 'max 100000' });
    await cgroupDir('sys/fs/cgroup/kubepods/pod1', { 'cpu.max': 'max 100000' });
    expect(cgroupCpuLimit(files)).toBeUndefined();

    await cgroupDir('sys/fs/cgroup/kubepods/pod1', { 'cpu.max': '50000 100000' });
    expect(cgroupCpuLimit(files)).toBe(1);

    await cgroupDir('sys/fs/cgroup/kubepods/pod1/c1', { 'cpu.max': '400000 100000' });
    await cgroupDir('sys/fs/cgroup/kubepods/pod1', { 'cpu.max': 'max 100000' });
    expect(cgroupCpuLimit(files)).toBe(4);
  });

  it('falls back to v2 when the process names a v1 cpu cgroup that no mount shows', async () => {
    const files = await proc(['5:cpu,cpuacct:/docker/abc', '0::/'], [v2Mount('/', 'sys/fs/cgroup')]);
    await cgroupDir('sys/fs/cgroup', { 'cpu.max': '100000 100000' });
    expect(cgroupCpuLimit(files)).toBe(1);
  });

  it('reads a mount point with a space in it, which mountinfo writes as \\040', async () => {
    const files = await proc(['0::/'], [`40 30 0:37 / ${path.join(root, 'cgroup').replace(/ /g, '\\040')}\\040fs rw - cgroup2 cgroup2 rw`]);
    await cgroupDir('cgroup fs', { 'cpu.max': '200000 100000' });
    expect(cgroupCpuLimit(files)).toBe(2);
  });

  it('gives undefined when the files are missing or say nothing of a cpu cgroup', async () => {
    expect(cgroupCpuLimit({ cgroup: path.join(root, 'none'), mountinfo: path.join(root, 'none') })).toBeUndefined();
    const noCpu = await proc(['2:memory:/a'], [v1Mount('/', 'cpu')]);
    expect(cgroupCpuLimit(noCpu)).toBeUndefined();
    const noMount = await proc(['0::/'], ['22 1 8:1 / / rw,relatime - ext4 /dev/root rw']);
    expect(cgroupCpuLimit(noMount)).toBeUndefined();
  });
});
