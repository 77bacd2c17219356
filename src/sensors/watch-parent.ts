import { processIsAlive } from '../execution/fail-abandoned-runs.js';

export interface WatchParentOptions {
  /** How often the parent is checked. Default 1 s: a service manager's stop timeout is several seconds. */
  readonly intervalMs?: number;
  /** Reads the parent's pid; injected in tests. Default: `process.ppid` (read anew on every call). */
  readonly parentPid?: () => number;
  /** Whether a pid is a live process; injected in tests. Default: `kill(pid, 0)`. */
  readonly isAlive?: (pid: number) => boolean;
}

/**
 * Calls `onExit` once, soon after the process that started this one exits;
 * returns a function that stops watching. The long-running daemon stops
 * with it, so `npx assets daemon` killed by a service manager (which kills
 * npx, not its child) does not leave an orphan daemon ticking schedules
 * that nobody supervises any more.
 *
 * Why polling the parent's pid, and not something else:
 * - Linux's PR_SET_PDEATHSIG (the kernel signals a child whose parent dies)
 *   is not reachable from Node without a native addon.
 * - The end of stdin or an IPC `disconnect` only tells anything when the
 *   parent handed us a pipe or a channel; npx passes on its own stdio (a
 *   terminal, /dev/null, the journal), which never ends or is ended from the start.
 * - When a process's parent exits, the kernel re-parents it at once (Linux:
 *   to the nearest subreaper or init; macOS: launchd), so `getppid()`
 *   changes. Comparing it with the pid seen at start is exact, and a pid
 *   reused by an unrelated process cannot fool it. Windows does not
 *   re-parent, so there the original parent's liveness is checked too.
 * - A process started by init itself (parent pid 1, as a systemd service
 *   running `node` directly) or that is pid 1 (a container's entry point)
 *   has no parent to outlive: nothing is watched.
 *
 * Hazard: only the direct parent is watched. `npx` runs the bin through
 * `sh -c`, which dash and bash replace by the command (exec), so the parent
 * is npx itself; a shell that stayed in between would outlive npx and keep
 * the daemon running.
 *
 * The timer is unref'd: it never keeps a process alive that has nothing
 * else to do.
 */
export function watchParent(onExit: (parentPid: number) => void, options: WatchParentOptions = {}): () => void {
  const parentPid = options.parentPid ?? (() => process.ppid);
  const isAlive = options.isAlive ?? processIsAlive;
  const parent = parentPid();
  if (parent <= 1) return () => {};
  const timer = setInterval(() => {
    if (parentPid() === parent && isAlive(parent)) return;
    clearInterval(timer);
    onExit(parent);
  }, options.intervalMs ?? 1_000);
  timer.unref();
  return () => clearInterval(timer);
}
