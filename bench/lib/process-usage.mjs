import { readFile } from 'node:fs/promises';

/**
 * What running processes and the machine use, from Linux's /proc: for the
 * long-running processes a scenario keeps alive (an `assets worker`), which
 * GNU time cannot report on, and for the load the rest of the machine adds
 * while a figure is taken. Every function resolves null where there is no
 * /proc (macOS) or the process is gone.
 */

/** Clock ticks per second of /proc's CPU times: 100 on every Linux that Node supports (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

/** `rssBytes` (VmRSS, resident now) and `peakRssBytes` (VmHWM, the most it was resident) of a process. */
export async function processMemory(pid) {
  const status = await readProc(`/proc/${pid}/status`);
  if (status === null) return null;
  const kilobytes = (field) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match === null ? null : Number(match[1]) * 1024;
  };
  return { rssBytes: kilobytes('VmRSS'), peakRssBytes: kilobytes('VmHWM') };
}

/** CPU time (user + system, all threads) a process has used so far, in ms. */
export async function processCpuMs(pid) {
  const stat = await readProc(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name (field 2) may hold spaces: count fields from the ')' that closes it. utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** CPU time every core of the machine has spent busy (anything but idle and I/O wait) since boot, in ms. */
export async function machineBusyCpuMs() {
  const stat = await readProc('/proc/stat');
  if (stat === null) return null;
  // The first line sums every core: user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq, steal] = stat.split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / TICKS_PER_SECOND;
}

async function readProc(file) {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}
