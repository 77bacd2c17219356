import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

/**
 * How often each file under `dir` was statted while `work` ran, by its path
 * relative to `dir`: what a look at the code's files costs. Only work in
 * this process is counted.
 */
export async function statsDuring(dir: string, work: () => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  // The code-version module imports statSync by name: syncing the builtin's exports makes it see this one.
  const writable = fs as { statSync: typeof fs.statSync };
  const statSync = fs.statSync;
  writable.statSync = ((file: fs.PathLike, ...rest: unknown[]) => {
    const name = path.relative(dir, String(file));
    if (!name.startsWith('..')) counts[name] = (counts[name] ?? 0) + 1;
    return (statSync as (...args: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.statSync;
  syncBuiltinESMExports();
  try {
    await work();
  } finally {
    writable.statSync = statSync;
    syncBuiltinESMExports();
  }
  return counts;
}
