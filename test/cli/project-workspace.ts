import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES } from './run-cli.js';

/** The root of this repository: the strata-assets package the built CLI belongs to. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A temp copy of a fixture project, set up as a user's project is: its own
 * package.json, and `node_modules` holding strata-assets (this repository,
 * linked, so the fixture imports the very build the CLI runs) and zod. A
 * `fake-*` folder of the fixture is installed as a real package copy, so a
 * test can change its version.
 */
export async function makeProject(fixture: string): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `strata-${fixture}-`));
  await cp(path.join(FIXTURES, fixture), dir, { recursive: true });
  const modules = path.join(dir, 'node_modules');
  await mkdir(modules);
  await symlink(PACKAGE_ROOT, path.join(modules, 'strata-assets'), 'dir');
  await symlink(path.join(PACKAGE_ROOT, 'node_modules', 'zod'), path.join(modules, 'zod'), 'dir');
  for (const fake of ['fake-shout']) {
    await cp(path.join(dir, fake), path.join(modules, fake), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
