import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

let cpus: number | undefined;

/**
 * The CPUs this process may use: `os.availableParallelism()`, lowered to the
 * CPU quota of the process's Linux cgroup when it has one. The default of a
 * run's `--concurrency`, a worker's, and the thread budget all start here.
 *
 * `availableParallelism()` follows a CPU affinity (`taskset`, `docker
 * --cpuset-cpus`), but not a quota (`docker --cpus 1`, a Kubernetes CPU
 * limit): in a cgroup allowed one CPU of a 2-CPU machine it says 2, on Node
 * 20 and on Node 24 alike. A process that believed it could keep the host's
 * CPUs busy would run that many steps and helper threads on one CPU's time
 * (Go, Java and .NET read the quota for the same reason).
 *
 * Read once: a quota seldom changes under a running process, and the budget
 * is asked for at every decision that could use another thread.
 */
export function availableCpus(): number {
  // Both are at least 1: availableParallelism() by Node's contract, the limit by rounding up.
  cpus ??= Math.min(availableParallelism(), cgroupCpuLimit() ?? Infinity);
  return cpus;
}

/** Where `cgroupCpuLimit` reads from: the process's own files, or others in tests. */
export interface CgroupFiles {
  /** Lists the process's cgroups, `/proc/self/cgroup`. */
  readonly cgroup: string;
  /** Lists its mounts, where the cgroup hierarchies are among them, `/proc/self/mountinfo`. */
  readonly mountinfo: string;
}

const OWN_FILES: CgroupFiles = { cgroup: '/proc/self/cgroup', mountinfo: '/proc/self/mountinfo' };

/**
 * The CPUs the CPU quota of the process's cgroup allows, rounded up (1.5
 * CPUs' worth of time can keep two threads busy part of the time), or
 * undefined when neither its cgroup nor any cgroup above it has a quota, or
 * the files cannot be read (not Linux, no cgroup file system). cgroup v1
 * (`cpu.cfs_quota_us` over `cpu.cfs_period_us`) and v2 (`cpu.max`) alike;
 * on a host with both, the hierarchy that holds the `cpu` controller.
 */
export function cgroupCpuLimit(files: CgroupFiles = OWN_FILES): number | undefined {
  const memberships = readText(files.cgroup);
  const mounts = readText(files.mountinfo);
  if (memberships === undefined || mounts === undefined) return undefined;
  const place = cpuCgroup(memberships, mounts);
  if (place === undefined) return undefined;
  let limit = Infinity;
  // The quota of every cgroup from the process's up to the mount applies: the smallest wins.
  for (let dir = place.dir; ; dir = path.dirname(dir)) {
    const quota = place.version === 1 ? quotaV1(dir) : quotaV2(dir);
    if (quota !== undefined) limit = Math.min(limit, quota);
    if (dir === place.mountPoint || path.dirname(dir) === dir) break;
  }
  return Number.isFinite(limit) ? Math.max(1, Math.ceil(limit)) : undefined;
}

/**
 * The folder of the process's cgroup that carries the `cpu` controller, and
 * the mount it is under. A host may mount both versions: the controller is
 * then in a v1 hierarchy, and the v2 one holds no quota. A v1 membership
 * without a v1 `cpu` mount to read it through (a container that mounts only
 * the unified hierarchy) falls back to v2.
 */
function cpuCgroup(memberships: string, mounts: string): { version: 1 | 2; dir: string; mountPoint: string } | undefined {
  // Lines of /proc/self/cgroup: "hierarchy-id:controllers:path"; v2's is "0::path".
  let v1Path: string | undefined;
  let v2Path: string | undefined;
  for (const line of memberships.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (match === null) continue;
    const [, id, controllers, cgroupPath] = match;
    if (id === '0' && controllers === '') v2Path = cgroupPath;
    else if (controllers!.split(',').includes('cpu')) v1Path = cgroupPath;
  }
  const mounted = parseMountinfo(mounts);
  const v1Mount = v1Path === undefined ? undefined : mounted.find((mount) => mount.type === 'cgroup' && mount.options.includes('cpu'));
  if (v1Mount !== undefined) return { version: 1, dir: under(v1Mount, v1Path!), mountPoint: v1Mount.mountPoint };
  const v2Mount = v2Path === undefined ? undefined : mounted.find((mount) => mount.type === 'cgroup2');
  if (v2Mount !== undefined) return { version: 2, dir: under(v2Mount, v2Path!), mountPoint: v2Mount.mountPoint };
  return undefined;
}

interface Mount {
  /** The folder of the hierarchy mounted here: `/` unless a container sees only its own part. */
  readonly root: string;
  readonly mountPoint: string;
  readonly type: string;
  readonly options: readonly string[];
}

/**
 * The mounts of /proc/self/mountinfo: "id parent major:minor root mount-point
 * options [optional fields...] - type source super-options", where a space
 * in a path is written `\040`.
 */
function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    if (separator === -1 || fields.length < separator + 4) continue;
    mounts.push({ root: unescapeMountPath(fields[3]!), mountPoint: unescapeMountPath(fields[4]!), type: fields[separator + 1]!, options: fields[separator + 3]!.split(',') });
  }
  return mounts;
}

function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_escape, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Where the cgroup `cgroupPath` lies under `mount`: the mount shows the hierarchy from its `root` down. */
function under(mount: Mount, cgroupPath: string): string {
  const relative = path.posix.relative(mount.root, cgroupPath);
  // A cgroup outside the mounted part (a container without its own cgroup namespace): the mount's own folder is the closest.
  return relative.startsWith('..') ? mount.mountPoint : path.join(mount.mountPoint, relative);
}

/** cgroup v1: `cpu.cfs_quota_us` (-1 for none) over `cpu.cfs_period_us`. */
function quotaV1(dir: string): number | undefined {
  const quota = Number(readText(path.join(dir, 'cpu.cfs_quota_us')));
  if (!(quota > 0)) return undefined;
  const period = Number(readText(path.join(dir, 'cpu.cfs_period_us')));
  return period > 0 ? quota / period : undefined;
}

/** cgroup v2: `cpu.max` is "quota period", with "max" for none. */
function quotaV2(dir: string): number | undefined {
  const [quota, period] = (readText(path.join(dir, 'cpu.max')) ?? '').trim().split(/\s+/).map(Number);
  return quota! > 0 && period! > 0 ? quota! / period! : undefined;
}

/** The file's text, or undefined when it cannot be read: a limit nobody set is no reason to fail. */
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
