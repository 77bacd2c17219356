import { hostname } from 'node:os';
import type { InstanceStorage } from '../storage/instance-storage.js';

/** Whether a process with this id exists on this machine (signal 0 only checks). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks `failed` every run still `started` whose process is gone (killed with
 * SIGKILL, the machine lost power): without this, such a run would look
 * in progress forever. Only runs started on this host can be checked; a pid
 * reused by an unrelated process keeps its run `started` until that process
 * ends, which errs on the side of never failing a live run.
 */
export async function failAbandonedRuns(
  storage: InstanceStorage,
  options: { now: Date; isAlive?: (pid: number) => boolean; host?: string },
): Promise<string[]> {
  const isAlive = options.isAlive ?? processIsAlive;
  const host = options.host ?? hostname();
  const abandoned = (await storage.runsWithStatus('started')).filter(
    (run) => run.hostname === host && run.pid !== null && run.pid !== process.pid && !isAlive(run.pid),
  );
  for (const run of abandoned) {
    await storage.write({
      events: [
        {
          runId: run.runId,
          time: options.now,
          type: 'run-end',
          assetKey: null,
          attempt: null,
          level: 'error',
          message: `Run ${run.runId} was abandoned: its process ${run.pid} on ${host} is gone. Marked failed.`,
          data: { status: 'failed', abandoned: true },
        },
      ],
    });
    await storage.finishRun(run.runId, 'failed', options.now);
  }
  return abandoned.map((run) => run.runId);
}
