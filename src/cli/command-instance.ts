import { type Instance, openInstance } from '../instance/instance.js';
import type { CliIO } from './cli-io.js';

/**
 * The instance of a command's project: found from its working folder,
 * environment and `--definitions` (which `main` puts in `io`), on its clock.
 * Close it when the command ends.
 */
export function openCommandInstance(io: Pick<CliIO, 'cwd' | 'env' | 'now' | 'definitionsModule'>): Promise<Instance> {
  return openInstance({ cwd: io.cwd, env: io.env, now: io.now, definitionsModule: io.definitionsModule });
}
