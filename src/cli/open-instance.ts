import { locateProject } from '../instance/locate-project.js';
import { openStorage } from '../instance/open-storage.js';
import type { InstanceStorage } from '../storage/instance-storage.js';
import type { CliIO } from './cli-io.js';

/** The instance storage of the command's project (see `locateProject` and `openStorage`). */
export function openInstance(io: Pick<CliIO, 'cwd' | 'env' | 'now' | 'definitionsModule'>): Promise<InstanceStorage> {
  return openStorage(locateProject(io), { now: io.now(), env: io.env });
}
